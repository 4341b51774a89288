package io.ustack.tcp.recovery;

/**
 * The segments sent and not yet cumulatively acknowledged, oldest first, each with its sequence range, its last
 * transmit time and whether it was retransmitted, SACKed or judged lost (RFC 8985 §6.1: "per-segment variables"
 * {@code Segment.xmit_ts}, {@code Segment.lost}, {@code Segment.retransmitted}). A ring of parallel primitive arrays,
 * made once per connection; it doubles (rarely: only when the flight outgrows every flight before) and never
 * allocates otherwise. It starts small ({@value #INITIAL_CAPACITY} segments, about 270 bytes) because most
 * connections sit idle or move little: starting at a bulk flight's size cost every idle connection 17 KB of heap.
 *
 * <p>It also keeps the bytes it counts as in the network (Linux {@code tcp_packets_in_flight}): those neither SACKed
 * nor judged lost. A lost segment counts again once it is retransmitted.
 */
final class SentSegments
{
    static final int RETRANSMITTED = 1;
    static final int SACKED = 2;
    static final int LOST = 4;
    static final int INITIAL_CAPACITY = 16;

    private int[] start = new int[INITIAL_CAPACITY];
    private int[] end = new int[INITIAL_CAPACITY];
    private long[] xmitNs = new long[INITIAL_CAPACITY];
    private byte[] flags = new byte[INITIAL_CAPACITY];
    private int mask = INITIAL_CAPACITY - 1;
    private int head;
    private int size;
    private long inFlightBytes;

    void clear()
    {
        head = 0;
        size = 0;
        inFlightBytes = 0;
    }

    int size()
    {
        return size;
    }

    /** Bytes neither SACKed nor judged lost. */
    long inFlightBytes()
    {
        return inFlightBytes;
    }

    /** The i-th oldest segment's first sequence number. */
    int start(final int i)
    {
        return start[(head + i) & mask];
    }

    int end(final int i)
    {
        return end[(head + i) & mask];
    }

    long xmitNs(final int i)
    {
        return xmitNs[(head + i) & mask];
    }

    boolean is(final int i, final int flag)
    {
        return (flags[(head + i) & mask] & flag) != 0;
    }

    /** Sets and clears flags of the i-th segment, keeping {@link #inFlightBytes()} in step. */
    void flags(final int i, final int set, final int cleared)
    {
        final int slot = (head + i) & mask;
        final boolean countedBefore = counted(flags[slot]);
        flags[slot] = (byte)((flags[slot] | set) & ~cleared);
        final boolean countedAfter = counted(flags[slot]);
        if (countedBefore != countedAfter)
        {
            inFlightBytes += countedAfter ? length(slot) : -length(slot);
        }
    }

    /** New data left at the top of the flight. */
    void append(final int seq, final int segmentEnd, final long nowNs)
    {
        if (size == start.length)
        {
            grow();
        }
        final int slot = (head + size) & mask;
        start[slot] = seq;
        end[slot] = segmentEnd;
        xmitNs[slot] = nowNs;
        flags[slot] = 0;
        size++;
        inFlightBytes += length(slot);
    }

    /** Whether the newest segment ends at {@code seq}, or nothing is held. */
    boolean endsAt(final int seq)
    {
        return size == 0 || end[(head + size - 1) & mask] == seq;
    }

    /** Index of the first segment that ends after {@code seq}, or {@link #size()}. */
    int indexAfter(final int seq)
    {
        for (int i = 0; i < size; i++)
        {
            if (end[(head + i) & mask] - seq > 0)
            {
                return i;
            }
        }
        return size;
    }

    /** Stamps a new transmit time on the i-th segment (it went again). */
    void resent(final int i, final long nowNs)
    {
        xmitNs[(head + i) & mask] = nowNs;
        flags(i, RETRANSMITTED, SACKED | LOST);
    }

    /** Forgets the oldest segment (the cumulative ACK covered it). */
    void removeOldest()
    {
        flags(0, SACKED, 0); // no longer in flight
        head = (head + 1) & mask;
        size--;
    }

    private static boolean counted(final byte f)
    {
        return (f & (SACKED | LOST)) == 0;
    }

    private int length(final int slot)
    {
        return end[slot] - start[slot];
    }

    private void grow()
    {
        final int capacity = start.length * 2;
        final int[] newStart = new int[capacity];
        final int[] newEnd = new int[capacity];
        final long[] newXmit = new long[capacity];
        final byte[] newFlags = new byte[capacity];
        for (int i = 0; i < size; i++)
        {
            final int slot = (head + i) & mask;
            newStart[i] = start[slot];
            newEnd[i] = end[slot];
            newXmit[i] = xmitNs[slot];
            newFlags[i] = flags[slot];
        }
        start = newStart;
        end = newEnd;
        xmitNs = newXmit;
        flags = newFlags;
        mask = capacity - 1;
        head = 0;
    }
}
