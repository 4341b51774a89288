package io.ustack.tcp;

import io.ustack.tcp.ack.StretchAckPolicy;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.NoSuchAlgorithmException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The stretch ACK policy driving a connection")
class StretchAckTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final int MSS = 1460;

    private static TcpHarness stretchConnection()
    {
        final TcpHarness h = new TcpHarness(TcpSettings.builder().ackPolicy(StretchAckPolicy.NAME).build());
        h.established();
        for (int i = 0; i < 16; i++)
        {
            h.peerData(100); // the quick-ACK start
        }
        return h;
    }

    /** A full segment from the peer without PSH, one per duty cycle. */
    private static List<Seg> fullSegment(final TcpHarness h)
    {
        final List<Seg> out = h.send(h.in().ack(h.stackNxt).data(MSS).flags(TcpHeader.ACK));
        h.peerNxt = SeqNum.add(h.peerNxt, MSS);
        return out;
    }

    @Test
    @DisplayName("eight full segments in separate duty cycles draw one ACK, for all of them")
    void oneAckPerEightSegments()
    {
        final TcpHarness h = stretchConnection();
        for (int i = 1; i < StretchAckPolicy.DEFAULT_MAX_SEGMENTS; i++)
        {
            assertEquals(List.of(), fullSegment(h), "segment " + i + " is held");
        }
        final List<Seg> ack = fullSegment(h);
        assertEquals(1, ack.size());
        assertEquals(h.peerNxt, ack.get(0).ack());
    }

    @Test
    @DisplayName("a held ACK leaves 1 ms after the first segment it covers")
    void heldAckLeavesAfterOneMillisecond()
    {
        final TcpHarness h = stretchConnection();
        assertEquals(List.of(), fullSegment(h));
        h.nowNs += 600_000L;
        assertEquals(List.of(), fullSegment(h));
        final List<Seg> timeout = h.advanceMs(1);
        assertEquals(1, timeout.size(), "the bound counts from the first segment, not the second");
        assertEquals(h.peerNxt, timeout.get(0).ack());
    }

    @Test
    @DisplayName("PSH and out-of-order segments are acknowledged in their own duty cycle")
    void pushAndOutOfOrderAtOnce()
    {
        final TcpHarness h = stretchConnection();
        assertEquals(List.of(), fullSegment(h));
        assertEquals(1, h.peerData(MSS).size(), "PSH");
        final List<Seg> dup = h.send(h.in().seq(SeqNum.add(h.peerNxt, MSS)).ack(h.stackNxt).data(MSS)
            .flags(TcpHeader.ACK));
        assertEquals(1, dup.size(), "out of order");
        assertEquals(h.peerNxt, dup.get(0).ack());
    }

    @ParameterizedTest(name = "{0}% loss, {1}% reordering, seed {2}")
    @CsvSource({"0, 0, 11", "2, 5, 12", "5, 10, 13"})
    @DisplayName("transfers both ways at once arrive byte-exact under loss and reordering")
    void transferUnderImpairment(final int lossPercent, final int reorderPercent, final long seed)
        throws NoSuchAlgorithmException
    {
        final TcpSettings settings = TcpSettings.builder().sendBufferBytes(64 * 1024).receiveBufferBytes(64 * 1024)
            .ackPolicy(StretchAckPolicy.NAME).build();
        final LoopbackNet net = new LoopbackNet(seed, lossPercent / 100.0, 0, reorderPercent / 100.0, settings);
        final byte[] fromA = LoopbackTransferTest.random(1 << 20, seed);
        final byte[] fromB = LoopbackTransferTest.random((1 << 20) + 777, seed + 1);
        final TransferSide client = new TransferSide(net.a, fromA, fromB.length);
        final TransferSide server = new TransferSide(net.b, fromB, fromA.length);
        final int listener = net.b.listen(LoopbackNet.B, 5000, 4);
        client.id = net.a.connect(LoopbackNet.B, 5000, 0, net.nowNs);
        final boolean finished = net.run(now ->
        {
            if (server.id < 0)
            {
                server.id = net.b.accept(listener);
            }
            return client.step(now) | server.step(now);
        }, () -> client.done() && server.done(), 600 * SECOND);
        assertTrue(finished, "stalled: client " + net.a.info(client.id) + ", read " + client.read);
        assertArrayEquals(LoopbackTransferTest.sha256(fromA), LoopbackTransferTest.sha256(server.in));
        assertArrayEquals(LoopbackTransferTest.sha256(fromB), LoopbackTransferTest.sha256(client.in));
        // Any closing state is fine (LAST-ACK when the peer's FIN came first): the connection was not reset.
        assertEquals(TcpError.NONE, net.a.error(client.id), net.a.info(client.id));
    }
}
