package io.ustack.tcp.wire;

/**
 * Arithmetic in the 32-bit sequence number space (RFC 9293 §3.4): sequence numbers are {@code int}s that wrap
 * modulo 2^32, so {@code 0xFFFF_FFF0} comes <em>before</em> {@code 0x0000_0010}.
 *
 * <p><b>Nobody compares sequence numbers with {@code <}, {@code >}, {@code Math.max} or
 * {@code Integer.compareUnsigned}</b>: those are wrong as soon as a connection's numbers cross 2^32 (every 4 GiB, and
 * at any moment for a random ISN). Compare with the helpers here, which look at the sign of the 32-bit difference
 * ({@code a - b < 0}), as RFC 9293 §3.4 ("the symbol '=<' means 'less than or equal' (modulo 2**32)"), RFC 1982 and
 * Linux's {@code before()}/{@code after()} do.
 *
 * <p>The comparison is meaningful when the two numbers are less than 2^31 apart, which TCP guarantees (windows are
 * at most 2^30 with RFC 7323 scaling, and RFC 7323 §5 PAWS keeps old duplicates out). At exactly 2^31 apart the order
 * is undefined (RFC 1982 §3.2): here {@code lt(a, b)} and {@code lt(b, a)} are then both true.
 */
public final class SeqNum
{
    private SeqNum()
    {
    }

    /** {@code a < b} in sequence space. */
    public static boolean lt(final int a, final int b)
    {
        return a - b < 0;
    }

    /** {@code a <= b} in sequence space. */
    public static boolean leq(final int a, final int b)
    {
        return a - b <= 0;
    }

    /** {@code a > b} in sequence space. */
    public static boolean gt(final int a, final int b)
    {
        return a - b > 0;
    }

    /** {@code a >= b} in sequence space. */
    public static boolean geq(final int a, final int b)
    {
        return a - b >= 0;
    }

    /**
     * {@code left <= seq < left + size} modulo 2^32: the RFC 9293 §3.4 acceptability test of one sequence number
     * against a window ({@code RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND}).
     *
     * @param size window size in bytes, taken as unsigned; a size of 0 contains nothing
     */
    public static boolean inWindow(final int seq, final int left, final int size)
    {
        return Integer.compareUnsigned(seq - left, size) < 0;
    }

    /** The later of {@code a} and {@code b} in sequence space. */
    public static int max(final int a, final int b)
    {
        return a - b >= 0 ? a : b;
    }

    /** The earlier of {@code a} and {@code b} in sequence space. */
    public static int min(final int a, final int b)
    {
        return a - b <= 0 ? a : b;
    }

    /** {@code seq + delta} modulo 2^32. */
    public static int add(final int seq, final int delta)
    {
        return seq + delta;
    }

    /**
     * How far {@code a} is after {@code b}: the signed distance {@code a - b}, meaningful when they are less than
     * 2^31 apart (negative when {@code a} comes first).
     */
    public static int diff(final int a, final int b)
    {
        return a - b;
    }

    /** The sequence number as the unsigned value printed in traces ({@code 0 .. 2^32-1}). */
    public static long toUnsigned(final int seq)
    {
        return seq & 0xFFFF_FFFFL;
    }
}
