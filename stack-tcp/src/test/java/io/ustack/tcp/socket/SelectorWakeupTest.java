package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSelectionKey;
import io.ustack.api.socket.TcpSelector;
import io.ustack.api.socket.TcpSocket;
import io.ustack.tcp.TcpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A waiting {@link TcpSelector#select(Duration)} is woken by the stack thread when a watched socket or listener
 * becomes ready, and by {@link TcpSelector#wakeup()}; while nothing happens it stays parked. Every select here has a
 * one-day timeout, so returning at all shows it was woken, and the selector's count of wait rounds shows it went round
 * once per wake rather than polling. (The two-minute bound on waiting for a selecting thread only turns a lost wakeup
 * into a failure instead of a hung build.)
 */
class SelectorWakeupTest
{
    private static final Duration A_DAY = Duration.ofDays(1);

    private LayerPair pair;
    private TcpListener listener;
    private TcpSelectorImpl selectorA;
    private TcpSelectorImpl selectorB;

    @BeforeEach
    void openLayers() throws Exception
    {
        pair = new LayerPair(TcpSettings.defaults());
        listener = pair.whileDriven(() -> pair.b.listen(0, 7, 4));
        selectorA = (TcpSelectorImpl)pair.a.openSelector();
        selectorB = (TcpSelectorImpl)pair.b.openSelector();
    }

    @AfterEach
    void closeSelectors()
    {
        selectorA.close();
        selectorB.close();
    }

    /** A connected pair of sockets, client on layer a and server on layer b, after the stack went quiet. */
    private TcpSocket[] connect() throws Exception
    {
        final TcpSocket client = pair.a.connectNow(LayerPair.B, 7);
        TcpSocket server = null;
        for (int i = 0; i < 1000 && (server == null || !client.finishConnect()); i++)
        {
            pair.cycle();
            server = server == null ? listener.accept() : server;
        }
        assertTrue(client.finishConnect(), "connected");
        assertNotNull(server, "accepted");
        return new TcpSocket[] {client, server};
    }

    @Test
    @DisplayName("a select with a one-day timeout returns when bytes arrive, after one park")
    void bytesArrivingWakeTheSelector() throws Exception
    {
        final TcpSocket[] sockets = connect();
        final TcpSelectionKey key = selectorB.register(sockets[1], TcpSelector.OP_READ, "server");
        final Selecting selecting = Selecting.start(selectorB);
        final long roundsWhenParked = selecting.awaitParked();

        sockets[0].writeNow(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        final int ready = pair.whileDriven(selecting::result);

        assertEquals(1, ready, "ready because bytes arrived");
        assertSame(key, selectorB.readyKey(0));
        assertTrue(key.isReady(TcpSelector.OP_READ));
        assertEquals(roundsWhenParked + 1, selectorB.waitRounds(), "one scan after the wake, no polling");
    }

    @Test
    @DisplayName("the stack thread wakes a selector for OP_ACCEPT, OP_CONNECT and OP_WRITE too")
    void acceptConnectAndWriteWakeTheSelector() throws Exception
    {
        selectorB.register(listener, TcpSelector.OP_ACCEPT, null);
        final Selecting accepting = Selecting.start(selectorB);
        accepting.awaitParked();
        final TcpSocket client = pair.a.connectNow(LayerPair.B, 7);
        final TcpSelectionKey connectKey = selectorA.register(client, TcpSelector.OP_CONNECT, null);
        final Selecting connecting = Selecting.start(selectorA);
        connecting.awaitParked();

        assertEquals(1, pair.whileDriven(accepting::result), "a connection to accept");
        assertEquals(1, pair.whileDriven(connecting::result), "the handshake completed");
        assertTrue(connectKey.isReady(TcpSelector.OP_CONNECT));
        assertTrue(client.finishConnect());
        assertNotNull(listener.accept());

        final ByteBuffer block = ByteBuffer.allocate(4096);
        while (client.writeNow(block.clear()) > 0)
        {
            // fill the send ring while the stack is not running: nothing is writable now
        }
        connectKey.interest(TcpSelector.OP_WRITE);
        final Selecting writing = Selecting.start(selectorA);
        writing.awaitParked();
        assertEquals(1, pair.whileDriven(writing::result), "the stack took bytes from the full send ring");
        assertTrue(connectKey.isReady(TcpSelector.OP_WRITE));
    }

    @Test
    @DisplayName("an idle selector stays parked (no polling) while the stack runs and changes what it does not watch")
    void idleSelectorStaysParked() throws Exception
    {
        final TcpSocket[] sockets = connect();
        final ByteBuffer block = ByteBuffer.allocate(4096);
        while (sockets[0].writeNow(block.clear()) > 0)
        {
            // a full send ring: the stack drains it while the selector waits, which OP_READ does not care about
        }
        final TcpSocketImpl client = (TcpSocketImpl)sockets[0];
        selectorA.register(client, TcpSelector.OP_READ, null);
        final Selecting selecting = Selecting.start(selectorA);
        final long roundsWhenParked = selecting.awaitParked();

        final int[] samples = new int[2]; // taken, parked
        pair.whileDriven(() ->
        {
            for (int i = 0; i < 200 && client.sendRing.size() > 0 || i < 50; i++)
            {
                Thread.sleep(2);
                samples[0]++;
                samples[1] += selecting.thread.getState() == Thread.State.TIMED_WAITING ? 1 : 0;
            }
            return null;
        });
        assertEquals(0, client.sendRing.size(), "the stack sent everything while the selector waited");
        assertEquals(samples[0], samples[1], "the selecting thread was parked in every sample");
        assertTrue(selectorA.waitRounds() - roundsWhenParked <= 1, (selectorA.waitRounds() - roundsWhenParked) +
            " rounds while idle: the selector polled instead of waiting to be woken");

        selectorA.wakeup();
        assertEquals(0, selecting.result(), "woken by wakeup, nothing to read");
    }

    @Test
    @DisplayName("wakeup from another thread ends a waiting select with 0; one before select ends the next at once")
    void wakeupFromAnotherThread() throws Exception
    {
        final TcpSocket[] sockets = connect();
        selectorA.register(sockets[0], TcpSelector.OP_READ, null);
        final Selecting selecting = Selecting.start(selectorA);
        final long roundsWhenParked = selecting.awaitParked();
        selectorA.wakeup();
        assertEquals(0, selecting.result(), "woken, nothing ready");
        assertEquals(roundsWhenParked + 1, selectorA.waitRounds());

        selectorA.wakeup();
        final Selecting next = Selecting.start(selectorA);
        assertEquals(0, next.result(), "a wakeup before select ends it at once");
        assertEquals(roundsWhenParked + 2, selectorA.waitRounds(), "returned from its first scan, never parked");

        selectorA.wakeup();
        assertEquals(0, selectorA.selectNow(), "selectNow takes a pending wakeup away");
        final Selecting after = Selecting.start(selectorA);
        after.awaitParked();
        selectorA.wakeup();
        assertEquals(0, after.result());
    }

    @Test
    @DisplayName("a socket is watched by one selector at a time; cancelling its key frees it for another")
    void oneSelectorPerSocket() throws Exception
    {
        final TcpSocket[] sockets = connect();
        final TcpSelector other = pair.a.openSelector();
        final TcpSelectionKey key = selectorA.register(sockets[0], TcpSelector.OP_READ, null);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> other.register(sockets[0], TcpSelector.OP_READ, null));
        assertTrue(e.getMessage().contains("cancel its key"), e.getMessage());
        key.cancel();
        final TcpSelectionKey moved = other.register(sockets[0], TcpSelector.OP_READ, null);
        assertTrue(moved.isValid());
        other.close();
        assertNotNull(selectorA.register(sockets[0], TcpSelector.OP_READ, null), "closing a selector frees its sockets");
    }

    /** A thread blocked in {@code select(one day)}. */
    private static final class Selecting
    {
        final Thread thread;
        final FutureTask<Integer> task;
        final TcpSelectorImpl selector;

        private Selecting(final TcpSelectorImpl selector)
        {
            this.selector = selector;
            this.task = new FutureTask<>(() -> selector.select(A_DAY));
            this.thread = new Thread(task, "selecting");
        }

        static Selecting start(final TcpSelectorImpl selector)
        {
            final Selecting selecting = new Selecting(selector);
            selecting.thread.start();
            return selecting;
        }

        /** Waits until the thread parks inside select; the selector's wait rounds at that point. */
        long awaitParked() throws InterruptedException
        {
            while (thread.getState() != Thread.State.TIMED_WAITING)
            {
                if (!thread.isAlive())
                {
                    fail("select returned before it waited");
                }
                Thread.sleep(1);
            }
            return selector.waitRounds();
        }

        int result() throws InterruptedException, ExecutionException
        {
            try
            {
                return task.get(2, TimeUnit.MINUTES);
            }
            catch (final TimeoutException lost)
            {
                thread.interrupt();
                throw new AssertionError("select(one day) was never woken: the wakeup was lost");
            }
        }
    }
}
