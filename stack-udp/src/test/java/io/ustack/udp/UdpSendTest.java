package io.ustack.udp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.udp.wire.UdpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.NoRouteToHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.ustack.udp.UdpHarness.LOCAL;
import static io.ustack.udp.UdpHarness.LOCAL2;
import static io.ustack.udp.UdpHarness.PEER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpSendTest
{
    private final UdpHarness h = new UdpHarness();

    @AfterEach
    void noLeaks()
    {
        h.close();
        assertEquals(0, h.pool.inUse(), "packet buffers leaked: " + h.pool.leakedSlots());
    }

    private FakeIpv4Sender.Sent sendOne(final byte[] payload, final int localAddress) throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.bind(localAddress, 40001);
            assertTrue(socket.sendTo(ByteBuffer.wrap(payload), PEER, 53));
            h.pump();
        }
        assertEquals(1, h.sender.sent.size());
        return h.sender.sent.poll();
    }

    @Test
    @DisplayName("RFC 768: header fields and a pseudo-header checksum that verifies, from the route's source address")
    void writesHeaderAndChecksum() throws Exception
    {
        final byte[] payload = "ustack golden udp\n".getBytes(StandardCharsets.US_ASCII);
        final FakeIpv4Sender.Sent sent = sendOne(payload, 0);

        assertEquals(LOCAL, sent.source());
        assertEquals(PEER, sent.destination());
        assertEquals(UdpHeader.PROTOCOL, sent.protocol());
        assertEquals(0, sent.flags() & Ipv4Sender.DONT_FRAGMENT, "UDP lets IPv4 fragment");
        final UdpHeader header = new UdpHeader();
        assertTrue(header.tryWrap(new UnsafeBuffer(sent.bytes()), 0, sent.bytes().length));
        assertEquals(40001, header.sourcePort());
        assertEquals(53, header.destinationPort());
        assertEquals(8 + payload.length, header.length());
        assertTrue(header.hasChecksum());
        assertTrue(header.checksumValid(LOCAL, PEER));
        assertArrayEquals(payload, Arrays.copyOfRange(sent.bytes(), 8, sent.bytes().length));
        assertEquals(1, h.counters.get(CounterDescriptor.UDP_SENT));
    }

    @Test
    @DisplayName("RFC 768: the same datagram as Linux sent it (captured golden bytes) comes out byte for byte")
    void matchesCapturedLinuxDatagram() throws Exception
    {
        final int a = 0xC612_0001;
        final int b = 0xC612_0002;
        final byte[] payload = "ustack golden udp\n".getBytes(StandardCharsets.US_ASCII);
        // From UdpHeaderTest.DATAGRAM: 198.18.0.1:40001 -> 198.18.0.2:18081, captured with tcpdump.
        final byte[] golden = hex("9c4146a1001afba675737461636b20676f6c64656e207564700a");
        try (var socket = h.module.open())
        {
            socket.bind(a, 40001);
            assertTrue(socket.sendTo(ByteBuffer.wrap(payload), b, 18081));
            h.pump();
        }
        assertArrayEquals(golden, h.sender.sent.poll().bytes());
    }

    @Test
    @DisplayName("RFC 768: a computed checksum of zero is transmitted as all ones")
    void zeroChecksumSentAsAllOnes() throws Exception
    {
        final byte[] first = sendOne(new byte[2], LOCAL).bytes();
        final int checksumWithZeros = (first[6] & 0xFF) << 8 | (first[7] & 0xFF);
        // Adding the complement of the sum makes the one's complement sum 0xFFFF: the checksum computes to zero.
        final byte[] payload = {(byte)(checksumWithZeros >>> 8), (byte)checksumWithZeros};
        final FakeIpv4Sender.Sent sent = sendOne(payload, LOCAL);
        final UdpHeader header = new UdpHeader();
        assertTrue(header.tryWrap(new UnsafeBuffer(sent.bytes()), 0, sent.bytes().length));
        assertEquals(0xFFFF, header.checksum());
        assertTrue(header.checksumValid(LOCAL, PEER));
    }

    @Test
    @DisplayName("RFC 768: a socket bound to one of our addresses sends from it, not from the route's")
    void boundAddressIsTheSource() throws Exception
    {
        final FakeIpv4Sender.Sent sent = sendOne(new byte[] {1, 2, 3}, LOCAL2);
        assertEquals(LOCAL2, sent.source());
        final UdpHeader header = new UdpHeader();
        assertTrue(header.tryWrap(new UnsafeBuffer(sent.bytes()), 0, sent.bytes().length));
        assertTrue(header.checksumValid(LOCAL2, PEER));
    }

    @Test
    @DisplayName("RFC 768: a datagram larger than one buffer goes out through sendFrom, up to 65,507 bytes of data")
    void largeDatagramUsesSendFrom() throws Exception
    {
        final byte[] payload = new byte[UdpModule.MAX_PAYLOAD];
        for (int i = 0; i < payload.length; i++)
        {
            payload[i] = (byte)(i * 31 + 7);
        }
        final FakeIpv4Sender.Sent sent = sendOne(payload, 0);
        assertEquals(1, h.sender.sendFromCalls);
        final UdpHeader header = new UdpHeader();
        assertTrue(header.tryWrap(new UnsafeBuffer(sent.bytes()), 0, sent.bytes().length));
        assertEquals(65_515, header.length());
        assertTrue(header.checksumValid(LOCAL, PEER));
        assertArrayEquals(payload, Arrays.copyOfRange(sent.bytes(), 8, sent.bytes().length));
    }

    @Test
    @DisplayName("RFC 768 over IPv4: more than 65,507 bytes of data is refused with IllegalArgumentException")
    void oversizedDatagramRefused()
    {
        try (var socket = h.module.open())
        {
            assertThrows(IllegalArgumentException.class,
                () -> socket.sendTo(ByteBuffer.allocate(UdpModule.MAX_PAYLOAD + 1), PEER, 53));
        }
    }

    @Test
    @DisplayName("sendTo consumes the buffer and binds an unbound socket to an ephemeral port first")
    void sendBindsEphemeral() throws Exception
    {
        try (var socket = h.module.open())
        {
            final ByteBuffer payload = ByteBuffer.wrap(new byte[10]);
            assertTrue(socket.sendTo(payload, PEER, 9));
            assertEquals(0, payload.remaining());
            assertTrue(socket.localPort() >= 32_768 && socket.localPort() <= 60_999);
            h.pump();
            final byte[] bytes = h.sender.sent.poll().bytes();
            assertEquals(socket.localPort(), (bytes[0] & 0xFF) << 8 | (bytes[1] & 0xFF));
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.3.1: no route to the destination throws NoRouteToHostException at once")
    void noRouteThrowsAtOnce()
    {
        h.sender.unroutable = PEER;
        try (var socket = h.module.open())
        {
            assertThrows(NoRouteToHostException.class, () -> socket.sendTo(ByteBuffer.allocate(1), PEER, 53));
        }
        assertEquals(0, h.pump());
    }

    @Test
    @DisplayName("a failed IPv4 send (no route) becomes an error thrown by the socket's next call, once")
    void sendFailureBecomesPendingError() throws Exception
    {
        h.sender.result = Ipv4Sender.NO_ROUTE;
        try (var socket = h.module.open())
        {
            socket.bind(0, 40002);
            assertTrue(socket.sendTo(ByteBuffer.allocate(1), PEER, 53));
            h.pump();
            assertEquals(0, h.counters.get(CounterDescriptor.UDP_SENT));
            assertThrows(NoRouteToHostException.class, () -> socket.receive(ByteBuffer.allocate(8), null));
            assertEquals(-1, socket.receive(ByteBuffer.allocate(8), null), "thrown once only");
        }
        h.sender.sent.clear();
    }

    @Test
    @DisplayName("a full send ring makes sendTo return false, and nothing is lost of what was accepted")
    void fullSendRingReturnsFalse() throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.bind(0, 40003);
            int accepted = 0;
            while (socket.sendTo(ByteBuffer.allocate(60_000), PEER, 53))
            {
                accepted++;
            }
            assertTrue(accepted > 0);
            h.pump();
            assertEquals(accepted, h.sender.sent.size());
            assertTrue(socket.sendTo(ByteBuffer.allocate(60_000), PEER, 53), "room again once drained");
            h.pump();
        }
    }

    static byte[] hex(final String hex)
    {
        final byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = (byte)Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
