package io.ustack.runtime;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.socket.TcpEngineSnapshot;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 4's socket checks: two stacks over the in-memory wire, TCP sockets on application threads. */
@DisplayName("TCP sockets between two stacks over the in-memory wire")
class TcpSocketsOverInMemoryWireTest
{
    private static final int A = Ipv4Address.parse("198.18.0.1");
    private static final int B = Ipv4Address.parse("198.18.0.2");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LONG_WAIT = Duration.ofSeconds(60);
    private static final long MSL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ExecutorService threads = Executors.newCachedThreadPool(r ->
    {
        final Thread t = new Thread(r, "tcp-test-app");
        t.setDaemon(true);
        return t;
    });
    private Stack a;
    private Stack b;

    private void start(final ThreadingMode mode, final Impairments impairments)
    {
        start(mode, impairments, TcpSettings.builder().mslNs(MSL_NS).build());
    }

    private void start(final ThreadingMode mode, final Impairments impairments, final TcpSettings tcp)
    {
        final SystemNanoClock clock = new SystemNanoClock();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(impairments).build(), clock);
        final StackConfig.Builder config = StackConfig.builder().threadingMode(mode)
            .idleStrategy(IdleStrategyKind.YIELDING).arpRetryIntervalMs(100).randomSeed(7);
        a = Stack.builder(config.name("a").build()).iface(wire.endpointA(), "198.18.0.1/24").clock(clock).tcp(tcp)
            .build().start();
        b = Stack.builder(config.name("b").build()).iface(wire.endpointB(), "198.18.0.2/24").clock(clock).tcp(tcp)
            .build().start();
    }

    @AfterEach
    void shutDownClean()
    {
        threads.shutdownNow();
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

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("RFC 9293 §3.5: connect and accept agree on both ends' addresses and ports")
    void connectAndAccept(final ThreadingMode mode) throws Exception
    {
        start(mode, Impairments.NONE);
        try (TcpListener listener = b.tcp().listen(0, 8000, 8))
        {
            assertEquals(null, listener.accept(), "nothing to accept yet");
            try (TcpSocket client = a.tcp().connect(B, 8000, WAIT); TcpSocket server = listener.accept(WAIT))
            {
                assertEquals(A, client.localAddress());
                assertEquals(B, client.remoteAddress());
                assertEquals(8000, client.remotePort());
                assertEquals(client.localPort(), server.remotePort());
                assertEquals(A, server.remoteAddress());
                assertEquals(8000, server.localPort());
                client.noDelay(true);
                client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), WAIT);
                assertEquals("ping", readString(server, 4));
                assertTrue(client.info().startsWith("ESTABLISHED"), client.info());
                final ByteBuffer none = ByteBuffer.allocate(8);
                assertEquals(0, client.readNow(none), "non-blocking read with nothing there");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("20 MiB each way at the same time, byte-exact (SHA-256), on a clean wire")
    void bothWaysClean(final ThreadingMode mode) throws Exception
    {
        start(mode, Impairments.NONE);
        transferBothWays(20 << 20);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("RFC 5681/6582: 20 MiB each way at the same time, byte-exact, with 2% loss and 2% reordering")
    void bothWaysLossy(final ThreadingMode mode) throws Exception
    {
        // Linux's 200 ms minimum RTO and 256 KiB buffers keep the run short: with NewReno and no SACK, losses of a
        // window's last segments or of retransmissions end in RTOs, and RFC 6298's 1 s minimum makes them slow.
        start(mode, Impairments.builder().seed(17).lossProbability(0.02).reorderProbability(0.02).build(),
            TcpSettings.builder().mslNs(MSL_NS).rtoEstimator("linux").sendBufferBytes(1 << 18)
                .receiveBufferBytes(1 << 18).build());
        transferBothWays(20 << 20);
        assertTrue(a.counters().get(CounterDescriptor.TCP_FAST_RETRANSMITS) > 0, "losses repaired by fast retransmit");
        assertTrue(b.counters().get(CounterDescriptor.TCP_FAST_RETRANSMITS) > 0, "both ways");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("RFC 9293 §3.6: after shutdownOutput the peer reads EOF and can still write back")
    void halfClose(final ThreadingMode mode) throws Exception
    {
        start(mode, Impairments.NONE);
        try (TcpListener listener = b.tcp().listen(0, 8001, 8);
            TcpSocket client = a.tcp().connect(B, 8001, WAIT);
            TcpSocket server = listener.accept(WAIT))
        {
            client.write(ByteBuffer.wrap("request".getBytes(StandardCharsets.US_ASCII)), WAIT);
            client.shutdownOutput();
            assertThrows(SocketException.class, () -> client.writeNow(ByteBuffer.wrap(new byte[1])));
            assertEquals("request", readToEof(server));
            server.write(ByteBuffer.wrap("response".getBytes(StandardCharsets.US_ASCII)), WAIT);
            server.shutdownOutput();
            assertEquals("response", readToEof(client));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("RFC 9293 §3.10.7.1: a SYN to a port with no listener draws a RST: ConnectException")
    void connectToClosedPortIsRefused(final ThreadingMode mode)
    {
        start(mode, Impairments.NONE);
        final ConnectException refused = assertThrows(ConnectException.class, () -> a.tcp().connect(B, 8999, WAIT));
        assertTrue(refused.getMessage().startsWith("Connection refused"), refused.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("RFC 9293 §3.10.5: abort sends a RST; the peer's next read throws Connection reset")
    void abortResetsPeer(final ThreadingMode mode) throws Exception
    {
        start(mode, Impairments.NONE);
        try (TcpListener listener = b.tcp().listen(0, 8002, 8);
            TcpSocket client = a.tcp().connect(B, 8002, WAIT);
            TcpSocket server = listener.accept(WAIT))
        {
            server.abort();
            final SocketException reset = assertThrows(SocketException.class,
                () -> client.read(ByteBuffer.allocate(16), WAIT));
            assertEquals("Connection reset", reset.getMessage());
            assertThrows(SocketException.class, () -> client.writeNow(ByteBuffer.wrap(new byte[1])));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("RFC 9293 §3.10.4: 200 connections opened and closed leave no control block after TIME-WAIT")
    void manyConnectionsLeaveNoControlBlock(final ThreadingMode mode) throws Exception
    {
        start(mode, Impairments.NONE);
        try (TcpListener listener = b.tcp().listen(0, 8003, 64))
        {
            for (int i = 0; i < 200; i++)
            {
                try (TcpSocket client = a.tcp().connect(B, 8003, WAIT); TcpSocket server = listener.accept(WAIT))
                {
                    client.write(ByteBuffer.wrap(new byte[]{(byte)i}), WAIT);
                    final ByteBuffer one = ByteBuffer.allocate(1);
                    assertEquals(1, server.read(one, WAIT));
                    assertEquals((byte)i, one.get(0));
                    if ((i & 1) == 0)
                    {
                        client.shutdownOutput(); // the client closes first and holds TIME-WAIT
                        assertEquals(-1, server.read(ByteBuffer.allocate(1), WAIT));
                    }
                    else
                    {
                        server.shutdownOutput(); // the server closes first and holds TIME-WAIT
                        assertEquals(-1, client.read(ByteBuffer.allocate(1), WAIT));
                    }
                }
            }
        }
        awaitNoControlBlock(a);
        awaitNoControlBlock(b);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("RFC 9293 §3.10.1: a connect nobody answers ends at its timeout and leaves no control block")
    void connectTimeoutFreesTheAttempt(final ThreadingMode mode) throws Exception
    {
        start(mode, Impairments.NONE);
        final int nobody = Ipv4Address.parse("198.18.0.77");
        final IOException failed = assertThrows(IOException.class,
            () -> a.tcp().connect(nobody, 8004, Duration.ofMillis(300)));
        assertTrue(failed instanceof java.net.SocketTimeoutException || failed instanceof java.net.NoRouteToHostException,
            failed.toString());
        awaitNoControlBlock(a);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("TCP_CORK holds a partial segment until uncorked; info() keeps the last summary after close")
    void corkHoldsPartialSegments(final ThreadingMode mode) throws Exception
    {
        start(mode, Impairments.NONE);
        final TcpSocket kept;
        try (TcpListener listener = b.tcp().listen(0, 8005, 8);
            TcpSocket client = a.tcp().connect(B, 8005, WAIT);
            TcpSocket server = listener.accept(WAIT))
        {
            client.cork(true);
            client.write(ByteBuffer.wrap("corked".getBytes(StandardCharsets.US_ASCII)), WAIT);
            assertThrows(java.net.SocketTimeoutException.class,
                () -> server.read(ByteBuffer.allocate(16), Duration.ofMillis(100)), "held while corked");
            client.cork(false);
            assertEquals("corked", readString(server, 6));
            kept = client;
        }
        assertTrue(kept.info().contains("bytes_sent:6"), kept.info());
    }

    private void awaitNoControlBlock(final Stack stack) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        TcpEngineSnapshot snapshot = stack.tcpSnapshot(WAIT);
        while (snapshot.blocksInUse() != 0 || snapshot.openSockets() != 0 || snapshot.timersPending() != 0)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, stack.config().name() + " still holds " + snapshot);
            Thread.sleep(20);
            snapshot = stack.tcpSnapshot(WAIT);
        }
        assertEquals(0, snapshot.connections());
    }

    private void transferBothWays(final int bytes) throws Exception
    {
        final TcpSocket client;
        final TcpSocket server;
        try (TcpListener listener = b.tcp().listen(0, 8010, 8))
        {
            client = a.tcp().connect(B, 8010, WAIT);
            server = listener.accept(WAIT);
        }
        try
        {
            final Future<byte[]> clientSent = threads.submit(() -> send(client, bytes, 1));
            final Future<byte[]> serverSent = threads.submit(() -> send(server, bytes, 2));
            final Future<byte[]> serverReceived = threads.submit(() -> receive(server, bytes));
            final Future<byte[]> clientReceived = threads.submit(() -> receive(client, bytes));
            assertArrayEquals(clientSent.get(2, TimeUnit.MINUTES), serverReceived.get(2, TimeUnit.MINUTES),
                "a -> b");
            assertArrayEquals(serverSent.get(2, TimeUnit.MINUTES), clientReceived.get(2, TimeUnit.MINUTES),
                "b -> a");
        }
        finally
        {
            client.close();
            server.close();
        }
        awaitNoControlBlock(a);
        awaitNoControlBlock(b);
    }

    /** Writes {@code bytes} of seeded data in odd-sized pieces, then shuts down output; returns their SHA-256. */
    private static byte[] send(final TcpSocket socket, final int bytes, final long seed) throws Exception
    {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] chunk = new byte[70_001];
        final ByteBuffer buffer = ByteBuffer.allocateDirect(chunk.length);
        int sent = 0;
        while (sent < bytes)
        {
            final int n = Math.min(bytes - sent, 1 + random.nextInt(chunk.length));
            for (int i = 0; i < n; i++)
            {
                chunk[i] = (byte)random.nextInt();
            }
            sha.update(chunk, 0, n);
            buffer.clear();
            buffer.put(chunk, 0, n).flip();
            socket.write(buffer, LONG_WAIT);
            sent += n;
        }
        socket.shutdownOutput();
        return sha.digest();
    }

    /** Reads to EOF; returns the SHA-256 of what came, which must be {@code bytes} long. */
    private static byte[] receive(final TcpSocket socket, final int bytes) throws Exception
    {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
        final byte[] copy = new byte[65_536];
        long received = 0;
        while (true)
        {
            buffer.clear();
            final int n = socket.read(buffer, LONG_WAIT);
            if (n < 0)
            {
                break;
            }
            buffer.flip();
            buffer.get(copy, 0, n);
            sha.update(copy, 0, n);
            received += n;
        }
        assertEquals(bytes, received, "bytes received");
        return sha.digest();
    }

    private static String readString(final TcpSocket socket, final int length) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining())
        {
            assertTrue(socket.read(buffer, WAIT) >= 0, "EOF too early");
        }
        return new String(buffer.array(), StandardCharsets.US_ASCII);
    }

    private static String readToEof(final TcpSocket socket) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (socket.read(buffer, WAIT) >= 0)
        {
            assertTrue(buffer.hasRemaining(), "more than expected");
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    }

}
