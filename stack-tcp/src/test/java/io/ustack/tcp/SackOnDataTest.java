package io.ustack.tcp;

import io.ustack.tcp.wire.SeqNum;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 2018 §4: SACK blocks go on every ACK while out-of-order data is held, data segments included. A data segment
 * of a full Eff.snd.MSS has no option room left, so new data is cut shorter by the blocks' size (as Linux's
 * {@code tcp_current_mss} does); without that, in a two-way transfer the peer heard of its holes only from pure ACKs.
 */
@DisplayName("SACK blocks ride on data segments (RFC 2018 §4)")
class SackOnDataTest
{
    private static final int MSS = 1460;

    @Test
    @DisplayName("while a hole is open, new data segments are one SACK block shorter and carry the block")
    void dataSegmentsCarryTheSackBlock()
    {
        final TcpHarness h = new TcpHarness();
        h.establishedWithSack();
        h.tcp.noDelay(h.connId, true);
        final int holeEnd = SeqNum.add(h.peerNxt, MSS);
        h.send(h.ack().seq(holeEnd).data(TcpHarness.bytes(MSS, 3))); // out of order: [peerNxt, holeEnd) is missing
        final List<Seg> sent = h.write(3 * MSS);
        final int shorter = MSS - 12; // NOP NOP SACK(2 + 8): one block
        assertEquals(shorter, sent.get(0).payload().length, sent.toString());
        assertArrayEquals(new int[] {holeEnd, SeqNum.add(holeEnd, MSS)}, sent.get(0).sackBlocks(),
            "the held range reported on the data: " + sent.get(0));
        assertEquals(h.peerNxt, sent.get(0).ack());
    }

    @Test
    @DisplayName("with no hole open, data segments are full-sized and carry no SACK option")
    void noHoleNoShortening()
    {
        final TcpHarness h = new TcpHarness();
        h.establishedWithSack();
        final List<Seg> sent = h.write(3 * MSS);
        assertEquals(MSS, sent.get(0).payload().length, sent.toString());
        assertEquals(0, sent.get(0).sackBlocks().length);
    }

    @Test
    @DisplayName("once the hole fills, segments are full-sized again")
    void fullSizeAfterTheHoleFills()
    {
        final TcpHarness h = new TcpHarness();
        h.establishedWithSack();
        h.tcp.noDelay(h.connId, true);
        h.send(h.ack().seq(SeqNum.add(h.peerNxt, MSS)).data(TcpHarness.bytes(MSS, 3)));
        h.send(h.ack().data(TcpHarness.bytes(MSS, 4))); // fills the hole
        h.peerNxt = SeqNum.add(h.peerNxt, 2 * MSS);
        final List<Seg> sent = h.write(2 * MSS);
        assertEquals(MSS, sent.get(0).payload().length, sent.toString());
        assertEquals(0, sent.get(0).sackBlocks().length);
    }
}
