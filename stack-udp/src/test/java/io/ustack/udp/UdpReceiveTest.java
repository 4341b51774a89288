package io.ustack.udp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.socket.Endpoint;
import io.ustack.api.socket.UdpSocket;
import io.ustack.api.time.VirtualClock;
import io.ustack.ip.ipv4.IcmpErrors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static io.ustack.udp.UdpHarness.LOCAL;
import static io.ustack.udp.UdpHarness.LOCAL2;
import static io.ustack.udp.UdpHarness.OTHER;
import static io.ustack.udp.UdpHarness.PEER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpReceiveTest
{
    private UdpHarness h = new UdpHarness();

    @AfterEach
    void noLeaks()
    {
        h.close();
        assertEquals(0, h.pool.inUse(), "packet buffers leaked: " + h.pool.leakedSlots());
    }

    private static byte[] receive(final UdpSocket socket, final Endpoint from) throws Exception
    {
        final ByteBuffer into = ByteBuffer.allocate(70_000);
        final int length = socket.receive(into, from);
        return length < 0 ? null : Arrays.copyOf(into.array(), length);
    }

    @Test
    @DisplayName("RFC 768: a datagram reaches the socket bound to its port, with its source address and port")
    void deliversWithSource() throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.bind(0, 5353);
            h.deliver(PEER, 1234, LOCAL, 5353, new byte[] {9, 8, 7});
            final Endpoint from = new Endpoint();
            assertArrayEquals(new byte[] {9, 8, 7}, receive(socket, from));
            assertEquals(PEER, from.address());
            assertEquals(1234, from.port());
            assertEquals(-1, socket.receive(ByteBuffer.allocate(10), from));
            assertEquals(1, h.counters.get(CounterDescriptor.UDP_DELIVERED));
        }
    }

    @Test
    @DisplayName("RFC 1122 §4.1.3.4: a socket bound to one address gets only datagrams sent to that address")
    void exactAddressMatch() throws Exception
    {
        try (var first = h.module.open(); var second = h.module.open())
        {
            first.bind(LOCAL, 7000);
            second.bind(LOCAL2, 7000);
            h.deliver(PEER, 1, LOCAL2, 7000, new byte[] {2});
            h.deliver(PEER, 1, LOCAL, 7000, new byte[] {1});
            assertArrayEquals(new byte[] {1}, receive(first, null));
            assertArrayEquals(new byte[] {2}, receive(second, null));
            assertEquals(null, receive(first, null));
        }
    }

    @Test
    @DisplayName("RFC 1122 §4.1.3.4: a wildcard-bound socket gets datagrams for every one of our addresses")
    void wildcardMatch() throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.bind(0, 7001);
            h.deliver(PEER, 1, LOCAL, 7001, new byte[] {1});
            h.deliver(PEER, 1, LOCAL2, 7001, new byte[] {2});
            assertArrayEquals(new byte[] {1}, receive(socket, null));
            assertArrayEquals(new byte[] {2}, receive(socket, null));
        }
    }

    @Test
    @DisplayName("a connected socket takes only its peer's datagrams; others are counted as not from the peer")
    void connectedFiltersByPeer() throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.bind(0, 7002);
            socket.connect(PEER, 53);
            h.deliver(OTHER, 53, LOCAL, 7002, new byte[] {1});
            h.deliver(PEER, 54, LOCAL, 7002, new byte[] {2});
            h.deliver(PEER, 53, LOCAL, 7002, new byte[] {3});
            assertArrayEquals(new byte[] {3}, receive(socket, null));
            assertEquals(null, receive(socket, null));
            assertEquals(2, h.counters.drops(DropReason.UDP_NOT_FROM_PEER));
            assertTrue(h.icmp.requests.isEmpty(), "a socket owns the port: no port unreachable");
        }
    }

    @Test
    @DisplayName("RFC 768: a checksum that does not verify is dropped and counted")
    void badChecksumDropped() throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.bind(0, 7003);
            final byte[] udp = UdpHarness.datagram(PEER, 1, LOCAL, 7003, new byte[] {1, 2, 3, 4}, true);
            udp[9] ^= 0x40;
            h.deliver(PEER, LOCAL, udp, false);
            assertEquals(null, receive(socket, null));
            assertEquals(1, h.counters.drops(DropReason.UDP_BAD_CHECKSUM));
        }
    }

    @Test
    @DisplayName("RFC 768: a zero checksum means none was computed, and the datagram is accepted")
    void zeroChecksumAccepted() throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.bind(0, 7004);
            h.deliver(PEER, LOCAL, UdpHarness.datagram(PEER, 1, LOCAL, 7004, new byte[] {5, 6}, false), false);
            assertArrayEquals(new byte[] {5, 6}, receive(socket, null));
        }
    }

    @Test
    @DisplayName("RFC 768: shorter than the header or a bad length field is dropped with its own reason")
    void malformedHeaderDropped()
    {
        h.deliver(PEER, LOCAL, new byte[7], false);
        final byte[] badLength = UdpHarness.datagram(PEER, 1, LOCAL, 7005, new byte[4], false);
        badLength[5] = 40; // length 40 > 12 bytes carried
        h.deliver(PEER, LOCAL, badLength, false);
        assertEquals(1, h.counters.drops(DropReason.UDP_TRUNCATED));
        assertEquals(1, h.counters.drops(DropReason.UDP_BAD_LENGTH));
    }

    @Test
    @DisplayName("RFC 1122 §4.1.3.1: no socket on the port is answered with ICMP port unreachable")
    void noSocketPortUnreachable()
    {
        h.deliver(PEER, 1, LOCAL, 9999, new byte[] {1});
        assertEquals(1, h.counters.drops(DropReason.UDP_NO_SOCKET));
        assertEquals(1, h.icmp.requests.size());
        final FakeIcmpErrors.Request r = h.icmp.requests.get(0);
        assertEquals(3, r.type());
        assertEquals(IcmpErrors.CODE_PORT_UNREACHABLE, r.code());
        assertEquals(PEER, r.source());
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2: no ICMP error about a broadcast datagram, by link or by address")
    void noPortUnreachableForBroadcast()
    {
        h.deliver(PEER, LOCAL, UdpHarness.datagram(PEER, 1, LOCAL, 9999, new byte[1], true), true);
        h.deliver(PEER, 0xFFFF_FFFF, UdpHarness.datagram(PEER, 1, 0xFFFF_FFFF, 9999, new byte[1], true), false);
        h.deliver(PEER, 0xC612_00FF, UdpHarness.datagram(PEER, 1, 0xC612_00FF, 9999, new byte[1], true), false);
        assertEquals(3, h.counters.drops(DropReason.UDP_NO_SOCKET));
        assertTrue(h.icmp.requests.isEmpty());
    }

    @Test
    @DisplayName("a full receive queue drops new datagrams and counts them; reading makes room again")
    void receiveQueueFull() throws Exception
    {
        h = new UdpHarness(StackConfig.builder().udpReceiveQueueBytes(4096).build(), new VirtualClock());
        try (var socket = h.module.open())
        {
            socket.bind(0, 7006);
            int delivered = 0;
            for (int i = 0; i < 10; i++)
            {
                h.deliver(PEER, 1, LOCAL, 7006, new byte[1000]);
            }
            delivered = (int)h.counters.get(CounterDescriptor.UDP_DELIVERED);
            assertTrue(delivered >= 3 && delivered <= 4, "about 4 KiB queued: " + delivered);
            assertEquals(10 - delivered, h.counters.drops(DropReason.UDP_RECEIVE_QUEUE_FULL));
            assertEquals(1000, socket.receive(ByteBuffer.allocate(2000), null));
            h.deliver(PEER, 1, LOCAL, 7006, new byte[1000]);
            assertEquals(delivered + 1, h.counters.get(CounterDescriptor.UDP_DELIVERED));
        }
    }

    @Test
    @DisplayName("a datagram longer than the receive buffer is cut, and its full length returned")
    void truncatingReceive() throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.bind(0, 7007);
            h.deliver(PEER, 1, LOCAL, 7007, new byte[] {1, 2, 3, 4, 5});
            final ByteBuffer small = ByteBuffer.allocate(3);
            assertEquals(5, socket.receive(small, null));
            assertArrayEquals(new byte[] {1, 2, 3}, small.array());
            assertEquals(3, small.position());
        }
    }

    @Test
    @DisplayName("close discards queued datagrams, frees the port, and later datagrams draw port unreachable")
    void closeDiscardsAndUnbinds() throws Exception
    {
        final UdpSocket socket = h.module.open();
        socket.bind(0, 7008);
        h.deliver(PEER, 1, LOCAL, 7008, new byte[] {1});
        socket.close();
        socket.close();
        h.deliver(PEER, 1, LOCAL, 7008, new byte[] {2});
        assertEquals(1, h.counters.drops(DropReason.UDP_NO_SOCKET));
        try (var again = h.module.open())
        {
            again.bind(0, 7008);
            assertEquals(null, receive(again, null), "the old queue is gone with the old socket");
        }
    }
}
