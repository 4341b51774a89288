package io.ustack.runtime;

import io.ustack.api.config.ThreadingMode;
import io.ustack.api.socket.TcpCloseReason;
import io.ustack.api.socket.TcpConnection;
import io.ustack.api.socket.TcpHandler;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.tcp.TcpSettings;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.ustack.runtime.TwoStacks.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 4 "Socket API": callback style on the stack's thread, reading straight out of the receive buffer. */
@DisplayName("TCP callbacks on the stack thread between two threaded stacks")
class TcpCallbacksOverInMemoryWireTest
{
    /**
     * Each client blocks in read while its writer runs: they need threads of their own. The common pool has one
     * thread on a 2-CPU machine, and on JDK 25 a client blocked there starved its own writer.
     */
    private static final java.util.concurrent.ExecutorService CLIENT_THREADS =
        java.util.concurrent.Executors.newCachedThreadPool(r ->
        {
            final Thread thread = new Thread(r, "callback-test-client");
            thread.setDaemon(true);
            return thread;
        });

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CLIENTS = 8;
    private static final int BYTES = 2 << 20;

    /**
     * Echoes from the receive buffer into the send buffer: what does not fit stays unconsumed, so the peer's window
     * closes instead of anything being queued in between.
     */
    static final class ZeroCopyEcho implements TcpHandler
    {
        final AtomicInteger closedNormally = new AtomicInteger();
        final ConcurrentLinkedQueue<String> wrongThread = new ConcurrentLinkedQueue<>();
        volatile Thread stackThread;

        @Override
        public int onData(final TcpConnection connection, final DirectBuffer buffer, final int offset,
            final int length)
        {
            stackThread = Thread.currentThread();
            return Math.max(0, connection.write(buffer, offset, length));
        }

        @Override
        public void onPeerClosed(final TcpConnection connection)
        {
            connection.shutdownOutput();
        }

        @Override
        public void onClosed(final TcpConnection connection, final TcpCloseReason reason)
        {
            if (reason == TcpCloseReason.NORMAL)
            {
                closedNormally.incrementAndGet();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("a zero-copy echo server in callback style returns 8 blocking clients' 2 MiB each, byte-exact")
    void callbackEchoServesBlockingClients(final ThreadingMode mode) throws Exception
    {
        final ZeroCopyEcho echo = new ZeroCopyEcho();
        final AtomicReference<TcpConnection> leaked = new AtomicReference<>();
        try (TwoStacks stacks = new TwoStacks(mode, TcpSettings.builder().mslNs(50_000_000L).build());
            TcpListener listener = stacks.b.tcp().listen(0, 7100, 16, connection ->
            {
                leaked.compareAndSet(null, connection);
                return echo;
            }))
        {
            final List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++)
            {
                final int seed = i;
                clients.add(CompletableFuture.runAsync(() -> echoOnce(stacks, seed), CLIENT_THREADS));
            }
            for (final CompletableFuture<Void> client : clients)
            {
                client.get(120, TimeUnit.SECONDS);
            }
            assertEquals(null, listener.accept(), "callback listeners hand nothing to accept()");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (echo.closedNormally.get() < CLIENTS && System.nanoTime() - deadline < 0)
            {
                Thread.sleep(5);
            }
            assertEquals(CLIENTS, echo.closedNormally.get(), "every connection ended with both FINs");
            assertTrue(echo.stackThread != null && echo.stackThread != Thread.currentThread());
            final IllegalStateException offThread = assertThrows(IllegalStateException.class,
                () -> leaked.get().write(new UnsafeBuffer(new byte[1]), 0, 1));
            assertTrue(offThread.getMessage().contains("stack's thread"), offThread.getMessage());
        }
    }

    private static void echoOnce(final TwoStacks stacks, final int seed)
    {
        final byte[] sent = new byte[BYTES];
        new SplittableRandom(seed).nextBytes(sent);
        try (TcpSocket socket = stacks.a.tcp().connect(B, 7100, WAIT))
        {
            final CompletableFuture<Void> writer = CompletableFuture.runAsync(() ->
            {
                try
                {
                    socket.write(ByteBuffer.wrap(sent), WAIT);
                    socket.shutdownOutput();
                }
                catch (final java.io.IOException e)
                {
                    throw new IllegalStateException(e);
                }
            }, CLIENT_THREADS);
            final ByteArrayOutputStream back = new ByteArrayOutputStream(BYTES);
            final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            while (socket.read(chunk.clear(), WAIT) >= 0)
            {
                back.write(chunk.array(), 0, chunk.position());
            }
            writer.get(60, TimeUnit.SECONDS);
            assertArrayEquals(sent, back.toByteArray(), "client " + seed);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("client " + seed, e);
        }
    }

    @Test
    @DisplayName("a callback connect: onConnected then data both ways; a refused one ends in onClosed(REFUSED)")
    void callbackClient() throws Exception
    {
        try (TwoStacks stacks = new TwoStacks(ThreadingMode.SHARED, TcpSettings.defaults());
            TcpListener listener = stacks.b.tcp().listen(0, 7101, 4))
        {
            final CompletableFuture<TcpCloseReason> refused = new CompletableFuture<>();
            stacks.a.tcp().connect(B, 7999, new TcpHandler()
            {
                @Override
                public int onData(final TcpConnection connection, final DirectBuffer buffer, final int offset,
                    final int length)
                {
                    return length;
                }

                @Override
                public void onClosed(final TcpConnection connection, final TcpCloseReason reason)
                {
                    refused.complete(reason);
                }
            });
            final CompletableFuture<String> reply = new CompletableFuture<>();
            stacks.a.tcp().connect(B, 7101, new TcpHandler()
            {
                @Override
                public void onConnected(final TcpConnection connection)
                {
                    final byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                    assertEquals(5, connection.write(new UnsafeBuffer(hello), 0, 5));
                }

                @Override
                public int onData(final TcpConnection connection, final DirectBuffer buffer, final int offset,
                    final int length)
                {
                    reply.complete(buffer.getStringWithoutLengthAscii(offset, length));
                    connection.close();
                    return length;
                }
            });
            try (TcpSocket server = listener.accept(WAIT))
            {
                final ByteBuffer in = ByteBuffer.allocate(5);
                while (in.hasRemaining())
                {
                    server.read(in, WAIT);
                }
                assertEquals("hello", new String(in.array(), java.nio.charset.StandardCharsets.US_ASCII));
                server.write(ByteBuffer.wrap("world".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), WAIT);
                assertEquals("world", reply.get(10, TimeUnit.SECONDS));
                assertEquals(-1, server.read(ByteBuffer.allocate(1), WAIT), "the callback's close() sent a FIN");
            }
            assertEquals(TcpCloseReason.REFUSED, refused.get(10, TimeUnit.SECONDS));
        }
    }
}
