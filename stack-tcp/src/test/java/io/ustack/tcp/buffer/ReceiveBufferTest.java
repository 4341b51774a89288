package io.ustack.tcp.buffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceiveBufferTest
{
    private static final int IRS = 999; // RCV.NXT starts at 1000

    /** The stream byte at offset {@code i}: a fixed pattern, so any misplaced byte shows. */
    private static byte streamByte(final int i)
    {
        return (byte)(i * 7 + (i >>> 8));
    }

    private static UnsafeBuffer stream(final int from, final int count)
    {
        final byte[] b = new byte[count];
        for (int i = 0; i < count; i++)
        {
            b[i] = streamByte(from + i);
        }
        return new UnsafeBuffer(b);
    }

    /** Offers stream bytes {@code [from, from + count)} of a buffer started at {@link #IRS}. */
    private static int offer(final ReceiveBuffer buffer, final int from, final int count)
    {
        return buffer.offer(IRS + 1 + from, stream(from, count), 0, count);
    }

    private static byte[] readAll(final ReceiveBuffer buffer)
    {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[buffer.capacity()]);
        final int n = buffer.read(dst, 0, buffer.capacity());
        return Arrays.copyOf(dst.byteArray(), n);
    }

    private static ReceiveBuffer started(final int capacity)
    {
        final ReceiveBuffer buffer = new ReceiveBuffer(capacity);
        buffer.start(IRS);
        return buffer;
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.4: in-order text advances RCV.NXT and reads back byte for byte")
    void inOrderStream()
    {
        final ReceiveBuffer buffer = started(64);
        assertEquals(1000, buffer.rcvNxt());
        assertEquals(10, offer(buffer, 0, 10));
        assertEquals(ReceiveOutcome.IN_ORDER, buffer.lastOutcome());
        assertEquals(20, offer(buffer, 10, 20));
        assertEquals(1030, buffer.rcvNxt());
        assertEquals(30, buffer.readable());
        assertEquals(34, buffer.window());
        assertArrayEquals(stream(0, 30).byteArray(), readAll(buffer));
        assertEquals(0, buffer.readable());
        assertEquals(64, buffer.window());
        assertFalse(buffer.eof());
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.4: text before RCV.NXT is trimmed as a duplicate and never counted twice")
    void leadingDuplicateTrimmed()
    {
        final ReceiveBuffer buffer = started(64);
        offer(buffer, 0, 10);
        assertEquals(0, offer(buffer, 2, 8));
        assertEquals(ReceiveOutcome.DUPLICATE, buffer.lastOutcome());
        assertEquals(5, offer(buffer, 5, 10), "only 10..14 are new");
        assertEquals(ReceiveOutcome.IN_ORDER, buffer.lastOutcome());
        assertArrayEquals(stream(0, 15).byteArray(), readAll(buffer));
    }

    @Test
    @DisplayName("RFC 5681 §4.2: out-of-order text is held; the segment filling the hole releases it all")
    void outOfOrderThenFill()
    {
        final ReceiveBuffer buffer = started(64);
        assertEquals(10, offer(buffer, 20, 10));
        assertEquals(ReceiveOutcome.OUT_OF_ORDER, buffer.lastOutcome());
        assertEquals(10, offer(buffer, 40, 10));
        assertEquals(1000, buffer.rcvNxt());
        assertEquals(0, buffer.readable());
        assertEquals(2, buffer.outOfOrderRangeCount());
        assertEquals(20, buffer.outOfOrderBytes());
        assertEquals(64, buffer.window(), "held out-of-order text does not narrow the window");
        assertEquals(10, offer(buffer, 5, 10)); // 5..14: part of the first gap
        assertEquals(ReceiveOutcome.OUT_OF_ORDER, buffer.lastOutcome());
        assertEquals(5, offer(buffer, 0, 8)); // 0..7, only 0..4 new: fills the front of the gap
        assertEquals(ReceiveOutcome.FILLED_HOLE, buffer.lastOutcome());
        assertEquals(1015, buffer.rcvNxt());
        assertEquals(5, offer(buffer, 15, 5)); // joins 20..29
        assertEquals(ReceiveOutcome.FILLED_HOLE, buffer.lastOutcome());
        assertEquals(1030, buffer.rcvNxt());
        assertEquals(1, buffer.outOfOrderRangeCount());
        assertEquals(10, offer(buffer, 28, 22)); // 28..49: 30..39 new, joins 40..49
        assertEquals(1050, buffer.rcvNxt());
        assertEquals(0, buffer.outOfOrderRangeCount());
        assertArrayEquals(stream(0, 50).byteArray(), readAll(buffer));
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.4: overlaps fill only the gaps; bytes already held are never overwritten")
    void overlapNeverOverwrites()
    {
        final ReceiveBuffer buffer = started(64);
        offer(buffer, 10, 10);
        final UnsafeBuffer other = new UnsafeBuffer(new byte[30]);
        for (int i = 0; i < 30; i++)
        {
            other.putByte(i, (byte)0x55);
        }
        assertEquals(20, buffer.offer(1000, other, 0, 30), "0..9 and 20..29 are new, 10..19 held");
        final byte[] read = readAll(buffer);
        assertEquals(30, read.length);
        for (int i = 0; i < 30; i++)
        {
            assertEquals(i >= 10 && i < 20 ? streamByte(i) : (byte)0x55, read[i], "byte " + i);
        }
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.4: text beyond RCV.NXT + window is trimmed; none fits in a zero window")
    void beyondWindowTrimmed()
    {
        final ReceiveBuffer buffer = started(16);
        assertEquals(16, offer(buffer, 0, 20));
        assertEquals(1016, buffer.rcvNxt());
        assertEquals(0, buffer.window());
        assertEquals(0, offer(buffer, 16, 4));
        assertEquals(ReceiveOutcome.BEYOND_WINDOW, buffer.lastOutcome());
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[6]);
        assertEquals(6, buffer.read(dst, 0, 6));
        assertEquals(0, offer(buffer, 30, 4), "starts past the right edge 1022");
        assertEquals(ReceiveOutcome.BEYOND_WINDOW, buffer.lastOutcome());
        assertEquals(2, offer(buffer, 20, 4), "20..21 fit, 22..23 do not");
        assertEquals(4, offer(buffer, 16, 10), "the retransmission fills the gap up to the edge (20..21 held)");
        assertEquals(1022, buffer.rcvNxt());
        assertArrayEquals(stream(6, 16).byteArray(), readAll(buffer));
    }

    @Test
    @DisplayName("RFC 9293 §3.4: reassembly across the 2^32 wrap (IRS 0xFFFFFF00)")
    void sequenceWrap()
    {
        final ReceiveBuffer buffer = new ReceiveBuffer(1024);
        buffer.start(0xFFFF_FF00);
        assertEquals(0xFFFF_FF01, buffer.rcvNxt());
        final UnsafeBuffer data = stream(0, 0x300);
        assertEquals(0x100, buffer.offer(0x80, data, 0x17F, 0x100)); // stream 0x17F..0x27E, past 2^32
        assertEquals(0xFF, buffer.offer(0xFFFF_FF01, data, 0, 0xFF)); // stream 0..0xFE, ends at 0
        assertEquals(0, buffer.rcvNxt());
        assertEquals(0x80, buffer.offer(0xFFFF_FFF0, data, 0xEF, 0x90)); // 0xEF..0x17E, first 0x10 duplicate
        assertEquals(ReceiveOutcome.FILLED_HOLE, buffer.lastOutcome());
        assertEquals(0x180, buffer.rcvNxt());
        final byte[] read = readAll(buffer);
        assertArrayEquals(Arrays.copyOf(data.byteArray(), 0x27F), read);
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.4: a FIN that arrives before the text preceding it is reached once the gap fills")
    void outOfOrderFin()
    {
        final ReceiveBuffer buffer = started(64);
        assertEquals(10, offer(buffer, 10, 10));
        assertTrue(buffer.onFin(1020));
        assertFalse(buffer.finReached());
        assertEquals(1000, buffer.rcvNxt());
        assertTrue(buffer.onFin(1020), "the same FIN again");
        assertFalse(buffer.onFin(1021), "a different FIN");
        assertEquals(0, offer(buffer, 20, 5));
        assertEquals(ReceiveOutcome.AFTER_FIN, buffer.lastOutcome());
        assertEquals(5, offer(buffer, 5, 20), "trimmed at the FIN: 5..9 new, 20.. after the FIN");
        assertEquals(5, offer(buffer, 0, 5));
        assertTrue(buffer.finReached());
        assertEquals(1021, buffer.rcvNxt(), "RCV.NXT passes over the FIN");
        assertFalse(buffer.eof(), "text still unread");
        assertArrayEquals(stream(0, 20).byteArray(), readAll(buffer));
        assertTrue(buffer.eof());
        assertEquals(0, offer(buffer, 0, 20));
        assertEquals(ReceiveOutcome.DUPLICATE, buffer.lastOutcome());
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.4: an in-order FIN is passed at once; an inconsistent FIN is refused")
    void inOrderAndInconsistentFin()
    {
        final ReceiveBuffer buffer = started(64);
        offer(buffer, 0, 10);
        offer(buffer, 30, 10);
        assertFalse(buffer.onFin(1035), "text already held after it");
        assertFalse(buffer.onFin(999), "before RCV.NXT");
        assertFalse(buffer.onFin(1000 + 65), "beyond the window");
        assertFalse(buffer.finReached());
        offer(buffer, 10, 20);
        assertTrue(buffer.onFin(1040));
        assertTrue(buffer.finReached());
        assertEquals(1041, buffer.rcvNxt());
    }

    @Test
    @DisplayName("RFC 9293 §3.8.6.2.2: the right edge opens only by min(capacity/2, MSS) — MSS the smaller")
    void swsThresholdMss()
    {
        final ReceiveBuffer buffer = started(1024);
        assertEquals(1024, buffer.windowToAdvertise(100));
        offer(buffer, 0, 1024);
        assertEquals(0, buffer.windowToAdvertise(100));
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[1024]);
        buffer.read(dst, 0, 99);
        assertFalse(buffer.windowUpdateDue(100));
        assertEquals(0, buffer.windowToAdvertise(100), "99 < MSS: stay closed");
        buffer.read(dst, 0, 1);
        assertTrue(buffer.windowUpdateDue(100));
        assertEquals(100, buffer.windowToAdvertise(100));
        assertEquals(1024 + 1100, buffer.advertisedRightEdge());
    }

    @Test
    @DisplayName("RFC 1122 §4.2.3.3: the right edge opens only by min(capacity/2, MSS) — half the buffer the smaller")
    void swsThresholdHalfBuffer()
    {
        final ReceiveBuffer buffer = started(1024);
        assertEquals(1024, buffer.windowToAdvertise(1460));
        offer(buffer, 0, 1000);
        assertEquals(24, buffer.windowToAdvertise(1460), "the edge advertised stays where it was");
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[1024]);
        buffer.read(dst, 0, 511);
        assertEquals(24, buffer.windowToAdvertise(1460), "511 < 512: the edge does not move");
        buffer.read(dst, 0, 1);
        assertEquals(536, buffer.windowToAdvertise(1460));
    }

    @Test
    @DisplayName("RFC 9293 §3.8.6: the advertised right edge never moves left, even when the peer fills past it")
    void rightEdgeNeverShrinks()
    {
        final ReceiveBuffer buffer = started(64);
        assertEquals(64, buffer.windowToAdvertise(1460), "as on our SYN");
        offer(buffer, 0, 40);
        assertEquals(24, buffer.windowToAdvertise(1460));
        final int edge = buffer.advertisedRightEdge();
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[64]);
        buffer.read(dst, 0, 20); // 20 more free: below 32, so not advertised
        assertEquals(24, buffer.windowToAdvertise(1460));
        assertEquals(edge, buffer.advertisedRightEdge());
        offer(buffer, 40, 30); // the peer sends past our advertised edge into space we have
        assertEquals(1070, buffer.rcvNxt());
        assertEquals(0, buffer.windowToAdvertise(1460));
        assertEquals(1070, buffer.advertisedRightEdge());
    }

    @Test
    @DisplayName("RFC 2018 §4: SACK blocks list out-of-order ranges, the most recently received first")
    void sackBlockOrder()
    {
        final ReceiveBuffer buffer = started(256);
        final int[] left = new int[4];
        final int[] right = new int[4];
        assertEquals(0, buffer.sackBlocks(left, right, 4));
        offer(buffer, 10, 5); // A 1010..1015
        offer(buffer, 50, 5); // C 1050..1055
        offer(buffer, 30, 5); // B 1030..1035
        offer(buffer, 70, 5); // D 1070..1075
        assertEquals(3, buffer.sackBlocks(left, right, 3));
        assertArrayEquals(new int[] {1070, 1030, 1050}, Arrays.copyOf(left, 3));
        assertArrayEquals(new int[] {1075, 1035, 1055}, Arrays.copyOf(right, 3));
        offer(buffer, 11, 2); // duplicate inside A: RFC 2018 §4, the block with the triggering segment comes first
        assertEquals(ReceiveOutcome.DUPLICATE, buffer.lastOutcome());
        assertEquals(4, buffer.sackBlocks(left, right, 4));
        assertArrayEquals(new int[] {1010, 1070, 1030, 1050}, left);
        offer(buffer, 33, 20); // bridges B and C
        assertEquals(3, buffer.sackBlocks(left, right, 4));
        assertArrayEquals(new int[] {1030, 1010, 1070}, Arrays.copyOf(left, 3));
        assertArrayEquals(new int[] {1055, 1015, 1075}, Arrays.copyOf(right, 3));
        offer(buffer, 0, 10); // fills the hole to A: A leaves the SACK list
        assertEquals(2, buffer.sackBlocks(left, right, 4));
        assertArrayEquals(new int[] {1030, 1070}, Arrays.copyOf(left, 2));
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.4: past the range bound a new out-of-order segment is refused whole, cleanly")
    void rangeLimitRefusesCleanly()
    {
        final ReceiveBuffer buffer = new ReceiveBuffer(256, 4);
        buffer.start(IRS);
        for (int k = 0; k < 4; k++)
        {
            assertEquals(5, offer(buffer, 10 + 20 * k, 5));
        }
        assertEquals(ReceiveBuffer.REFUSED, offer(buffer, 100, 5));
        assertEquals(ReceiveOutcome.TOO_MANY_RANGES, buffer.lastOutcome());
        assertEquals(4, buffer.outOfOrderRangeCount());
        assertEquals(20, buffer.outOfOrderBytes());
        assertEquals(1000, buffer.rcvNxt());
        assertEquals(5, offer(buffer, 15, 5), "extending a held range needs no new range");
        assertEquals(ReceiveOutcome.OUT_OF_ORDER, buffer.lastOutcome());
        assertEquals(3, offer(buffer, 0, 3), "in-order text is always taken");
        assertEquals(ReceiveOutcome.FILLED_HOLE, buffer.lastOutcome());
        assertEquals(7, offer(buffer, 3, 7), "fills up to the first range");
        assertEquals(1020, buffer.rcvNxt());
        assertEquals(3, buffer.outOfOrderRangeCount());
        assertEquals(5, offer(buffer, 100, 5), "room again for the refused segment");
        assertArrayEquals(stream(0, 20).byteArray(), readAll(buffer));
    }

    @Test
    @DisplayName("zero-copy read: contiguous part up to the ring end, then the rest from offset 0")
    void zeroCopyAcrossWrap()
    {
        final ReceiveBuffer buffer = started(32);
        offer(buffer, 0, 20);
        buffer.consume(20);
        offer(buffer, 20, 24); // ring 20..31 then 0..11
        assertEquals(24, buffer.readable());
        assertEquals(12, buffer.readableContiguous());
        assertEquals(20, buffer.readOffset());
        for (int i = 0; i < 12; i++)
        {
            assertEquals(streamByte(20 + i), buffer.buffer().getByte(buffer.readOffset() + i));
        }
        buffer.consume(12);
        assertEquals(0, buffer.readOffset());
        assertEquals(12, buffer.readableContiguous());
        assertEquals(streamByte(32), buffer.buffer().getByte(0));
        assertThrows(IllegalArgumentException.class, () -> buffer.consume(13));
        buffer.consume(12);
        assertEquals(0, buffer.readableContiguous());
    }

    @Test
    @DisplayName("an empty segment changes nothing")
    void emptySegment()
    {
        final ReceiveBuffer buffer = started(32);
        assertEquals(0, buffer.offer(1000, new UnsafeBuffer(new byte[0]), 0, 0));
        assertEquals(ReceiveOutcome.EMPTY, buffer.lastOutcome());
        assertEquals(1000, buffer.rcvNxt());
    }
}
