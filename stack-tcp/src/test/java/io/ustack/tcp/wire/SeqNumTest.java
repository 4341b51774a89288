package io.ustack.tcp.wire;

import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeqNumTest
{
    private static final BigInteger TWO_32 = BigInteger.ONE.shiftLeft(32);

    @Test
    @DisplayName("RFC 9293 §3.4: 0xFFFFFFF0 comes before 0x10 across the 2^32 wrap")
    void wrapAround()
    {
        assertTrue(SeqNum.lt(0xFFFF_FFF0, 0x10));
        assertTrue(SeqNum.leq(0xFFFF_FFF0, 0x10));
        assertTrue(SeqNum.gt(0x10, 0xFFFF_FFF0));
        assertTrue(SeqNum.geq(0x10, 0xFFFF_FFF0));
        assertEquals(0x20, SeqNum.diff(0x10, 0xFFFF_FFF0));
        assertEquals(0x10, SeqNum.max(0x10, 0xFFFF_FFF0));
        assertEquals(0xFFFF_FFF0, SeqNum.min(0x10, 0xFFFF_FFF0));
        assertEquals(0x10, SeqNum.add(0xFFFF_FFF0, 0x20));
        assertTrue(SeqNum.inWindow(0x5, 0xFFFF_FFF0, 0x20));
        assertFalse(SeqNum.inWindow(0x10, 0xFFFF_FFF0, 0x20));
        assertEquals(0xFFFF_FFF0L, SeqNum.toUnsigned(0xFFFF_FFF0));
    }

    @Test
    @DisplayName("RFC 9293 §3.4: a window of size 0 contains nothing, not even its left edge")
    void emptyWindow()
    {
        assertFalse(SeqNum.inWindow(100, 100, 0));
        assertTrue(SeqNum.inWindow(100, 100, 1));
        assertFalse(SeqNum.inWindow(101, 100, 1));
        assertFalse(SeqNum.inWindow(99, 100, 1));
    }

    @Property(tries = 2000)
    @Label("RFC 9293 §3.4: lt is antisymmetric and irreflexive for numbers less than 2^31 apart")
    void antisymmetry(@ForAll final int a, @ForAll @IntRange(min = 1) final int distance)
    {
        final int b = a + distance; // 1 .. 2^31-1 ahead, possibly across the wrap
        assertTrue(SeqNum.lt(a, b));
        assertFalse(SeqNum.lt(b, a));
        assertTrue(SeqNum.gt(b, a));
        assertFalse(SeqNum.gt(a, b));
        assertTrue(SeqNum.leq(a, b) && !SeqNum.leq(b, a));
        assertTrue(SeqNum.geq(b, a) && !SeqNum.geq(a, b));
        assertFalse(SeqNum.lt(a, a));
        assertTrue(SeqNum.leq(a, a) && SeqNum.geq(a, a));
        assertEquals(b, SeqNum.max(a, b));
        assertEquals(b, SeqNum.max(b, a));
        assertEquals(a, SeqNum.min(a, b));
        assertEquals(a, SeqNum.min(b, a));
    }

    @Property(tries = 2000)
    @Label("RFC 9293 §3.4: comparisons agree with BigInteger arithmetic modulo 2^32 within half the space")
    void agreesWithBigInteger(
        @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) final long x,
        @ForAll @LongRange(min = -(1L << 31) + 1, max = (1L << 31) - 1) final long delta)
    {
        final long y = BigInteger.valueOf(x).add(BigInteger.valueOf(delta)).mod(TWO_32).longValueExact();
        final int a = (int)x;
        final int b = (int)y;
        assertEquals(delta > 0, SeqNum.lt(a, b));
        assertEquals(delta >= 0, SeqNum.leq(a, b));
        assertEquals(delta < 0, SeqNum.gt(a, b));
        assertEquals(delta <= 0, SeqNum.geq(a, b));
        assertEquals(delta, SeqNum.diff(b, a));
        assertEquals(b, SeqNum.add(a, (int)delta));
        assertEquals(y, SeqNum.toUnsigned(b));
    }

    @Property(tries = 2000)
    @Label("RFC 9293 §3.4: inWindow(seq, left, size) is left <= seq < left + size modulo 2^32")
    void inWindowAgreesWithLong(
        @ForAll final int left,
        @ForAll @LongRange(min = 0, max = 0x7FFF_FFFFL) final long size,
        @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) final long offsetFromLeft)
    {
        final int seq = (int)(left + offsetFromLeft);
        assertEquals(offsetFromLeft < size, SeqNum.inWindow(seq, left, (int)size));
    }
}
