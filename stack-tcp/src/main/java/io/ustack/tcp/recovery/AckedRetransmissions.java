package io.ustack.tcp.recovery;

/**
 * The most recent retransmitted segments that the cumulative ACK has since covered: what a D-SACK arriving a moment
 * later reports when a retransmission was spurious (the original was only late). RFC 8985 §6.2 step 3 takes such a
 * D-SACK as reordering, which the sequence-order test alone misses because the late original was retransmitted.
 * A ring of {@value #CAPACITY} ranges (touching ones merged); the oldest is forgotten. No allocation after
 * construction.
 */
final class AckedRetransmissions
{
    static final int CAPACITY = 8;

    private final int[] start = new int[CAPACITY];
    private final int[] end = new int[CAPACITY];
    private int count;
    private int next;

    void clear()
    {
        count = 0;
        next = 0;
    }

    /** A retransmitted segment {@code [from, to)} was cumulatively acknowledged. */
    void add(final int from, final int to)
    {
        final int last = (next - 1) & (CAPACITY - 1);
        if (count > 0 && end[last] == from)
        {
            end[last] = to;
            return;
        }
        start[next] = from;
        end[next] = to;
        next = (next + 1) & (CAPACITY - 1);
        count = Math.min(CAPACITY, count + 1);
    }

    /** Whether {@code [from, to)} overlaps a remembered range. */
    boolean overlaps(final int from, final int to)
    {
        for (int i = 0; i < count; i++)
        {
            if (from - end[i] < 0 && start[i] - to < 0)
            {
                return true;
            }
        }
        return false;
    }
}
