package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSelectionKey;
import io.ustack.api.socket.TcpSelector;
import io.ustack.api.socket.TcpSocket;
import io.ustack.tcp.TcpSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The selector as an INVOKER-mode application uses it: one thread polls the stacks and then calls
 * {@link TcpSelector#selectNow()}, with no other thread anywhere (after the listen, which waits for the stack).
 */
class SelectorInvokerTest
{
    private static final int CONNECTIONS = 40;
    private static final int BYTES = 10_000;

    @Test
    @DisplayName("INVOKER: poll then selectNow serves 40 connections on one thread, byte-exact, 0 bytes per select")
    void pollThenSelectNowOnOneThread() throws Exception
    {
        final LayerPair pair = new LayerPair(TcpSettings.defaults());
        final TcpListener listener = pair.whileDriven(() -> pair.b.listen(0, 7, CONNECTIONS));
        final TcpSelector server = pair.b.openSelector();
        final TcpSelector clients = pair.a.openSelector();
        server.register(listener, TcpSelector.OP_ACCEPT, null);
        final byte[][] sent = new byte[CONNECTIONS][BYTES];
        final ByteBuffer[] received = new ByteBuffer[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++)
        {
            new SplittableRandom(i).nextBytes(sent[i]);
            received[i] = ByteBuffer.allocate(BYTES);
            clients.register(pair.a.connectNow(LayerPair.B, 7), TcpSelector.OP_CONNECT, i);
        }
        int done = 0;
        for (int round = 0; done < CONNECTIONS && round < 200_000; round++)
        {
            pair.cycle();
            for (int n = server.selectNow(), i = 0; i < n; i++)
            {
                serverStep(server, server.readyKey(i));
            }
            for (int n = clients.selectNow(), i = 0; i < n; i++)
            {
                final TcpSelectionKey key = clients.readyKey(i);
                final int id = Integer.class.cast(key.attachment());
                if (key.isReady(TcpSelector.OP_CONNECT))
                {
                    assertTrue(key.socket().finishConnect());
                    key.socket().writeNow(ByteBuffer.wrap(sent[id]));
                    key.interest(TcpSelector.OP_READ);
                }
                else if (key.socket().readNow(received[id]) > 0 && !received[id].hasRemaining())
                {
                    done++;
                    key.interest(0);
                }
            }
        }
        assertEquals(CONNECTIONS, done);
        for (int i = 0; i < CONNECTIONS; i++)
        {
            assertArrayEquals(sent[i], received[i].array(), "connection " + i);
        }
        assertEquals(CONNECTIONS + 1, server.keyCount());

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        server.selectNow();
        final long before = threads.getThreadAllocatedBytes(threadId);
        int readySum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            readySum += server.selectNow() + clients.selectNow();
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated by 20,000 selections of " + (2 * CONNECTIONS + 1) +
            " keys");
        assertEquals(0, readySum, "every client's interest is 0 and every server socket waits to read");
    }

    private static void serverStep(final TcpSelector server, final TcpSelectionKey key) throws Exception
    {
        if (key.listener() != null)
        {
            TcpSocket accepted;
            while ((accepted = key.listener().accept()) != null)
            {
                server.register(accepted, TcpSelector.OP_READ, ByteBuffer.allocate(2048));
            }
            return;
        }
        final ByteBuffer pending = ByteBuffer.class.cast(key.attachment());
        key.socket().readNow(pending);
        pending.flip();
        key.socket().writeNow(pending);
        pending.compact();
        key.interest(pending.position() == 0 ? TcpSelector.OP_READ : TcpSelector.OP_WRITE);
        assertTrue(Arrays.asList(TcpSelector.OP_READ, TcpSelector.OP_WRITE).contains(key.interest()));
    }
}
