package io.ustack.tcp;

import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("D-SACK generation, the receiver's side of RFC 2883 §4")
class DsackGenerationTest
{
    private final TcpHarness h = new TcpHarness();
    private int base;

    private int at(final int offset)
    {
        return SeqNum.add(base, offset);
    }

    /** A segment of {@code length} bytes at stream offset {@code offset}, ACK at the fixture's number. */
    private List<Seg> data(final int offset, final int length)
    {
        return h.send(h.in().ack(h.stackNxt).seq(at(offset)).data(length));
    }

    private void sackConnection()
    {
        h.establishedWithSack();
        base = h.peerNxt;
    }

    private static Seg only(final List<Seg> out)
    {
        assertEquals(1, out.size(), out.toString());
        return out.get(0);
    }

    private long dsackSent()
    {
        return h.tcp.stats(h.connId).dsackSent();
    }

    @Test
    @DisplayName("RFC 2883 §4.1.1: a segment wholly below RCV.NXT is reported in the first SACK block of the ACK")
    void duplicateBelowRcvNxtIsTheFirstBlock_rfc2883s4_1_1()
    {
        sackConnection();
        data(0, 500);
        final Seg ack = only(data(0, 500));
        assertEquals(at(500), ack.ack());
        assertArrayEquals(new int[] {at(0), at(500)}, ack.sackBlocks(), ack.toString());
        assertEquals(1, dsackSent());
    }

    @Test
    @DisplayName("RFC 2883 §4: a segment partly below RCV.NXT is accepted and the old part alone is the D-SACK")
    void partlyOldSegmentReportsOnlyTheOldPart_rfc2883s4()
    {
        sackConnection();
        data(0, 300);
        final List<Seg> out = data(100, 400);
        final Seg ack = out.get(out.size() - 1);
        assertEquals(at(500), ack.ack(), "the new part was taken");
        assertArrayEquals(new int[] {at(100), at(300)}, ack.sackBlocks(), ack.toString());
    }

    @Test
    @DisplayName("RFC 2883 §4.2.1: a duplicate of held out-of-order data: D-SACK, then the block holding it, then the rest")
    void duplicateOfOutOfOrderData_rfc2883s4_2_1()
    {
        sackConnection();
        data(1000, 100);
        data(1100, 100);
        data(1200, 100);
        data(3000, 100);
        final Seg ack = only(data(1100, 100));
        assertEquals(at(0), ack.ack());
        assertArrayEquals(new int[] {at(1100), at(1200), at(1000), at(1300), at(3000), at(3100)}, ack.sackBlocks(),
            ack.toString());
    }

    @Test
    @DisplayName("RFC 2883 §4: a segment partly held out of order and partly new: the held part, then the grown block")
    void partlyNewOutOfOrderSegment_rfc2883s4()
    {
        sackConnection();
        data(1000, 100);
        final Seg ack = only(data(1050, 150));
        assertArrayEquals(new int[] {at(1050), at(1100), at(1000), at(1200)}, ack.sackBlocks(), ack.toString());
    }

    @Test
    @DisplayName("RFC 2883 §4 (b): each duplicate is reported in one ACK only")
    void dsackIsSentOnce_rfc2883s4()
    {
        sackConnection();
        data(1000, 100);
        assertEquals(4, only(data(1000, 100)).sackBlocks().length);
        final Seg next = only(data(3000, 100));
        assertArrayEquals(new int[] {at(3000), at(3100), at(1000), at(1100)}, next.sackBlocks(), next.toString());
        final Seg later = only(data(5000, 100));
        assertArrayEquals(new int[] {at(5000), at(5100), at(3000), at(3100), at(1000), at(1100)},
            later.sackBlocks(), later.toString());
        assertEquals(1, dsackSent());
    }

    @Test
    @DisplayName("RFC 2883 §4 (b): two disjoint duplicates in one duty cycle go in two ACKs; touching ones merge")
    void duplicatesInOneCycle_rfc2883s4()
    {
        sackConnection();
        data(0, 400);
        h.deliver(h.in().ack(h.stackNxt).seq(at(0)).data(100).encode());
        h.deliver(h.in().ack(h.stackNxt).seq(at(200)).data(100).encode());
        final List<Seg> two = h.work();
        assertEquals(2, two.size(), two.toString());
        assertArrayEquals(new int[] {at(0), at(100)}, two.get(0).sackBlocks());
        assertArrayEquals(new int[] {at(200), at(300)}, two.get(1).sackBlocks());
        h.deliver(h.in().ack(h.stackNxt).seq(at(0)).data(100).encode());
        h.deliver(h.in().ack(h.stackNxt).seq(at(100)).data(100).encode());
        final Seg merged = only(h.work());
        assertArrayEquals(new int[] {at(0), at(200)}, merged.sackBlocks());
        assertEquals(3, dsackSent());
    }

    @Test
    @DisplayName("RFC 2883 §4: no D-SACK unless both SYNs carried SACK-permitted")
    void noDsackWithoutSack_rfc2883s4()
    {
        h.established();
        base = h.peerNxt;
        data(0, 500);
        final Seg ack = only(data(0, 500));
        assertEquals(at(500), ack.ack());
        assertEquals(0, ack.sackBlocks().length, ack.toString());
        assertEquals(0, dsackSent());
    }

    @Test
    @DisplayName("RFC 2883 §4, RFC 9293 §3.10.7.4: a retransmitted FIN and data after close are reported too")
    void duplicateDataWithFinInCloseWait_rfc2883s4()
    {
        sackConnection();
        h.send(h.in().ack(h.stackNxt).seq(at(0)).data(200).flags(TcpHeader.ACK | TcpHeader.FIN));
        final Seg ack = only(h.send(h.in().ack(h.stackNxt).seq(at(0)).data(200)
            .flags(TcpHeader.ACK | TcpHeader.FIN)));
        assertEquals(at(201), ack.ack(), "FIN counted");
        assertArrayEquals(new int[] {at(0), at(200)}, ack.sackBlocks(), "the text, not the FIN: " + ack);
    }

    @Test
    @DisplayName("RFC 2883 §4: a D-SACK rides on the next data segment, cut one block shorter to carry it, once")
    void dsackRidesOnTheNextDataSegment_rfc2883s4()
    {
        sackConnection();
        h.tcp.noDelay(h.connId, true);
        data(0, 500);
        final byte[] bytes = TcpHarness.bytes(3 * 1460, 0);
        assertEquals(bytes.length, h.tcp.write(h.connId, new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length,
            h.nowNs));
        h.deliver(h.in().ack(h.stackNxt).seq(at(0)).data(500).encode());
        final List<Seg> out = h.work();
        final Seg first = out.get(0);
        assertEquals(1460 - 12, first.length(), "room for one block: " + first);
        assertArrayEquals(new int[] {at(0), at(500)}, first.sackBlocks(), first.toString());
        for (final Seg s : out.subList(1, out.size()))
        {
            assertEquals(0, s.sackBlocks().length, "reported once: " + s);
        }
        assertEquals(3 * 1460, out.stream().mapToInt(Seg::length).sum(), "every byte went: " + out);
        assertEquals(1, dsackSent());
    }
}
