package io.ustack.tcp.buffer;

import io.ustack.tcp.wire.SeqNum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Received bytes waiting for the application, and out-of-order text held in place until the gap before it fills
 * (RFC 9293 §3.3.1 Figure 5, §3.10.7.4 "seventh, process the segment text").
 *
 * <pre>
 *   ring:  | readable (in order, unread) | gap | ooo range | gap | ooo range |   ...free...   |
 *          ^ readOffset()                ^ RCV.NXT                                  right edge ^
 *          |&lt;-------------------------------- capacity ----------------------------------------&gt;|
 *                                        |&lt;--------------------- window() ---------------------&gt;|
 * </pre>
 *
 * <p>The ring <em>is</em> the window: a byte with sequence number {@code s} in the window lives
 * {@code s - RCV.NXT} bytes after the end of the readable data, so out-of-order text is written straight into its
 * final place and becomes readable by moving RCV.NXT alone. Out-of-order ranges are kept sorted, disjoint and
 * non-adjacent in primitive arrays of bounded count; a byte once stored is never overwritten (a retransmission
 * only fills the gaps it covers), so duplicates and overlaps are trimmed exactly and never counted twice.
 *
 * <p>Which checks are whose: the RFC 9293 §3.10.7.4 acceptability test against the <em>advertised</em> window
 * (RCV.WND) and the ACK choice are the caller's; {@link #offer} trims only to what physically fits,
 * {@code [RCV.NXT, RCV.NXT + window())}, which is never less than what was advertised.
 *
 * <p>Single-threaded, no allocation after construction. <b>Stack side</b> (TCP input on the agent's thread):
 * {@link #start}, {@link #offer}, {@link #onFin}, {@link #rcvNxt()}, {@link #windowToAdvertise}, {@link #sackBlocks}.
 * <b>Application side</b> (the socket layer, or a zero-copy callback on the stack thread): {@link #read},
 * {@link #readable()}, {@link #readableContiguous()}, {@link #buffer()}, {@link #readOffset()}, {@link #consume},
 * {@link #eof()}.
 */
public final class ReceiveBuffer
{
    /** Default bound on out-of-order ranges held at once. */
    public static final int DEFAULT_MAX_RANGES = 64;
    /** What {@link #offer} returns when it refuses a segment ({@link ReceiveOutcome#TOO_MANY_RANGES}). */
    public static final int REFUSED = -1;

    private final RingStorage ring;
    private final int[] rangeStart;
    private final int[] rangeEnd;
    /** When each range last received a segment (a counter, not a clock): orders SACK blocks (RFC 2018 §4). */
    private final long[] rangeStamp;
    private final int maxRanges;

    private int rangeCount;
    private long stampCounter;
    /** Free-running ring position of the first unread byte. */
    private int readPosition;
    private int readable;
    private int rcvNxt;
    private int advertisedRightEdge;
    private boolean finKnown;
    private int finSeq;
    private boolean finReached;
    private ReceiveOutcome lastOutcome = ReceiveOutcome.EMPTY;

    /**
     * @param capacity bytes the buffer holds (SO_RCVBUF, the largest window it can offer): a power of two up to 2^30
     */
    public ReceiveBuffer(final int capacity)
    {
        this(capacity, DEFAULT_MAX_RANGES);
    }

    /**
     * @param capacity  bytes the buffer holds: a power of two up to 2^30
     * @param maxRanges out-of-order ranges held at most (at least 1)
     */
    public ReceiveBuffer(final int capacity, final int maxRanges)
    {
        if (maxRanges < 1)
        {
            throw new IllegalArgumentException("maxRanges " + maxRanges + ": hold at least one out-of-order range");
        }
        this.ring = new RingStorage(capacity, "receive buffer");
        this.maxRanges = maxRanges;
        this.rangeStart = new int[maxRanges];
        this.rangeEnd = new int[maxRanges];
        this.rangeStamp = new long[maxRanges];
    }

    /**
     * Stack side, when the peer's SYN is accepted: RCV.NXT = IRS + 1 (RFC 9293 §3.10.7.2/3). Discards everything
     * held, the FIN, and the advertised right edge.
     */
    public void start(final int irs)
    {
        rcvNxt = SeqNum.add(irs, 1);
        advertisedRightEdge = rcvNxt;
        readPosition = 0;
        readable = 0;
        rangeCount = 0;
        stampCounter = 0;
        finKnown = false;
        finSeq = 0;
        finReached = false;
        lastOutcome = ReceiveOutcome.EMPTY;
    }

    /** Bytes the buffer holds in all. */
    public int capacity()
    {
        return ring.capacity();
    }

    /** RCV.NXT: the next sequence number expected; one past the FIN once it is reached. */
    public int rcvNxt()
    {
        return rcvNxt;
    }

    /**
     * Free space from RCV.NXT to the end of the ring: {@code capacity - readable()}. Out-of-order text sits inside
     * this window at its own place, so it does not reduce it.
     */
    public int window()
    {
        return ring.capacity() - readable;
    }

    /**
     * Stack side: accepts a segment's text ({@code length} bytes of {@code src} from {@code offset}, first byte at
     * sequence number {@code seq}). Trims what lies before RCV.NXT, beyond {@code RCV.NXT + window()} and at or
     * after a known FIN; copies only bytes not already held; advances RCV.NXT over in-order text and any
     * out-of-order ranges it makes contiguous (and over the FIN when that is next). {@link #lastOutcome()} then says
     * what happened, for the ACK decision.
     *
     * @return bytes newly stored (each byte of the stream counted once over the connection), or {@link #REFUSED} when
     *         storing would need more than the bounded number of out-of-order ranges (nothing changed)
     */
    public int offer(final int seq, final DirectBuffer src, final int offset, final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("negative length " + length);
        }
        if (length == 0)
        {
            return outcome(ReceiveOutcome.EMPTY, 0);
        }
        int rel = SeqNum.diff(seq, rcvNxt);
        int skip = 0;
        if (rel < 0)
        {
            // RFC 9293 §3.10.7.4: text before RCV.NXT is a duplicate; keep only what lies at or after RCV.NXT.
            if (-(long)rel >= length)
            {
                return outcome(ReceiveOutcome.DUPLICATE, 0);
            }
            skip = -rel;
            rel = 0;
        }
        final int window = window();
        if (rel >= window)
        {
            return outcome(ReceiveOutcome.BEYOND_WINDOW, 0);
        }
        // RFC 9293 §3.10.7.4: trim what lies beyond the right edge of what fits.
        int len = Math.min(length - skip, window - rel);
        if (finKnown)
        {
            final int finRel = SeqNum.diff(finSeq, rcvNxt);
            if (rel >= finRel)
            {
                return outcome(ReceiveOutcome.AFTER_FIN, 0);
            }
            len = Math.min(len, finRel - rel);
        }
        return store(SeqNum.add(rcvNxt, rel), rel, src, offset + skip, len);
    }

    private int store(final int start, final int rel, final DirectBuffer src, final int srcOffset, final int len)
    {
        final int end = SeqNum.add(start, len);
        // Ranges first..last-1 overlap [start, end) or touch it; they merge with it.
        int first = 0;
        while (first < rangeCount && SeqNum.lt(rangeEnd[first], start))
        {
            first++;
        }
        int last = first;
        while (last < rangeCount && SeqNum.leq(rangeStart[last], end))
        {
            last++;
        }
        if (first == last && rel != 0 && rangeCount == maxRanges)
        {
            return outcome(ReceiveOutcome.TOO_MANY_RANGES, REFUSED);
        }

        final int stored = copyGaps(first, last, start, end, src, srcOffset);
        final boolean heldOutOfOrder = rangeCount > 0;
        final int rcvNxtBefore = rcvNxt;
        if (first == last)
        {
            if (rel == 0)
            {
                advance(len);
            }
            else
            {
                insertRange(first, start, end);
            }
        }
        else
        {
            mergeRanges(first, last, start, end);
            if (rangeStart[0] == rcvNxt)
            {
                // RFC 9293 §3.10.7.4: the gap is filled; the held text up to the next hole becomes readable.
                advance(SeqNum.diff(rangeEnd[0], rcvNxt));
                removeRanges(0, 1);
            }
        }

        final ReceiveOutcome result;
        if (rcvNxt != rcvNxtBefore)
        {
            result = heldOutOfOrder ? ReceiveOutcome.FILLED_HOLE : ReceiveOutcome.IN_ORDER;
        }
        else
        {
            result = stored == 0 ? ReceiveOutcome.DUPLICATE : ReceiveOutcome.OUT_OF_ORDER;
        }
        return outcome(result, stored);
    }

    /**
     * Copies the parts of {@code [start, end)} that ranges {@code first..last-1} do not hold: bytes already held stay
     * as first received, so they are never counted twice nor overwritten by a retransmission that differs.
     */
    private int copyGaps(
        final int first, final int last, final int start, final int end, final DirectBuffer src, final int srcOffset)
    {
        final int writePosition = readPosition + readable;
        int stored = 0;
        int cursor = start;
        for (int k = first; k < last; k++)
        {
            if (SeqNum.lt(cursor, rangeStart[k]))
            {
                stored += copyGap(writePosition, cursor, rangeStart[k], start, src, srcOffset);
            }
            cursor = SeqNum.max(cursor, rangeEnd[k]);
        }
        if (SeqNum.lt(cursor, end))
        {
            stored += copyGap(writePosition, cursor, end, start, src, srcOffset);
        }
        return stored;
    }

    private int copyGap(
        final int writePosition, final int from, final int to, final int start, final DirectBuffer src, final int srcOffset)
    {
        final int n = SeqNum.diff(to, from);
        ring.copyIn(writePosition + SeqNum.diff(from, rcvNxt), src, srcOffset + SeqNum.diff(from, start), n);
        return n;
    }

    private void advance(final int n)
    {
        rcvNxt = SeqNum.add(rcvNxt, n);
        readable += n;
        passFinIfNext();
    }

    private void passFinIfNext()
    {
        if (finKnown && !finReached && rcvNxt == finSeq)
        {
            // RFC 9293 §3.10.7.4 "eighth, check the FIN bit": advance RCV.NXT over the FIN.
            rcvNxt = SeqNum.add(rcvNxt, 1);
            finReached = true;
        }
    }

    private void insertRange(final int at, final int start, final int end)
    {
        final int tail = rangeCount - at;
        System.arraycopy(rangeStart, at, rangeStart, at + 1, tail);
        System.arraycopy(rangeEnd, at, rangeEnd, at + 1, tail);
        System.arraycopy(rangeStamp, at, rangeStamp, at + 1, tail);
        rangeStart[at] = start;
        rangeEnd[at] = end;
        rangeStamp[at] = ++stampCounter;
        rangeCount++;
    }

    private void mergeRanges(final int first, final int last, final int start, final int end)
    {
        rangeStart[first] = SeqNum.min(start, rangeStart[first]);
        rangeEnd[first] = SeqNum.max(end, rangeEnd[last - 1]);
        rangeStamp[first] = ++stampCounter;
        removeRanges(first + 1, last);
    }

    private void removeRanges(final int from, final int to)
    {
        final int tail = rangeCount - to;
        System.arraycopy(rangeStart, to, rangeStart, from, tail);
        System.arraycopy(rangeEnd, to, rangeEnd, from, tail);
        System.arraycopy(rangeStamp, to, rangeStamp, from, tail);
        rangeCount -= to - from;
    }

    private int outcome(final ReceiveOutcome outcome, final int result)
    {
        lastOutcome = outcome;
        return result;
    }

    /** What the last {@link #offer} did (for the ACK decision). */
    public ReceiveOutcome lastOutcome()
    {
        return lastOutcome;
    }

    /**
     * Stack side, on a segment with FIN set: the FIN occupies {@code finSeq} (SEG.SEQ + text length). It may arrive
     * before the text that precedes it; it is remembered and RCV.NXT passes over it when the text up to it is in.
     *
     * @return true if recorded (or the same FIN again); false if inconsistent with what is known — a different FIN
     *         already recorded, a FIN before RCV.NXT or beyond the window, or text already held after it — in which
     *         case nothing changed
     */
    public boolean onFin(final int finSeq)
    {
        if (finKnown)
        {
            return finSeq == this.finSeq;
        }
        final int rel = SeqNum.diff(finSeq, rcvNxt);
        if (rel < 0 || rel > window() || (rangeCount > 0 && SeqNum.gt(rangeEnd[rangeCount - 1], finSeq)))
        {
            return false;
        }
        this.finKnown = true;
        this.finSeq = finSeq;
        passFinIfNext();
        return true;
    }

    /** Whether RCV.NXT has passed the peer's FIN: no more text will come (the state machine's "FIN received"). */
    public boolean finReached()
    {
        return finReached;
    }

    /** Application side: end of stream — the FIN has been reached and every byte before it has been read. */
    public boolean eof()
    {
        return finReached && readable == 0;
    }

    // ---- window advertisement -----------------------------------------------------------------------------------

    /**
     * Stack side, when building any segment that carries our window: the window to advertise, with receiver-side
     * silly window syndrome avoidance (RFC 9293 §3.8.6.2.2, RFC 1122 §4.2.3.3). The right edge moves forward only
     * when it can move by at least {@code min(capacity / 2, mss)}; it never moves back (RFC 9293 §3.8.6, MUST-34
     * shrinking the window is strongly discouraged). Records the right edge advertised.
     *
     * @param mss the effective send MSS of the peer (Eff.snd.MSS), at least 1
     * @return the window in bytes (unscaled; the caller applies the window-scale shift)
     */
    public int windowToAdvertise(final int mss)
    {
        if (windowUpdateDue(mss))
        {
            advertisedRightEdge = SeqNum.add(rcvNxt, window());
        }
        else if (SeqNum.lt(advertisedRightEdge, rcvNxt))
        {
            advertisedRightEdge = rcvNxt; // the peer filled past the old edge; nothing opens yet
        }
        return SeqNum.diff(advertisedRightEdge, rcvNxt);
    }

    /**
     * Stack side, after the application read: whether {@link #windowToAdvertise(int)} would now move the right edge
     * (RFC 9293 §3.8.6.2.2: {@code RCV.BUFF - RCV.USER - RCV.WND >= min(Fr * RCV.BUFF, Eff.snd.MSS)}), i.e. whether a
     * window update is worth sending. Changes nothing.
     */
    public boolean windowUpdateDue(final int mss)
    {
        if (mss < 1)
        {
            throw new IllegalArgumentException("mss " + mss + ": must be at least 1");
        }
        final int offered = Math.max(0, SeqNum.diff(advertisedRightEdge, rcvNxt));
        return window() - offered >= Math.min(ring.capacity() >> 1, mss);
    }

    /** The right edge (RCV.NXT + RCV.WND) last returned by {@link #windowToAdvertise(int)}. */
    public int advertisedRightEdge()
    {
        return advertisedRightEdge;
    }

    // ---- SACK ---------------------------------------------------------------------------------------------------

    /**
     * Stack side: fills SACK blocks (RFC 2018 §3, §4) with the out-of-order ranges held, the range that most recently
     * received a segment first (so the first block contains the segment that triggered this ACK when it did not
     * advance RCV.NXT), then the others by recency.
     *
     * @return blocks written: at most {@code max}, the arrays' lengths and {@link #outOfOrderRangeCount()}
     */
    public int sackBlocks(final int[] leftEdges, final int[] rightEdges, final int max)
    {
        final int n = Math.min(Math.min(max, rangeCount), Math.min(leftEdges.length, rightEdges.length));
        long newerThan = Long.MAX_VALUE;
        for (int b = 0; b < n; b++)
        {
            int pick = -1;
            for (int k = 0; k < rangeCount; k++)
            {
                if (rangeStamp[k] < newerThan && (pick < 0 || rangeStamp[k] > rangeStamp[pick]))
                {
                    pick = k;
                }
            }
            leftEdges[b] = rangeStart[pick];
            rightEdges[b] = rangeEnd[pick];
            newerThan = rangeStamp[pick];
        }
        return n;
    }

    /** Out-of-order ranges held now. */
    public int outOfOrderRangeCount()
    {
        return rangeCount;
    }

    /** Out-of-order bytes held now (a loop over at most the range bound). */
    public int outOfOrderBytes()
    {
        int bytes = 0;
        for (int k = 0; k < rangeCount; k++)
        {
            bytes += SeqNum.diff(rangeEnd[k], rangeStart[k]);
        }
        return bytes;
    }

    /**
     * First sequence number of out-of-order range {@code k} ({@code 0 <= k < outOfOrderRangeCount()}), the ranges
     * in sequence order: what a receiver already holds, to find the duplicates a D-SACK reports (RFC 2883 §4).
     */
    public int outOfOrderStart(final int k)
    {
        return rangeStart[k];
    }

    /** The sequence number after out-of-order range {@code k} (see {@link #outOfOrderStart}). */
    public int outOfOrderEnd(final int k)
    {
        return rangeEnd[k];
    }

    // ---- application side ---------------------------------------------------------------------------------------

    /** Bytes in order and unread. */
    public int readable()
    {
        return readable;
    }

    /**
     * Application side: copies up to {@code maxLength} readable bytes into {@code dst} and consumes them.
     *
     * @return bytes read (0 when none are readable: check {@link #eof()})
     */
    public int read(final MutableDirectBuffer dst, final int dstOffset, final int maxLength)
    {
        if (maxLength < 0)
        {
            throw new IllegalArgumentException("negative maxLength " + maxLength);
        }
        final int n = Math.min(readable, maxLength);
        if (n > 0)
        {
            ring.copyOut(readPosition, dst, dstOffset, n);
            consume(n);
        }
        return n;
    }

    /**
     * Application side, zero copy: readable bytes that lie contiguously in {@link #buffer()} from
     * {@link #readOffset()} (the rest, if any, continues at offset 0 after {@link #consume(int)}).
     */
    public int readableContiguous()
    {
        return Math.min(readable, ring.toEnd(readPosition));
    }

    /** Application side, zero copy: the ring itself, to read (never to write) from {@link #readOffset()}. */
    public DirectBuffer buffer()
    {
        return ring.buffer();
    }

    /** Application side, zero copy: the index in {@link #buffer()} of the first unread byte. */
    public int readOffset()
    {
        return ring.index(readPosition);
    }

    /**
     * Application side: marks {@code n} readable bytes as read (after zero-copy access), opening the window.
     *
     * @throws IllegalArgumentException if {@code n} is negative or more than {@link #readable()}
     */
    public void consume(final int n)
    {
        if (n < 0 || n > readable)
        {
            throw new IllegalArgumentException("consume " + n + " with " + readable + " readable");
        }
        readPosition += n;
        readable -= n;
    }
}
