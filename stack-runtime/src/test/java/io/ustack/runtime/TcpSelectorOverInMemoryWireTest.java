package io.ustack.runtime;

import io.ustack.api.config.ThreadingMode;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSelectionKey;
import io.ustack.api.socket.TcpSelector;
import io.ustack.api.socket.TcpSocket;
import io.ustack.tcp.TcpSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.ustack.runtime.TwoStacks.B;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 4 "Socket API": one application thread serves many non-blocking connections through a selector. */
@DisplayName("TCP readiness selector between two threaded stacks")
class TcpSelectorOverInMemoryWireTest
{
    private static final int CONNECTIONS = 200;
    private static final int BYTES_PER_CONNECTION = 24 * 1024;
    private static final Duration SELECT_SLICE = Duration.ofMillis(100);
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(120);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "DEDICATED"})
    @DisplayName("one selector thread echoes 200 connections byte-exact; a second one drives 200 non-blocking clients")
    void oneThreadEchoesManyConnections(final ThreadingMode mode) throws Exception
    {
        try (TwoStacks stacks = new TwoStacks(mode, TcpSettings.builder().mslNs(50_000_000L).build());
            TcpListener listener = stacks.b.tcp().listen(0, 7007, 256))
        {
            // The server gets a thread of its own: the common pool may have one thread, busy elsewhere.
            final java.util.concurrent.ExecutorService serverThread =
                java.util.concurrent.Executors.newSingleThreadExecutor();
            try
            {
                final CompletableFuture<Integer> served =
                    CompletableFuture.supplyAsync(() -> serve(stacks, listener), serverThread);
                final int verified = runClients(stacks);
                assertEquals(CONNECTIONS, verified, "every client got its own bytes back");
                assertEquals(CONNECTIONS, served.get(60, TimeUnit.SECONDS), "the server saw every connection end");
            }
            finally
            {
                serverThread.shutdownNow();
            }
        }
    }

    @Test
    @DisplayName("wakeup from another thread ends a select with nothing ready; a pending wakeup ends the next one")
    void wakeupEndsSelect() throws Exception
    {
        try (TwoStacks stacks = new TwoStacks(ThreadingMode.SHARED, TcpSettings.defaults());
            TcpListener listener = stacks.b.tcp().listen(0, 7008, 4);
            TcpSelector selector = stacks.b.tcp().openSelector())
        {
            selector.register(listener, TcpSelector.OP_ACCEPT, null);
            final Thread selecting = Thread.currentThread();
            final Thread waker = new Thread(() ->
            {
                while (selecting.getState() != Thread.State.TIMED_WAITING)
                {
                    Thread.onSpinWait();
                }
                selector.wakeup();
            });
            waker.start();
            assertEquals(0, selector.select(Duration.ofDays(1)), "woken, nothing ready");
            waker.join();
            selector.wakeup();
            assertEquals(0, selector.select(Duration.ofDays(1)), "a wakeup before select ends it at once");
        }
    }

    @Test
    @DisplayName("closed sockets and cancelled keys leave the set; a failed connect is ready for OP_CONNECT")
    void closedAndCancelledKeysLeave() throws Exception
    {
        try (TwoStacks stacks = new TwoStacks(ThreadingMode.SHARED, TcpSettings.defaults());
            TcpListener listener = stacks.b.tcp().listen(0, 7009, 4);
            TcpSelector selector = stacks.a.tcp().openSelector())
        {
            assertEquals(7009, listener.localPort());
            final TcpSocket refused = stacks.a.tcp().connectNow(B, 7999);
            final TcpSocket first = stacks.a.tcp().connectNow(B, 7009);
            final TcpSocket second = stacks.a.tcp().connectNow(B, 7009);
            final TcpSelectionKey refusedKey = selector.register(refused, TcpSelector.OP_CONNECT, "refused");
            final TcpSelectionKey firstKey = selector.register(first, TcpSelector.OP_CONNECT, "first");
            final TcpSelectionKey secondKey = selector.register(second, TcpSelector.OP_CONNECT, "second");
            int connected = 0;
            boolean sawRefusal = false;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((connected < 2 || !sawRefusal) && System.nanoTime() - deadline < 0)
            {
                final int n = selector.select(SELECT_SLICE);
                for (int i = 0; i < n; i++)
                {
                    final TcpSelectionKey key = selector.readyKey(i);
                    try
                    {
                        assertTrue(key.socket().finishConnect());
                        connected++;
                    }
                    catch (final java.net.ConnectException e)
                    {
                        assertEquals("refused", key.attachment());
                        assertTrue(e.getMessage().startsWith("Connection refused"), e.getMessage());
                        sawRefusal = true;
                    }
                    key.interest(0);
                }
            }
            assertEquals(2, connected);
            assertTrue(sawRefusal);
            refused.close();
            secondKey.cancel();
            assertFalse(refusedKey.isValid());
            assertEquals(0, selector.selectNow(), "interest 0: nothing ready");
            assertEquals(1, selector.keyCount(), "closed and cancelled keys left");
            assertTrue(firstKey.isValid());
            first.close();
            second.close();
            selector.selectNow();
            assertEquals(0, selector.keyCount());
            assertThrowsIllegal(() -> selector.register(stacks.a.tcp().connectNow(B, 7009), TcpSelector.OP_ACCEPT,
                null));
        }
    }

    private static void assertThrowsIllegal(final org.junit.jupiter.api.function.Executable call)
    {
        final IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains("OP_ACCEPT is for listeners"), e.getMessage());
    }

    /** Server thread: accept, read, write back, close at the client's FIN. */
    private static int serve(final TwoStacks stacks, final TcpListener listener)
    {
        int ended = 0;
        try (TcpSelector selector = stacks.b.tcp().openSelector())
        {
            selector.register(listener, TcpSelector.OP_ACCEPT, null);
            final long startNs = System.nanoTime();
            while (ended < CONNECTIONS && System.nanoTime() - startNs < DEADLINE_NS)
            {
                final int n = selector.select(SELECT_SLICE);
                for (int i = 0; i < n; i++)
                {
                    final TcpSelectionKey key = selector.readyKey(i);
                    if (key.listener() != null)
                    {
                        TcpSocket accepted;
                        while ((accepted = key.listener().accept()) != null)
                        {
                            selector.register(accepted, TcpSelector.OP_READ, ByteBuffer.allocateDirect(4096));
                        }
                        continue;
                    }
                    ended += echo(key);
                }
            }
            return ended;
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("server failed after " + ended + " connections", e);
        }
    }

    /** Reads what is there and writes it back; waits for OP_WRITE when the send queue is full. */
    private static int echo(final TcpSelectionKey key) throws IOException
    {
        final TcpSocket socket = key.socket();
        final ByteBuffer pending = ByteBuffer.class.cast(key.attachment());
        if (pending.position() == 0)
        {
            final int n = socket.readNow(pending);
            if (n < 0)
            {
                socket.close();
                return 1;
            }
        }
        pending.flip();
        socket.writeNow(pending);
        pending.compact();
        key.interest(pending.position() == 0 ? TcpSelector.OP_READ : TcpSelector.OP_WRITE);
        return 0;
    }

    /** Client thread: connect all without waiting, send each its own bytes, then read the echo to the end. */
    private static int runClients(final TwoStacks stacks) throws IOException
    {
        int verified = 0;
        try (TcpSelector selector = stacks.a.tcp().openSelector())
        {
            for (int i = 0; i < CONNECTIONS; i++)
            {
                final Client client = new Client(i);
                selector.register(stacks.a.tcp().connectNow(B, 7007), TcpSelector.OP_CONNECT, client);
            }
            final long startNs = System.nanoTime();
            while (verified < CONNECTIONS && System.nanoTime() - startNs < DEADLINE_NS)
            {
                final int n = selector.select(SELECT_SLICE);
                for (int i = 0; i < n; i++)
                {
                    final TcpSelectionKey key = selector.readyKey(i);
                    verified += Client.class.cast(key.attachment()).onReady(key);
                }
            }
        }
        return verified;
    }

    /** One client connection's bytes: what it sends and what came back. */
    private static final class Client
    {
        final byte[] sent = new byte[BYTES_PER_CONNECTION];
        final ByteBuffer toSend;
        final ByteBuffer received = ByteBuffer.allocate(BYTES_PER_CONNECTION + 1);

        Client(final int seed)
        {
            new SplittableRandom(seed).nextBytes(sent);
            toSend = ByteBuffer.wrap(sent);
        }

        int onReady(final TcpSelectionKey key) throws IOException
        {
            final TcpSocket socket = key.socket();
            if (key.isReady(TcpSelector.OP_CONNECT))
            {
                assertTrue(socket.finishConnect());
                key.interest(TcpSelector.OP_READ | TcpSelector.OP_WRITE);
                return 0;
            }
            if (key.isReady(TcpSelector.OP_WRITE))
            {
                socket.writeNow(toSend);
                if (!toSend.hasRemaining())
                {
                    socket.shutdownOutput();
                    key.interest(TcpSelector.OP_READ);
                }
            }
            if (key.isReady(TcpSelector.OP_READ) && socket.readNow(received) < 0)
            {
                assertArrayEquals(sent, java.util.Arrays.copyOf(received.array(), received.position()));
                socket.close();
                return 1;
            }
            return 0;
        }
    }
}
