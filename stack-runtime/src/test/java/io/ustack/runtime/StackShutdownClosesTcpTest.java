package io.ustack.runtime;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.tcp.TcpSettings;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Stack#shutdown(Duration)} lets TCP finish: what applications wrote goes out, every connection gets a FIN
 * (RFC 9293 §3.10.4), and only connections that did not finish closing by the deadline are reset (§3.10.5).
 */
@DisplayName("Stack shutdown closes TCP connections cleanly")
class StackShutdownClosesTcpTest
{
    private static final int B = Ipv4Address.parse("198.18.0.2");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Stack a;
    private Stack b;

    private void start(final ThreadingMode modeOfA)
    {
        final SystemNanoClock clock = new SystemNanoClock();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(Impairments.NONE).build(), clock);
        final TcpSettings tcp = TcpSettings.builder().mslNs(TimeUnit.MILLISECONDS.toNanos(50)).build();
        final StackConfig.Builder config = StackConfig.builder().idleStrategy(IdleStrategyKind.YIELDING)
            .arpRetryIntervalMs(100).randomSeed(11);
        a = Stack.builder(config.name("a").threadingMode(modeOfA).build()).iface(wire.endpointA(), "198.18.0.1/24")
            .clock(clock).tcp(tcp).build().start();
        b = Stack.builder(config.name("b").threadingMode(ThreadingMode.SHARED).build())
            .iface(wire.endpointB(), "198.18.0.2/24").clock(clock).tcp(tcp).build().start();
    }

    @AfterEach
    void stop()
    {
        for (final Stack stack : new Stack[]{a, b})
        {
            if (stack != null)
            {
                final ShutdownReport report = stack.shutdown();
                assertEquals(0, report.buffersStillHeld(), stack.config().name() + ": " + report);
                assertEquals(0, report.agentErrors(), stack.config().name() + ": " + stack.firstAgentError());
            }
        }
    }

    @Test
    @DisplayName("bytes written and a close() issued just before shutdown all reach the peer, followed by EOF")
    void closeJustBeforeShutdownStillDelivers() throws Exception
    {
        start(ThreadingMode.SHARED);
        final byte[] sent = pattern(2 << 20);
        try (TcpListener listener = b.tcp().listen(0, 9000, 4))
        {
            final TcpSocket client = a.tcp().connect(B, 9000, WAIT);
            final TcpSocket server = listener.accept(WAIT);
            final java.util.concurrent.CompletableFuture<byte[]> received =
                java.util.concurrent.CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        return readToEof(server);
                    }
                    catch (final IOException e)
                    {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            client.write(ByteBuffer.wrap(sent), WAIT); // queued in the socket's ring, not yet all on the wire
            client.close();
            final ShutdownReport report = a.shutdown(WAIT);
            assertArrayEquals(sent, received.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            server.close();
            assertEquals(0, report.tcpConnectionsReset(), report.toString());
            assertTrue(report.clean(), report.toString());
        }
    }

    @Test
    @DisplayName("a connection the application left open gets a FIN at shutdown, and closes when the peer closes too")
    void openConnectionIsClosedWithFin() throws Exception
    {
        start(ThreadingMode.DEDICATED);
        try (TcpListener listener = b.tcp().listen(0, 9001, 4))
        {
            final TcpSocket client = a.tcp().connect(B, 9001, WAIT);
            final TcpSocket server = listener.accept(WAIT);
            final Thread peer = new Thread(() ->
            {
                try
                {
                    readToEof(server); // EOF: the stack going away sent its FIN ...
                    server.close();    // ... and the peer closes its side
                }
                catch (final IOException e)
                {
                    throw new AssertionError(e);
                }
            });
            peer.start();
            final ShutdownReport report = a.shutdown(WAIT);
            peer.join();
            assertEquals(0, report.tcpConnectionsReset(), report.toString());
            assertTrue(report.clean(), report.toString());
            assertEquals(-1, client.read(ByteBuffer.allocate(16), Duration.ofMillis(100)),
                "the handle stays usable and reports the end");
        }
    }

    @Test
    @DisplayName("a peer that never closes its side is reset at the deadline, and learns it")
    void peerThatNeverClosesIsResetAtTheDeadline() throws Exception
    {
        start(ThreadingMode.SHARED);
        try (TcpListener listener = b.tcp().listen(0, 9002, 4))
        {
            a.tcp().connect(B, 9002, WAIT);
            final TcpSocket server = listener.accept(WAIT);
            final ShutdownReport report = a.shutdown(Duration.ofMillis(300));
            assertEquals(1, report.tcpConnectionsReset(), report.toString());
            assertThrows(SocketException.class, () ->
            {
                final ByteBuffer into = ByteBuffer.allocate(16);
                while (server.read(into, WAIT) >= 0)
                {
                    into.clear(); // the FIN may be read as EOF before the reset is seen
                }
                for (int i = 0; i < 100; i++)
                {
                    server.write(ByteBuffer.wrap(new byte[1000]), WAIT);
                    Thread.sleep(10);
                }
            }, "the peer learns of the reset");
        }
    }

    @Test
    @DisplayName("an INVOKER stack's caller drives time, so its open connections are reset at once")
    void invokerStackResetsAtOnce() throws Exception
    {
        start(ThreadingMode.SHARED);
        final Stack invoker = a;
        invoker.shutdown();
        final SystemNanoClock clock = new SystemNanoClock();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(Impairments.NONE).build(), clock);
        final TcpSettings tcp = TcpSettings.builder().build();
        a = Stack.builder(StackConfig.builder().name("i").threadingMode(ThreadingMode.INVOKER).build())
            .iface(wire.endpointA(), "198.18.0.1/24").tcp(tcp).build().start();
        final ShutdownReport report = a.shutdown(WAIT);
        assertEquals(0, report.tcpConnectionsReset(), "nothing open, nothing reset: " + report);
        assertTrue(report.clean(), report.toString());
    }

    private static byte[] readToEof(final TcpSocket socket) throws IOException
    {
        final java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        final ByteBuffer into = ByteBuffer.allocate(65536);
        while (true)
        {
            into.clear();
            final int n = socket.read(into, WAIT);
            if (n < 0)
            {
                return all.toByteArray();
            }
            all.write(into.array(), 0, n);
        }
    }

    private static byte[] pattern(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + (i >>> 8));
        }
        return bytes;
    }
}
