package io.ustack.api.tcp;

/**
 * The data sender's record of which bytes above SND.UNA the receiver holds, from SACK blocks (RFC 2018 §5, RFC 6675
 * §3 "scoreboard"): a sorted list of disjoint ranges {@code [left, right)}, merged as blocks arrive, trimmed as the
 * cumulative ACK passes them. Fixed capacity, no allocation after construction.
 *
 * <p>Untrusted input: a block whose right edge is not after its left, that reaches beyond what was sent, or that
 * lies wholly at or below SND.UNA is not recorded. The last kind is how a D-SACK (RFC 2883 §4) below the cumulative
 * ACK reports a duplicate; a D-SACK inside a range already SACKed merges into it and adds nothing. Both are counted
 * by {@link #duplicateReports()} and never make data look received that was not. When more disjoint ranges arrive
 * than fit, the highest are forgotten: the sender then retransmits a little more, never less, than it must
 * (RFC 2018 §8 lets the sender treat SACK information as advisory).
 */
public final class SackScoreboard
{
    /** Disjoint ranges kept by default. */
    public static final int DEFAULT_CAPACITY = 64;

    private final int[] left;
    private final int[] right;
    private int count;
    private long sackedBytes;
    private long duplicateReports;

    /** A scoreboard of {@link #DEFAULT_CAPACITY} ranges. */
    public SackScoreboard()
    {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param capacity most disjoint ranges kept, at least 4 (one SACK option's worth)
     */
    public SackScoreboard(final int capacity)
    {
        if (capacity < 4)
        {
            throw new IllegalArgumentException("scoreboard capacity " + capacity + " is below 4 SACK blocks");
        }
        left = new int[capacity];
        right = new int[capacity];
    }

    /** Forgets everything (new connection, or the receiver reneged). */
    public void clear()
    {
        count = 0;
        sackedBytes = 0;
    }

    /**
     * Records one SACK block.
     *
     * @param blockLeft  first sequence number the block covers
     * @param blockRight sequence number after its last byte
     * @param sndUna     SND.UNA after this ACK's cumulative acknowledgement
     * @param sndMax     highest sequence number sent, plus one
     * @return bytes newly marked SACKed (0 for a duplicate report or an invalid block)
     */
    public int onBlock(final int blockLeft, final int blockRight, final int sndUna, final int sndMax)
    {
        if (blockRight - blockLeft <= 0 || blockRight - sndMax > 0)
        {
            return 0; // empty, inverted, or about data never sent: not something the receiver can hold
        }
        if (blockRight - sndUna <= 0)
        {
            duplicateReports++; // RFC 2883 §4: a block below the cumulative ACK reports a duplicate segment
            return 0;
        }
        final int from = blockLeft - sndUna < 0 ? sndUna : blockLeft;
        final int added = insert(from, blockRight);
        if (added == 0)
        {
            duplicateReports++; // RFC 2883 §4: a block inside what was SACKed already reports a duplicate
        }
        return added;
    }

    /**
     * The cumulative ACK moved to {@code sndUna}: forget what lies below it.
     *
     * @param sndUna the new SND.UNA
     */
    public void onCumulativeAck(final int sndUna)
    {
        int drop = 0;
        while (drop < count && right[drop] - sndUna <= 0)
        {
            sackedBytes -= right[drop] - left[drop];
            drop++;
        }
        if (drop > 0)
        {
            System.arraycopy(left, drop, left, 0, count - drop);
            System.arraycopy(right, drop, right, 0, count - drop);
            count -= drop;
        }
        if (count > 0 && left[0] - sndUna < 0)
        {
            sackedBytes -= sndUna - left[0];
            left[0] = sndUna;
        }
    }

    /** Merges {@code [from, to)} in; returns the bytes it added (not counting a range forgotten to make room). */
    private int insert(final int from, final int to)
    {
        // First range that ends at or after 'from' (ranges are sorted and disjoint).
        int i = 0;
        while (i < count && right[i] - from < 0)
        {
            i++;
        }
        int newLeft = from;
        int newRight = to;
        int j = i;
        long covered = 0;
        while (j < count && left[j] - newRight <= 0)
        {
            // overlapping or adjacent: merge
            newLeft = left[j] - newLeft < 0 ? left[j] : newLeft;
            newRight = right[j] - newRight > 0 ? right[j] : newRight;
            covered += right[j] - left[j];
            j++;
        }
        final int merged = j - i;
        if (merged == 0 && count == left.length)
        {
            if (i == count)
            {
                return 0; // full and above every range: forget the new one (advisory, RFC 2018 §8)
            }
            count--; // full: forget the highest range to make room
            sackedBytes -= right[count] - left[count];
        }
        final int shift = 1 - merged;
        if (shift != 0)
        {
            System.arraycopy(left, j, left, j + shift, count - j);
            System.arraycopy(right, j, right, j + shift, count - j);
            count += shift;
        }
        left[i] = newLeft;
        right[i] = newRight;
        final int added = (int)(newRight - newLeft - covered);
        sackedBytes += added;
        return added;
    }

    /** Disjoint SACKed ranges held, sorted by sequence number. */
    public int rangeCount()
    {
        return count;
    }

    /** Left edge of range {@code i} ({@code i < rangeCount()}), ranges in ascending order. */
    public int left(final int i)
    {
        return left[i];
    }

    /** Right edge (after the last byte) of range {@code i}. */
    public int right(final int i)
    {
        return right[i];
    }

    /** Bytes SACKed above SND.UNA. */
    public long sackedBytes()
    {
        return sackedBytes;
    }

    /** D-SACK reports (RFC 2883) and other blocks that told nothing new, since construction. */
    public long duplicateReports()
    {
        return duplicateReports;
    }

    /** Whether the byte at {@code seq} was SACKed. */
    public boolean isSacked(final int seq)
    {
        for (int i = 0; i < count; i++)
        {
            if (seq - left[i] >= 0 && seq - right[i] < 0)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The end of the SACKed range holding {@code seq}, or {@code seq} itself when that byte is not SACKed: where a
     * sender walking forward from {@code seq} finds unSACKed data again.
     */
    public int skipSacked(final int seq)
    {
        for (int i = 0; i < count; i++)
        {
            if (seq - left[i] >= 0 && seq - right[i] < 0)
            {
                return right[i];
            }
        }
        return seq;
    }

    /**
     * The first SACKed byte at or after {@code seq}, or {@code limit} when none lies before it: where a hole starting
     * at {@code seq} ends.
     */
    public int nextSackedAtOrAfter(final int seq, final int limit)
    {
        for (int i = 0; i < count; i++)
        {
            if (right[i] - seq > 0)
            {
                final int start = left[i] - seq > 0 ? left[i] : seq;
                return start - limit < 0 ? start : limit;
            }
        }
        return limit;
    }

    /** SACKed bytes within {@code [from, to)}. */
    public long sackedBetween(final int from, final int to)
    {
        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            final int l = left[i] - from > 0 ? left[i] : from;
            final int r = right[i] - to < 0 ? right[i] : to;
            if (r - l > 0)
            {
                bytes += r - l;
            }
        }
        return bytes;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("SackScoreboard[");
        for (int i = 0; i < count; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(Integer.toUnsignedString(left[i])).append('-')
                .append(Integer.toUnsignedString(right[i]));
        }
        return sb.append(']').toString();
    }
}
