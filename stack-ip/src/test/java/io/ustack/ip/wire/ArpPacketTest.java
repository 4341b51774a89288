package io.ustack.ip.wire;

import io.ustack.api.counter.DropReason;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.MacAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.ustack.ip.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArpPacketTest
{
    private static final long MAC_A = MacAddress.parse("fe:cc:cb:e7:7b:71").bits();
    private static final long MAC_B = MacAddress.parse("fa:da:f6:da:27:34").bits();
    private static final int IP_A = Ipv4Address.parse("198.18.0.1");
    private static final int IP_B = Ipv4Address.parse("198.18.0.2");

    private final ArpPacket arp = new ArpPacket();

    @Test
    @DisplayName("RFC 826: a captured request who-has 198.18.0.2 tell 198.18.0.1 decodes and encodes")
    void request()
    {
        final byte[] golden = GoldenPackets.ARP_REQUEST;
        assertTrue(arp.tryWrap(new UnsafeBuffer(golden), 0, golden.length));
        assertNull(arp.failure());
        assertEquals(ArpPacket.HARDWARE_TYPE_ETHERNET, arp.hardwareType());
        assertEquals(ArpPacket.PROTOCOL_TYPE_IPV4, arp.protocolType());
        assertEquals(6, arp.hardwareLength());
        assertEquals(4, arp.protocolLength());
        assertEquals(ArpPacket.OPERATION_REQUEST, arp.operation());
        assertEquals(MAC_A, arp.senderHardwareAddress());
        assertEquals(IP_A, arp.senderProtocolAddress());
        assertEquals(0L, arp.targetHardwareAddress());
        assertEquals(IP_B, arp.targetProtocolAddress());

        final UnsafeBuffer out = new UnsafeBuffer(new byte[ArpPacket.LENGTH]);
        arp.wrapForWrite(out, 0).ethernetIpv4().operation(ArpPacket.OPERATION_REQUEST)
            .senderHardwareAddress(MAC_A).senderProtocolAddress(IP_A)
            .targetHardwareAddress(0L).targetProtocolAddress(IP_B);
        assertArrayEquals(golden, out.byteArray());
    }

    @Test
    @DisplayName("RFC 826: a captured reply 198.18.0.2 is-at fa:da:f6:da:27:34 decodes and encodes")
    void reply()
    {
        final byte[] golden = GoldenPackets.ARP_REPLY;
        assertTrue(arp.tryWrap(new UnsafeBuffer(golden), 0, golden.length));
        assertEquals(ArpPacket.OPERATION_REPLY, arp.operation());
        assertEquals(MAC_B, arp.senderHardwareAddress());
        assertEquals(IP_B, arp.senderProtocolAddress());
        assertEquals(MAC_A, arp.targetHardwareAddress());
        assertEquals(IP_A, arp.targetProtocolAddress());

        final UnsafeBuffer out = new UnsafeBuffer(new byte[ArpPacket.LENGTH]);
        arp.wrapForWrite(out, 0).hardwareType(1).protocolType(0x0800).hardwareLength(6).protocolLength(4)
            .operation(ArpPacket.OPERATION_REPLY).senderHardwareAddress(MAC_B).senderProtocolAddress(IP_B)
            .targetHardwareAddress(MAC_A).targetProtocolAddress(IP_A);
        assertArrayEquals(golden, out.byteArray());
    }

    @Test
    @DisplayName("RFC 826: Ethernet padding after the 28-byte body (a 60-byte minimum frame) is ignored")
    void paddingIgnored()
    {
        final byte[] padded = concat(GoldenPackets.ARP_REPLY, new byte[18]);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[padded.length + 14]);
        buffer.putBytes(14, padded);
        assertTrue(arp.tryWrap(buffer, 14, padded.length));
        assertEquals(IP_A, arp.targetProtocolAddress());
    }

    @Test
    @DisplayName("RFC 826: a hardware type, protocol type or address length other than Ethernet/IPv4 is unsupported")
    void unsupportedFormat()
    {
        final int[][] changes = {{1, 6}, {0, 1}, {2, 0x86}, {3, 0xDD}, {4, 8}, {5, 16}};
        for (final int[] change : changes)
        {
            final byte[] packet = GoldenPackets.ARP_REQUEST.clone();
            packet[change[0]] = (byte)change[1];
            assertFalse(arp.tryWrap(new UnsafeBuffer(packet), 0, packet.length));
            assertEquals(DropReason.ARP_UNSUPPORTED_FORMAT, arp.failure(), "byte " + change[0]);
        }
    }

    @Test
    @DisplayName("RFC 826: an operation other than request (1) or reply (2) is ARP_BAD_OPERATION")
    void badOperation()
    {
        for (final int operation : new int[] {0, 3, 4, 0x0101, 0xFFFF})
        {
            final byte[] packet = GoldenPackets.ARP_REQUEST.clone();
            packet[6] = (byte)(operation >>> 8);
            packet[7] = (byte)operation;
            assertFalse(arp.tryWrap(new UnsafeBuffer(packet), 0, packet.length));
            assertEquals(DropReason.ARP_BAD_OPERATION, arp.failure(), "operation " + operation);
        }
    }

    @Test
    @DisplayName("RFC 826: a packet shorter than the fixed part, or than 28 bytes, is ARP_TRUNCATED")
    void truncated()
    {
        assertFalse(arp.tryWrap(new UnsafeBuffer(GoldenPackets.ARP_REQUEST), 0, 7));
        assertEquals(DropReason.ARP_TRUNCATED, arp.failure());
        assertFalse(arp.tryWrap(new UnsafeBuffer(GoldenPackets.ARP_REQUEST), 0, 27));
        assertEquals(DropReason.ARP_TRUNCATED, arp.failure());
        assertFalse(arp.tryWrap(new UnsafeBuffer(GoldenPackets.ARP_REQUEST), 1, 28));
        assertEquals(DropReason.ARP_TRUNCATED, arp.failure());
    }
}
