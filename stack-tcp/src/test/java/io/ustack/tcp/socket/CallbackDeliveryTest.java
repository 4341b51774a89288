package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpConnection;
import io.ustack.api.socket.TcpHandler;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.tcp.TcpSettings;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Callback connections are serviced only when they have something to deliver (an engine event, or bytes their
 * handler left unconsumed), as blocking sockets are pumped ({@link ActiveSocketsTest}): an idle one costs a duty
 * cycle nothing, and bytes a handler does not take yet are offered again until it does.
 */
class CallbackDeliveryTest
{
    private static final int CONNECTIONS = 100;

    /** Takes at most {@code appetite} bytes per call, keeping what it took in order. */
    private static final class Client implements TcpHandler
    {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        TcpConnection connection;
        int appetite = Integer.MAX_VALUE;

        @Override
        public void onConnected(final TcpConnection c)
        {
            connection = c;
        }

        @Override
        public int onData(final TcpConnection c, final DirectBuffer buffer, final int offset, final int length)
        {
            final int taken = Math.min(length, appetite);
            for (int i = 0; i < taken; i++)
            {
                received.write(buffer.getByte(offset + i));
            }
            return taken;
        }
    }

    private final LayerPair pair = new LayerPair(TcpSettings.defaults());
    private final List<Client> clients = new ArrayList<>();
    private final List<TcpSocket> servers = new ArrayList<>();

    @BeforeEach
    void connectMany() throws Exception
    {
        final TcpListener listener = pair.whileDriven(() -> pair.b.listen(0, 7, CONNECTIONS));
        for (int i = 0; i < CONNECTIONS; i++)
        {
            final Client client = new Client();
            clients.add(client);
            pair.a.connect(LayerPair.B, 7, client);
        }
        servers.addAll(pair.acceptAll(listener, CONNECTIONS));
        assertEquals(CONNECTIONS, servers.size(), "accepted");
        for (int round = 0; round < 1_000; round++)
        {
            pair.cycle(1_000_000);
        }
        assertTrue(clients.stream().allMatch(c -> c.connection != null), "every client heard onConnected");
    }

    @Test
    @DisplayName("with 100 idle callback connections open, a duty cycle services none of them")
    void idleCallbackConnectionsAreNotVisited()
    {
        final long before = pair.a.callbacksServiced();
        for (int i = 0; i < 1_000; i++)
        {
            pair.cycle(1_000_000);
        }
        assertEquals(before, pair.a.callbacksServiced(), "connections serviced over 1,000 idle cycles");
    }

    @Test
    @DisplayName("bytes a handler leaves unconsumed are offered again each cycle until taken, in order")
    void unconsumedBytesAreOfferedAgain() throws Exception
    {
        final Client slow = clients.get(42);
        slow.appetite = 100;
        final byte[] sent = new byte[5_000];
        for (int i = 0; i < sent.length; i++)
        {
            sent[i] = (byte)(i * 7 + (i >>> 8));
        }
        final long before = pair.a.callbacksServiced();
        servers.get(42).writeNow(ByteBuffer.wrap(sent));
        for (int round = 0; round < 1_000 && slow.received.size() < sent.length; round++)
        {
            pair.cycle();
        }
        assertArrayEquals(sent, slow.received.toByteArray(), "100 bytes a cycle, all of them, in order");
        final long serviced = pair.a.callbacksServiced() - before;
        assertTrue(serviced >= sent.length / 100 && serviced < sent.length / 100 + 20,
            "only the busy connection was serviced, once per cycle it had bytes: " + serviced);
    }
}
