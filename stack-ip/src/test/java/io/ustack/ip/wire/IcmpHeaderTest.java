package io.ustack.ip.wire;

import io.ustack.api.counter.DropReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.ustack.ip.Hex.bytes;
import static io.ustack.ip.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpHeaderTest
{
    private static final int IP_HEADER = 20;
    private final IcmpHeader icmp = new IcmpHeader();
    private final Ipv4Header ip = new Ipv4Header();

    @Test
    @DisplayName("RFC 792: a captured echo request decodes (id 0x1234, seq 1, 56 data bytes) and encodes")
    void echoRequest()
    {
        final UnsafeBuffer packet = new UnsafeBuffer(GoldenPackets.ECHO_REQUEST);
        assertTrue(ip.tryWrap(packet, 0, packet.capacity()));
        assertTrue(icmp.tryWrap(packet, ip.payloadOffset(), ip.payloadLength()));
        assertNull(icmp.failure());
        assertEquals(IcmpHeader.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(0x2CF6, icmp.checksum());
        assertTrue(icmp.checksumValid());
        assertEquals(0x1234, icmp.identifier());
        assertEquals(1, icmp.sequenceNumber());
        assertEquals(0x1234_0001, icmp.restOfHeader());
        assertEquals(28, icmp.dataOffset());
        assertEquals(56, icmp.dataLength());
        assertFalse(icmp.isError());
        assertEquals(0, icmp.quotedLength());
        assertFalse(icmp.quoteHoldsIpv4HeaderAnd8Bytes());

        assertArrayEquals(messageOf(GoldenPackets.ECHO_REQUEST), encodeEcho(IcmpHeader.TYPE_ECHO_REQUEST));
    }

    @Test
    @DisplayName("RFC 792: the kernel's echo reply decodes with type 0 and the same id, seq and data, and encodes")
    void echoReply()
    {
        final byte[] message = messageOf(GoldenPackets.ECHO_REPLY);
        assertTrue(icmp.tryWrap(new UnsafeBuffer(message), 0, message.length));
        assertEquals(IcmpHeader.TYPE_ECHO_REPLY, icmp.type());
        assertEquals(0x34F6, icmp.checksum());
        assertTrue(icmp.checksumValid());
        assertEquals(0x1234, icmp.identifier());
        assertEquals(1, icmp.sequenceNumber());
        assertArrayEquals(message, encodeEcho(IcmpHeader.TYPE_ECHO_REPLY));
    }

    @Test
    @DisplayName("RFC 1624: turning the request into a reply in place updates the checksum to the captured one")
    void echoRequestToReplyInPlace()
    {
        final byte[] message = messageOf(GoldenPackets.ECHO_REQUEST);
        assertTrue(icmp.tryWrap(new UnsafeBuffer(message), 0, message.length));
        final int oldWord = icmp.type() << 8 | icmp.code();
        icmp.type(IcmpHeader.TYPE_ECHO_REPLY)
            .checksum(io.ustack.ip.checksum.InternetChecksum.update(icmp.checksum(), oldWord, 0));
        assertArrayEquals(messageOf(GoldenPackets.ECHO_REPLY), message);
    }

    @Test
    @DisplayName("RFC 792, RFC 1122 §3.2.2: a captured port unreachable quotes the whole UDP datagram, header + 8 bytes")
    void portUnreachable()
    {
        final UnsafeBuffer packet = new UnsafeBuffer(GoldenPackets.PORT_UNREACHABLE);
        assertTrue(ip.tryWrap(packet, 0, packet.capacity()));
        assertTrue(icmp.tryWrap(packet, ip.payloadOffset(), ip.payloadLength()));
        assertEquals(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, icmp.type());
        assertEquals(IcmpHeader.CODE_PORT_UNREACHABLE, icmp.code());
        assertEquals(0xE7A4, icmp.checksum());
        assertTrue(icmp.checksumValid());
        assertEquals(0, icmp.restOfHeader());
        assertEquals(0, icmp.nextHopMtu());
        assertTrue(icmp.isError());
        assertEquals(28, icmp.quotedOffset());
        assertEquals(40, icmp.quotedLength());
        assertTrue(icmp.quoteHoldsIpv4HeaderAnd8Bytes());

        final Ipv4Header quoted = new Ipv4Header();
        assertTrue(quoted.tryWrap(packet, icmp.quotedOffset(), icmp.quotedLength()));
        assertEquals(Ipv4Header.PROTOCOL_UDP, quoted.protocol());
        assertEquals(0x3AAA, quoted.identification());
        assertEquals(9, packet.getShort(quoted.payloadOffset() + 2, java.nio.ByteOrder.BIG_ENDIAN));

        final UnsafeBuffer out = new UnsafeBuffer(new byte[48]);
        icmp.wrapForWrite(out, 0).type(IcmpHeader.TYPE_DESTINATION_UNREACHABLE)
            .code(IcmpHeader.CODE_PORT_UNREACHABLE).restOfHeader(0);
        out.putBytes(icmp.quotedOffset(), GoldenPackets.UDP_TO_CLOSED_PORT);
        icmp.computeAndSetChecksum(48);
        assertArrayEquals(messageOf(GoldenPackets.PORT_UNREACHABLE), out.byteArray());
        assertTrue(icmp.checksumValid());
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2: a quote shorter than its IPv4 header (by IHL) plus 8 bytes is not enough")
    void shortQuote()
    {
        final byte[] message = messageOf(GoldenPackets.PORT_UNREACHABLE);
        for (int length = 8; length < 36; length++)
        {
            assertTrue(icmp.tryWrap(new UnsafeBuffer(message), 0, length));
            assertFalse(icmp.quoteHoldsIpv4HeaderAnd8Bytes(), "quote of " + (length - 8));
        }
        assertTrue(icmp.tryWrap(new UnsafeBuffer(message), 0, 36));
        assertTrue(icmp.quoteHoldsIpv4HeaderAnd8Bytes());

        // The quote of the datagram with options needs its 32-byte header plus 8.
        final byte[] withOptions = concat(bytes("0b00 0000 0000 0000"), GoldenPackets.UDP_WITH_OPTIONS);
        assertTrue(icmp.tryWrap(new UnsafeBuffer(withOptions), 0, 8 + 39));
        assertFalse(icmp.quoteHoldsIpv4HeaderAnd8Bytes());
        assertTrue(icmp.tryWrap(new UnsafeBuffer(withOptions), 0, 8 + 40));
        assertTrue(icmp.quoteHoldsIpv4HeaderAnd8Bytes());
        assertEquals(IcmpHeader.TYPE_TIME_EXCEEDED, icmp.type());

        final byte[] notIpv4 = message.clone();
        notIpv4[8] = 0x65;
        assertTrue(icmp.tryWrap(new UnsafeBuffer(notIpv4), 0, notIpv4.length));
        assertFalse(icmp.quoteHoldsIpv4HeaderAnd8Bytes());
    }

    @Test
    @DisplayName("RFC 1191 §4: fragmentation needed carries the next-hop MTU in the low 16 bits of the second word")
    void fragmentationNeeded()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[8 + 28]);
        icmp.wrapForWrite(out, 0).type(IcmpHeader.TYPE_DESTINATION_UNREACHABLE)
            .code(IcmpHeader.CODE_FRAGMENTATION_NEEDED).restOfHeader(0).nextHopMtu(1400);
        out.putBytes(8, GoldenPackets.FIRST_FRAGMENT, 0, 28);
        icmp.computeAndSetChecksum(36);
        assertArrayEquals(bytes("0304"), java.util.Arrays.copyOf(out.byteArray(), 2));
        assertTrue(icmp.tryWrap(out, 0, 36));
        assertEquals(1400, icmp.nextHopMtu());
        assertEquals(1400, icmp.restOfHeader());
        assertTrue(icmp.checksumValid());
        assertTrue(icmp.quoteHoldsIpv4HeaderAnd8Bytes());
    }

    @Test
    @DisplayName("RFC 792: parameter problem points at the octet in error; redirect carries a gateway")
    void parameterProblemAndRedirect()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        icmp.wrapForWrite(out, 0).type(IcmpHeader.TYPE_PARAMETER_PROBLEM).code(0).restOfHeader(0).pointer(20);
        assertArrayEquals(bytes("0c00 0000 1400 0000"), out.byteArray());
        assertEquals(20, icmp.pointer());
        icmp.type(IcmpHeader.TYPE_REDIRECT).code(IcmpHeader.CODE_REDIRECT_HOST).gatewayAddress(0xC612_00FE);
        assertArrayEquals(bytes("0501 0000 c612 00fe"), out.byteArray());
        assertTrue(icmp.isError());
    }

    @Test
    @DisplayName("RFC 792: a message shorter than the 8-byte header is ICMP_TRUNCATED; a corrupted one fails checksum")
    void truncatedAndCorrupted()
    {
        final byte[] message = messageOf(GoldenPackets.ECHO_REQUEST);
        for (int length = 0; length < 8; length++)
        {
            assertFalse(icmp.tryWrap(new UnsafeBuffer(message), 0, length));
            assertEquals(DropReason.ICMP_TRUNCATED, icmp.failure());
        }
        message[40] ^= 0x01;
        assertTrue(icmp.tryWrap(new UnsafeBuffer(message), 0, message.length));
        assertFalse(icmp.checksumValid());
    }

    private byte[] encodeEcho(final int type)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        icmp.wrapForWrite(out, 0).type(type).code(0).identifier(0x1234).sequenceNumber(1);
        out.putBytes(icmp.dataOffset(), io.ustack.ip.Hex.pattern(0x10, 56));
        icmp.computeAndSetChecksum(64);
        return out.byteArray();
    }

    private static byte[] messageOf(final byte[] ipv4Packet)
    {
        return java.util.Arrays.copyOfRange(ipv4Packet, IP_HEADER, ipv4Packet.length);
    }
}
