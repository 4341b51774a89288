package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpConnectionStats;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.api.socket.TcpSocketOptions;
import io.ustack.tcp.TcpSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-socket options, each shown to change what goes on the wire or what the engine does, between two socket
 * layers on a virtual clock ({@link LayerPair}). Options go in before the SYN through {@link TcpSocketOptions}, or
 * later through the socket.
 */
class SocketOptionsTest
{
    private static final long MS = 1_000_000L;

    private LayerPair pair;
    private TcpSocket client;
    private TcpSocket server;

    private void open(final TcpSocketOptions clientOptions, final TcpSocketOptions serverOptions) throws Exception
    {
        pair = new LayerPair(TcpSettings.builder().mslNs(100 * MS).build());
        server = null;
        final TcpListener listener = pair.whileDriven(() -> serverOptions == null ? pair.b.listen(0, 80, 4) :
            pair.b.listen(0, 80, 4, serverOptions));
        client = clientOptions == null ? pair.a.connectNow(LayerPair.B, 80) :
            pair.a.connectNow(LayerPair.B, 80, clientOptions);
        for (int i = 0; i < 1000 && (server == null || !client.finishConnect()); i++)
        {
            pair.cycle();
            server = server == null ? listener.accept() : server;
        }
        assertTrue(client.finishConnect() && server != null, "connected");
    }

    /**
     * The engine's statistics, read on this thread between cycles so no virtual time passes, or, once the socket let
     * go of its connection, the last ones it published.
     */
    private TcpConnectionStats stats(final TcpSocket socket) throws Exception
    {
        return ((TcpSocketImpl)socket).connId >= 0 ? engineStats(socket) : pair.whileDriven(socket::stats);
    }

    /** Read on this thread, between cycles, so no virtual time passes (stats() lets a helper thread drive). */
    private TcpConnectionStats engineStats(final TcpSocket socket)
    {
        final TcpSocketImpl impl = (TcpSocketImpl)socket;
        return (impl == server ? pair.b : pair.a).module().stats(impl.connId);
    }

    private void cycles(final int n, final long stepNs)
    {
        for (int i = 0; i < n; i++)
        {
            pair.cycle(stepNs);
        }
    }

    private int readAll(final TcpSocket socket, final ByteBuffer into) throws IOException
    {
        int total = 0;
        for (int i = 0; i < 10_000; i++)
        {
            pair.cycle();
            final int n = socket.readNow(into);
            if (n < 0)
            {
                return total;
            }
            total += n;
        }
        throw new AssertionError("no end of stream after " + total + " bytes");
    }

    @Test
    @DisplayName("SO_RCVBUF: the window the peer sees follows the receive buffer, scaled past 64 KiB (RFC 7323 §2)")
    void receiveBufferSetsTheAdvertisedWindow() throws Exception
    {
        open(null, new TcpSocketOptions().receiveBufferBytes(4096));
        assertEquals(4096, stats(client).sendWindow(), "a 4 KiB buffer offers 4 KiB");
        assertEquals(4096, stats(server).receiveBufferBytes());
        final TcpConnectionStats asked = pair.whileDriven(server::stats);
        assertEquals(4096, asked.receiveBufferBytes(), "the same through the socket handle");
        assertEquals("ESTABLISHED", asked.state());
        assertTrue(server.info().contains("ESTABLISHED"), server.info());

        open(null, null);
        assertEquals(65_535, stats(client).sendWindow(), "the default 64 KiB buffer, unscaled SYN-ACK");

        open(null, new TcpSocketOptions().receiveBufferBytes(1 << 20));
        client.writeNow(ByteBuffer.wrap(new byte[1]));
        cycles(10, 10_000);
        assertTrue(stats(client).sendWindow() > 65_535, "scaled window " + stats(client).sendWindow());
    }

    @Test
    @DisplayName("SO_SNDBUF: with no ACK coming back, no more than the send buffer leaves")
    void sendBufferBoundsWhatIsInFlight() throws Exception
    {
        open(new TcpSocketOptions().sendBufferBytes(1024).noDelay(true), null);
        pair.deliverToA = false;
        client.writeNow(ByteBuffer.allocate(32 * 1024));
        cycles(50, 10_000);
        assertEquals(1024, stats(client).bytesSent(), "a 1 KiB send buffer");

        open(new TcpSocketOptions().noDelay(true), null);
        pair.deliverToA = false;
        client.writeNow(ByteBuffer.allocate(32 * 1024));
        cycles(50, 10_000);
        assertTrue(stats(client).bytesSent() > 1024, "the default buffer lets the initial window go");
    }

    @Test
    @DisplayName("TCP_NODELAY and TCP_CORK set before connect: small writes go at once, are held by Nagle, or wait")
    void noDelayAndCorkFromTheStart() throws Exception
    {
        assertEquals(2, dataSegmentsForTwoSmallWrites(new TcpSocketOptions().noDelay(true)), "TCP_NODELAY");
        assertEquals(1, dataSegmentsForTwoSmallWrites(null), "Nagle holds the second (RFC 9293 §3.7.4)");
        assertEquals(0, dataSegmentsForTwoSmallWrites(new TcpSocketOptions().cork(true)), "TCP_CORK");
    }

    private long dataSegmentsForTwoSmallWrites(final TcpSocketOptions options) throws Exception
    {
        open(options, null);
        pair.deliverToA = false; // nothing acknowledged: Nagle keeps holding
        final long before = stats(client).segmentsOut();
        client.writeNow(ByteBuffer.allocate(10));
        cycles(5, 10_000);
        client.writeNow(ByteBuffer.allocate(10));
        cycles(5, 10_000);
        return stats(client).segmentsOut() - before;
    }

    @Test
    @DisplayName("RFC 1122 §4.2.3.6: per-socket keepalive probes a silent peer and gives up after the probe count")
    void keepaliveOptionTimesOutASilentPeer() throws Exception
    {
        open(new TcpSocketOptions().keepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 3), null);
        assertTrue(stats(client).keepalive());
        pair.deliverToA = false;
        final long probesBefore = stats(server).segmentsIn();
        cycles(60, 100 * MS);
        final SocketException timedOut = assertThrows(SocketException.class,
            () -> client.readNow(ByteBuffer.allocate(1)));
        assertTrue(timedOut.getMessage().contains("timed out"), timedOut.getMessage());
        assertEquals(3, stats(server).segmentsIn() - probesBefore, "three probes reached the peer");

        open(null, null); // the stack's default: keepalive off
        pair.deliverToA = false;
        cycles(60, 100 * MS);
        assertEquals(0, client.readNow(ByteBuffer.allocate(1)), "without keepalive the silence goes unnoticed");
    }

    @Test
    @DisplayName("keepalive turned on after connect: probes answered by the peer keep the connection up")
    void keepaliveAtRunTime() throws Exception
    {
        open(null, null);
        assertTrue(!stats(client).keepalive());
        final long before = stats(server).segmentsIn();
        client.keepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 2);
        cycles(35, 100 * MS);
        final long probes = stats(server).segmentsIn() - before;
        assertTrue(probes >= 2, probes + " probes in 3.5 s of idle with a 1 s idle time");
        assertEquals("ESTABLISHED", stats(client).state());
        assertThrows(IllegalArgumentException.class, () -> client.keepalive(Duration.ZERO, Duration.ofSeconds(1), 2));
    }

    @Test
    @DisplayName("SO_LINGER 0: close sends a RST and the bytes not yet sent never leave (RFC 9293 §3.10.5)")
    void lingerZeroResets() throws Exception
    {
        open(new TcpSocketOptions().linger(Duration.ZERO), null);
        client.writeNow(ByteBuffer.allocate(100));
        client.close();
        cycles(10, 10_000);
        final SocketException reset = assertThrows(SocketException.class,
            () -> server.readNow(ByteBuffer.allocate(200)));
        assertEquals("Connection reset", reset.getMessage());
        assertEquals(0, stats(server).bytesReceived(), "unsent bytes discarded");

        open(null, null);
        client.writeNow(ByteBuffer.allocate(100));
        client.close();
        assertEquals(100, readAll(server, ByteBuffer.allocate(200)), "without linger: the bytes, then a FIN");
    }

    @Test
    @DisplayName("SO_LINGER N: close returns once everything is acknowledged, and the peer sees a normal end")
    void lingerWaitsForTheAcknowledgement() throws Exception
    {
        open(new TcpSocketOptions().linger(Duration.ofSeconds(5)), null);
        client.writeNow(ByteBuffer.allocate(50_000));
        pair.whileDriven(() ->
        {
            client.close();
            return null;
        });
        assertEquals(50_000, stats(client).bytesAcked(), "close returned after the ACK of every byte");
        assertEquals(50_000, readAll(server, ByteBuffer.allocate(60_000)));
    }

    @Test
    @DisplayName("SO_LINGER N: when no ACK comes within N, close resets the connection")
    void lingerResetsWhenUnacknowledged() throws Exception
    {
        open(new TcpSocketOptions().linger(Duration.ofMillis(200)), null);
        pair.deliverToA = false;
        client.writeNow(ByteBuffer.allocate(10_000));
        pair.whileDriven(() ->
        {
            client.close();
            return null;
        });
        assertTrue(pair.nowNs - 1_000_000_000L >= 200 * MS, "close waited the linger time (virtual)");
        final ByteBuffer sink = ByteBuffer.allocate(20_000);
        final SocketException reset = assertThrows(SocketException.class, () ->
        {
            for (int i = 0; i < 100; i++)
            {
                pair.cycle();
                server.readNow(sink.clear());
            }
        });
        assertEquals("Connection reset", reset.getMessage());
    }

    @Test
    @DisplayName("TCP_CONGESTION by name: a fixed window stays put where NewReno grows; switchable after connect")
    void congestionControlByName() throws Exception
    {
        final long fixedGrowth = cwndGrowth(new TcpSocketOptions().congestionControl("fixed"));
        final long renoGrowth = cwndGrowth(null);
        assertEquals(0, fixedGrowth, "fixed window");
        assertTrue(renoGrowth > 0, "NewReno slow start grew cwnd by " + renoGrowth);
        assertEquals("newreno", stats(client).congestionControl());
        client.congestionControl("fixed");
        pair.cycle();
        assertEquals("fixed", stats(client).congestionControl());
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> client.congestionControl("nope"));
        assertTrue(unknown.getMessage().contains("newreno"), "names the installed ones: " + unknown.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> pair.a.connectNow(LayerPair.B, 80, new TcpSocketOptions().rtoEstimator("nope")));
    }

    private long cwndGrowth(final TcpSocketOptions options) throws Exception
    {
        open(options, null);
        final long before = stats(client).cwndBytes();
        client.writeNow(ByteBuffer.allocate(60_000));
        final ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        for (int i = 0; i < 2000 && sink.position() < 60_000; i++)
        {
            pair.cycle();
            server.readNow(sink);
        }
        assertEquals(60_000, sink.position());
        return stats(client).cwndBytes() - before;
    }

    @Test
    @DisplayName("RTO estimator by name: Linux's 200 ms floor against RFC 6298's 1 s (RFC 6298 §2.4)")
    void rtoEstimatorByName() throws Exception
    {
        open(new TcpSocketOptions().rtoEstimator("linux"), null);
        final TcpConnectionStats linux = stats(client);
        open(null, null);
        final TcpConnectionStats rfc = stats(client);
        assertEquals("linux", linux.rtoEstimator());
        assertTrue(linux.rtoMs() < 1000, "linux rto " + linux.rtoMs());
        assertTrue(rfc.rtoMs() >= 1000, "rfc6298 rto " + rfc.rtoMs());
    }

    @Test
    @DisplayName("ACK policy by name: 'immediate' ACKs a small segment at once, 'delayed' waits (RFC 9293 §3.8.6.3)")
    void ackPolicyByName() throws Exception
    {
        assertEquals(1, acksRightAfterASmallSegment(new TcpSocketOptions().ackPolicy("immediate")));
        assertEquals("immediate", stats(server).ackPolicy());
        assertEquals(0, acksRightAfterASmallSegment(null), "the stack's default, delayed");
        assertEquals("delayed", stats(server).ackPolicy());
        final long before = engineStats(server).segmentsOut();
        cycles(50, 10 * MS);
        assertEquals(1, engineStats(server).segmentsOut() - before, "the delayed ACK, once its timer ran out");
    }

    private long acksRightAfterASmallSegment(final TcpSocketOptions serverOptions) throws Exception
    {
        open(new TcpSocketOptions().noDelay(true), serverOptions);
        for (int i = 0; i < 20; i++)
        {
            client.writeNow(ByteBuffer.allocate(10)); // past delayed ACK's 16 quick ACKs at the start
            cycles(3, 10_000);
        }
        cycles(10, 10 * MS); // the ACK held for those goes
        final long before = engineStats(server).segmentsOut();
        client.writeNow(ByteBuffer.allocate(10));
        cycles(3, 10_000);
        return engineStats(server).segmentsOut() - before;
    }

    @Test
    @DisplayName("bad option values are refused with the valid range in the message")
    void badValuesSayTheRange()
    {
        final TcpSocketOptions options = new TcpSocketOptions();
        assertMessage(() -> options.sendBufferBytes(1000), "power of two from 1024 to 1073741824");
        assertMessage(() -> options.receiveBufferBytes(512), "power of two from 1024 to 1073741824");
        assertMessage(() -> options.keepalive(Duration.ofSeconds(1), Duration.ofSeconds(1), 0), "from 1 to 127");
        assertMessage(() -> options.keepalive(Duration.ofSeconds(40_000), Duration.ofSeconds(1), 3),
            "from 1 ms to 32767 s");
        assertMessage(() -> options.linger(Duration.ofSeconds(-1)), "null (off) or from 0 to 32767 s");
        assertMessage(() -> options.congestionControl(" "), "policy name");
    }

    private static void assertMessage(final org.junit.jupiter.api.function.Executable call, final String part)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
