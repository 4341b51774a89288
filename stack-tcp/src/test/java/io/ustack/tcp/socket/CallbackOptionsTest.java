package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpConnection;
import io.ustack.api.socket.TcpConnectionStats;
import io.ustack.api.socket.TcpHandler;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.api.socket.TcpSocketOptions;
import io.ustack.tcp.TcpSettings;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TcpSocketOptions} on the callback-style open: in place before the SYN of
 * {@code connect(address, port, handler, options)}, and on every connection a
 * {@code listen(address, port, backlog, onAccept, options)} accepts. The peer is a blocking socket on the other
 * layer of a {@link LayerPair}; each option is shown by what the peer sees or by the engine's statistics.
 */
class CallbackOptionsTest
{
    private final LayerPair pair = new LayerPair(TcpSettings.defaults());

    /** A callback client that keeps its connection once connected and consumes whatever arrives. */
    private static final class Client implements TcpHandler
    {
        TcpConnection connection;

        @Override
        public void onConnected(final TcpConnection c)
        {
            connection = c;
        }

        @Override
        public int onData(final TcpConnection c, final DirectBuffer buffer, final int offset, final int length)
        {
            return length;
        }
    }

    /** Connects a callback client on layer a to a blocking listener on b; returns the accepted socket. */
    private TcpSocket connectCallbackClient(final Client client, final TcpSocketOptions options) throws Exception
    {
        final TcpListener listener = pair.whileDriven(() -> pair.b.listen(0, 80, 4));
        pair.a.connect(LayerPair.B, 80, client, options);
        TcpSocket server = null;
        for (int i = 0; i < 1000 && (server == null || client.connection == null); i++)
        {
            pair.cycle();
            server = server == null ? listener.accept() : server;
        }
        assertNotNull(client.connection, "connected");
        assertNotNull(server, "accepted");
        listener.close();
        return server;
    }

    private TcpConnectionStats statsOnB(final TcpSocket socket)
    {
        return pair.b.module().stats(((TcpSocketImpl)socket).connId);
    }

    private TcpConnectionStats statsOnA(final TcpConnection connection)
    {
        return pair.a.module().stats(((CallbackConnection)connection).connId);
    }

    @Test
    @DisplayName("callback connect: the receive buffer and the policies in the options are in place before the SYN")
    void connectAppliesOptionsBeforeTheSyn() throws Exception
    {
        final Client client = new Client();
        final TcpSocket server = connectCallbackClient(client, new TcpSocketOptions().receiveBufferBytes(4096)
            .congestionControl("fixed").ackPolicy("immediate"));
        assertEquals(4096, statsOnB(server).sendWindow(), "the peer's window from our SYN: a 4 KiB buffer");
        final TcpConnectionStats ours = statsOnA(client.connection);
        assertEquals(4096, ours.receiveBufferBytes());
        assertEquals("fixed", ours.congestionControl());
        assertEquals("immediate", ours.ackPolicy());

        final Client plain = new Client();
        final TcpSocket plainServer = connectCallbackClient(plain, null);
        assertTrue(statsOnB(plainServer).sendWindow() >= 65_535, "without options: the default 64 KiB buffer");
        assertEquals("newreno", statsOnA(plain.connection).congestionControl());
    }

    @Test
    @DisplayName("callback connect with SO_LINGER 0: close() resets and the unsent bytes never leave (RFC 9293 §3.10.5)")
    void connectWithLingerZeroCloseResets() throws Exception
    {
        final Client client = new Client();
        final TcpSocket server = connectCallbackClient(client, new TcpSocketOptions().linger(Duration.ZERO));
        // between cycles this thread is the stack's thread, where TcpConnection methods belong
        client.connection.write(new UnsafeBuffer(new byte[100]), 0, 100);
        client.connection.close();
        for (int i = 0; i < 10; i++)
        {
            pair.cycle();
        }
        final SocketException reset = assertThrows(SocketException.class,
            () -> server.readNow(ByteBuffer.allocate(200)));
        assertEquals("Connection reset", reset.getMessage());
        assertEquals(0, statsOnB(server).bytesReceived(), "unsent bytes discarded");

        final Client plain = new Client();
        final TcpSocket closedServer = connectCallbackClient(plain, null);
        plain.connection.write(new UnsafeBuffer(new byte[100]), 0, 100);
        plain.connection.close();
        final ByteBuffer got = ByteBuffer.allocate(200);
        int n = 0;
        for (int i = 0; i < 1000 && n >= 0; i++)
        {
            pair.cycle();
            n = closedServer.readNow(got);
        }
        assertEquals(-1, n, "without linger: the bytes, then a FIN");
        assertEquals(100, got.position());
    }

    @Test
    @DisplayName("callback listen: accepted connections start with the options, and SO_LINGER 0 makes close() reset")
    void listenAppliesOptionsToAcceptedConnections() throws Exception
    {
        final TcpConnection[] accepted = new TcpConnection[1];
        final TcpHandler closeOnData = (c, buffer, offset, length) ->
        {
            c.close(); // leaves after the bytes it consumed, as a reset under SO_LINGER 0
            return length;
        };
        pair.whileDriven(() -> pair.b.listen(0, 90, 4, c ->
        {
            accepted[0] = c;
            return closeOnData;
        }, new TcpSocketOptions().receiveBufferBytes(4096).rtoEstimator("linux").linger(Duration.ZERO)));
        final TcpSocket client = pair.a.connectNow(LayerPair.B, 90);
        for (int i = 0; i < 1000 && (accepted[0] == null || !client.finishConnect()); i++)
        {
            pair.cycle();
        }
        assertNotNull(accepted[0], "accepted");
        assertTrue(client.finishConnect());
        final TcpSocketImpl clientImpl = (TcpSocketImpl)client;
        assertEquals(4096, pair.a.module().stats(clientImpl.connId).sendWindow(), "the SYN-ACK's window");
        final TcpConnectionStats ours = pair.b.module().stats(((CallbackConnection)accepted[0]).connId);
        assertEquals(4096, ours.receiveBufferBytes());
        assertEquals("linux", ours.rtoEstimator());

        client.writeNow(ByteBuffer.wrap(new byte[] {1}));
        for (int i = 0; i < 10; i++)
        {
            pair.cycle();
        }
        final SocketException reset = assertThrows(SocketException.class,
            () -> client.readNow(ByteBuffer.allocate(10)));
        assertEquals("Connection reset", reset.getMessage());
    }

    @Test
    @DisplayName("callback open: a linger time, an unknown policy or a missing accept handler is refused, saying why")
    void badCallbackOptionsAreRefused()
    {
        final TcpHandler sink = (c, buffer, offset, length) -> length;
        final TcpSocketOptions lingerTime = new TcpSocketOptions().linger(Duration.ofSeconds(1));
        assertMessage(() -> pair.a.connect(LayerPair.B, 80, sink, lingerTime), "in callback style set linger to 0");
        assertMessage(() -> pair.b.listen(0, 80, 4, c -> sink, lingerTime), "in callback style set linger to 0");
        assertMessage(() -> pair.a.connect(LayerPair.B, 80, sink, new TcpSocketOptions().congestionControl("nope")),
            "newreno");
        assertMessage(() -> pair.b.listen(0, 80, 4, null, new TcpSocketOptions()), "needs an accept handler");
    }

    private static void assertMessage(final Executable call, final String part)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
