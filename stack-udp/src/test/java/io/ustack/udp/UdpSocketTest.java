package io.ustack.udp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.DropReason;
import io.ustack.api.socket.UdpSocket;
import io.ustack.api.time.VirtualClock;
import io.ustack.ip.ipv4.IcmpErrors;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.ustack.udp.UdpHarness.LOCAL;
import static io.ustack.udp.UdpHarness.PEER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpSocketTest
{
    private UdpHarness h = new UdpHarness();

    @AfterEach
    void noLeaks()
    {
        h.close();
        assertEquals(0, h.pool.inUse(), "packet buffers leaked: " + h.pool.leakedSlots());
    }

    @Test
    @DisplayName("RFC 6056 §3.3.1: ephemeral ports come from the configured range, a random start, no repeats")
    void ephemeralPortsInRange() throws Exception
    {
        final List<UdpSocket> sockets = new ArrayList<>();
        try
        {
            for (int i = 0; i < 50; i++)
            {
                final UdpSocket s = h.module.open();
                sockets.add(s);
                s.bind(0, 0);
                assertTrue(s.localPort() >= 32_768 && s.localPort() <= 60_999, "port " + s.localPort());
            }
            assertEquals(50, sockets.stream().mapToInt(UdpSocket::localPort).distinct().count());
        }
        finally
        {
            sockets.forEach(UdpSocket::close);
        }
    }

    @Test
    @DisplayName("RFC 6056: the same random seed gives the same ephemeral ports; 0 draws a fresh seed")
    void seededPortsRepeat() throws Exception
    {
        final UdpHarness other = new UdpHarness();
        try (var a = h.module.open(); var b = other.module.open())
        {
            a.bind(0, 0);
            b.bind(0, 0);
            assertEquals(a.localPort(), b.localPort());
        }
    }

    @Test
    @DisplayName("a port in use, or a wildcard against a specific address on it, is a BindException")
    void bindConflicts() throws Exception
    {
        try (var first = h.module.open(); var second = h.module.open(); var third = h.module.open())
        {
            first.bind(LOCAL, 8000);
            assertThrows(BindException.class, () -> second.bind(LOCAL, 8000));
            assertThrows(BindException.class, () -> second.bind(0, 8000));
            third.bind(0, 8001);
            assertThrows(BindException.class, () -> second.bind(LOCAL, 8001));
            second.bind(UdpHarness.LOCAL2, 8000);
            assertThrows(BindException.class, () -> first.bind(LOCAL, 8002), "already bound");
        }
    }

    @Test
    @DisplayName("binding to an address that is not the stack's is a BindException")
    void bindForeignAddress()
    {
        try (var socket = h.module.open())
        {
            final BindException e = assertThrows(BindException.class, () -> socket.bind(PEER, 8003));
            assertTrue(e.getMessage().contains("not an address of this stack"), e.getMessage());
        }
    }

    @Test
    @DisplayName("RFC 6056: when every ephemeral port is taken, a BindException says so")
    void ephemeralExhausted() throws Exception
    {
        h = new UdpHarness(StackConfig.builder().ephemeralPortFirst(50_000).ephemeralPortLast(50_001).build(),
            new VirtualClock());
        final UdpSocket a = h.module.open();
        try (var b = h.module.open(); var c = h.module.open())
        {
            a.bind(0, 0);
            b.bind(0, 0);
            assertNotEquals(a.localPort(), b.localPort());
            final BindException e = assertThrows(BindException.class, () -> c.bind(0, 0));
            assertTrue(e.getMessage().contains("no free ephemeral port"), e.getMessage());
            a.close();
            c.bind(0, 0);
            assertEquals(50_000 + 50_001 - b.localPort(), c.localPort());
        }
    }

    @Test
    @DisplayName("RFC 1122 §4.1.3.3: ICMP port unreachable reaches the connected socket as PortUnreachableException")
    void icmpPortUnreachable() throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.connect(PEER, 53);
            h.icmpError(3, IcmpErrors.CODE_PORT_UNREACHABLE, socket.localPort(), PEER, 53);
            assertThrows(PortUnreachableException.class, () -> socket.send(ByteBuffer.allocate(1)));
            assertTrue(socket.send(ByteBuffer.allocate(1)), "thrown once");
            h.pump();
            h.sender.sent.clear();
        }
    }

    @Test
    @DisplayName("RFC 1122 §4.1.3.3: host unreachable becomes NoRouteToHostException; other codes SocketException")
    void icmpOtherErrors() throws Exception
    {
        try (var socket = h.module.open())
        {
            socket.connect(PEER, 53);
            h.icmpError(3, IcmpErrors.CODE_HOST_UNREACHABLE, socket.localPort(), PEER, 53);
            assertThrows(NoRouteToHostException.class, () -> socket.receive(ByteBuffer.allocate(1), null));
            h.icmpError(11, 0, socket.localPort(), PEER, 53);
            final SocketException e = assertThrows(SocketException.class,
                () -> socket.receive(ByteBuffer.allocate(1), null, Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("type 11 code 0"), e.getMessage());
        }
    }

    @Test
    @DisplayName("as on Linux, an ICMP error about another peer, or to an unconnected socket, is not reported")
    void icmpIgnoredUnlessConnectedPeer() throws Exception
    {
        try (var connected = h.module.open(); var unconnected = h.module.open())
        {
            connected.connect(PEER, 53);
            unconnected.bind(0, 8004);
            h.icmpError(3, IcmpErrors.CODE_PORT_UNREACHABLE, connected.localPort(), PEER, 54);
            h.icmpError(3, IcmpErrors.CODE_PORT_UNREACHABLE, 8004, PEER, 53);
            assertEquals(-1, connected.receive(ByteBuffer.allocate(1), null));
            assertEquals(-1, unconnected.receive(ByteBuffer.allocate(1), null));
            h.icmpError(3, IcmpErrors.CODE_PORT_UNREACHABLE, 8005, PEER, 53);
            assertEquals(1, h.counters.drops(DropReason.ICMP_ERROR_UNMATCHED), "no socket on the quoted port");
        }
    }

    @Test
    @DisplayName("a blocking receive times out on the injected clock (advanced by another thread)")
    void blockingReceiveTimesOutOnVirtualClock() throws Exception
    {
        final VirtualClock clock = (VirtualClock)h.clock;
        final AtomicBoolean done = new AtomicBoolean();
        final Thread ticker = new Thread(() ->
        {
            while (!done.get())
            {
                clock.advanceMs(1);
                Thread.onSpinWait();
            }
        });
        try (var socket = h.module.open())
        {
            socket.bind(0, 8006);
            ticker.start();
            final long startNs = clock.nanoTime();
            assertThrows(SocketTimeoutException.class,
                () -> socket.receive(ByteBuffer.allocate(1), null, Duration.ofMillis(500)));
            assertTrue(clock.nanoTime() - startNs >= 500_000_000L);
        }
        finally
        {
            done.set(true);
            ticker.join();
        }
    }

    @Test
    @DisplayName("a blocking receive returns a datagram that arrives while it waits (real clock, short wait)")
    void blockingReceiveGetsDatagram() throws Exception
    {
        h = new UdpHarness(StackConfig.builder().build(), new SystemNanoClock());
        try (var receiver = h.module.open(); var sender = h.module.open())
        {
            receiver.bind(LOCAL, 8007);
            h.startLoopback();
            assertThrows(SocketTimeoutException.class,
                () -> receiver.receive(ByteBuffer.allocate(1), null, Duration.ofMillis(20)));
            assertTrue(sender.sendTo(ByteBuffer.wrap(new byte[] {42}), LOCAL, 8007));
            final ByteBuffer into = ByteBuffer.allocate(8);
            assertEquals(1, receiver.receive(into, null, Duration.ofSeconds(10)));
            assertEquals(42, into.get(0));
        }
    }

    @Test
    @DisplayName("every call on a closed socket throws ClosedChannelException; close is idempotent")
    void closedSocket()
    {
        final UdpSocket socket = h.module.open();
        socket.close();
        socket.close();
        assertThrows(ClosedChannelException.class, () -> socket.bind(0, 0));
        assertThrows(ClosedChannelException.class, () -> socket.connect(PEER, 1));
        assertThrows(ClosedChannelException.class, () -> socket.sendTo(ByteBuffer.allocate(1), PEER, 1));
        assertThrows(ClosedChannelException.class, () -> socket.send(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> socket.receive(ByteBuffer.allocate(1), null));
        assertThrows(ClosedChannelException.class,
            () -> socket.receive(ByteBuffer.allocate(1), null, Duration.ofMillis(1)));
    }

    @Test
    @DisplayName("send() on an unconnected socket is a SocketException; connect binds an ephemeral port")
    void sendNeedsConnect() throws Exception
    {
        try (var socket = h.module.open())
        {
            assertThrows(SocketException.class, () -> socket.send(ByteBuffer.allocate(1)));
            socket.connect(PEER, 53);
            assertTrue(socket.localPort() != 0);
        }
    }
}
