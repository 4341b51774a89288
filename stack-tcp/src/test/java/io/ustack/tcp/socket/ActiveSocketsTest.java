package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.tcp.TcpSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket layer pumps only sockets with something to move ({@link ActiveSockets}): idle connections cost a duty
 * cycle nothing, a busy one is pumped until its bytes are through, and no byte waits for a pump that never comes —
 * not when the receive ring is full until the application reads, and not when the command ring has no room for a
 * doorbell.
 */
class ActiveSocketsTest
{
    private static final int CONNECTIONS = 200;

    private LayerPair pair;
    private TcpListener listener;
    private final List<TcpSocket> clients = new ArrayList<>();
    private final List<TcpSocket> servers = new ArrayList<>();

    @BeforeEach
    void connectMany() throws Exception
    {
        pair = new LayerPair(TcpSettings.defaults());
        listener = pair.whileDriven(() -> pair.b.listen(0, 7, CONNECTIONS));
        for (int i = 0; i < CONNECTIONS; i++)
        {
            clients.add(pair.a.connectNow(LayerPair.B, 7));
        }
        servers.addAll(pair.acceptAll(listener, CONNECTIONS));
        assertEquals(CONNECTIONS, servers.size(), "accepted");
        for (final TcpSocket client : clients)
        {
            assertTrue(client.finishConnect(), "connected");
        }
        quiesce();
    }

    /** Cycles until a whole cycle pumps no socket on either side (delayed ACKs and the like have gone out). */
    private void quiesce()
    {
        for (int round = 0; round < 10_000; round++)
        {
            final long before = pumps();
            pair.cycle(1_000_000);
            if (pumps() == before)
            {
                return;
            }
        }
        throw new AssertionError("the layers never went quiet");
    }

    private long pumps()
    {
        return pair.a.socketsPumped() + pair.b.socketsPumped();
    }

    @Test
    @DisplayName("with 200 idle connections open, a duty cycle pumps no socket")
    void idleConnectionsAreNotPumped()
    {
        final long before = pumps();
        for (int i = 0; i < 1_000; i++)
        {
            pair.cycle(1_000_000);
        }
        assertEquals(before, pumps(), "pumps over 1,000 idle cycles");
    }

    @Test
    @DisplayName("a write on one of 200 connections pumps that connection's two ends, not the others")
    void oneBusyConnectionIsPumpedAlone() throws Exception
    {
        final long before = pumps();
        clients.get(17).writeNow(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        final ByteBuffer into = ByteBuffer.allocate(3);
        for (int i = 0; i < 100 && into.hasRemaining(); i++)
        {
            pair.cycle();
            servers.get(17).readNow(into);
        }
        assertArrayEquals(new byte[] {1, 2, 3}, into.array());
        quiesce();
        final long pumped = pumps() - before;
        assertTrue(pumped > 0 && pumped < 20, "pumps for one small write: " + pumped);
    }

    @Test
    @DisplayName("bytes held back by a full receive ring move on when the application reads")
    void aFullReceiveRingResumesOnRead() throws Exception
    {
        final byte[] sent = new byte[1 << 20]; // 16 times the 64 KiB rings
        for (int i = 0; i < sent.length; i++)
        {
            sent[i] = (byte)(i * 31 + (i >>> 9));
        }
        final ByteBuffer from = ByteBuffer.wrap(sent);
        final ByteBuffer into = ByteBuffer.allocate(sent.length);
        for (int round = 0; round < 1_000_000 && into.hasRemaining(); round++)
        {
            clients.get(3).writeNow(from);
            pair.cycle();
            if (round % 7 == 0) // a slow reader: the ring fills between reads
            {
                servers.get(3).readNow(into);
            }
        }
        assertArrayEquals(sent, into.array());
    }

    @Test
    @DisplayName("a doorbell that finds the command ring full makes the next cycle pump every socket")
    void aFullCommandRingFallsBackToPumpingAll() throws Exception
    {
        final TcpSocketImpl client = (TcpSocketImpl)clients.get(5);
        final ActiveSockets active = pair.a.activeSockets();
        int spam = 0;
        while (!active.takeRequestAll()) // doorbells for another socket, until one finds the ring full
        {
            pair.a.requestPump(client.slot == 0 ? 1 : 0);
            spam++;
        }
        assertTrue(spam > 100, "doorbells that filled the ring: " + spam);
        client.writeNow(ByteBuffer.wrap(new byte[] {9})); // its doorbell finds the ring full too
        assertEquals(1, client.sendRing.size(), "queued before the cycle");
        pair.a.doWork(pair.nowNs + 1);
        assertEquals(0, client.sendRing.size(), "moved to the engine in the first cycle, before its doorbell was read");
        final ByteBuffer into = ByteBuffer.allocate(1);
        for (int i = 0; i < 100 && into.hasRemaining(); i++)
        {
            pair.cycle();
            servers.get(5).readNow(into);
        }
        assertEquals(9, into.get(0));
    }
}
