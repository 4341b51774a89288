package io.ustack.tcp;

import io.ustack.tcp.wire.SeqNum;

/**
 * The receiver's D-SACK (RFC 2883 §4): the duplicate range the next ACK reports in its first SACK block, once. One
 * per control block, made once and reused; nothing allocated.
 *
 * <p>RFC 2883 §4 (b): each duplicate contiguous sequence is reported in at most one D-SACK block, so a range is
 * forgotten as soon as a segment carried it ({@link #sent()}). A second duplicate that arrives before the ACK goes
 * out extends the pending range when it touches it (Linux {@code tcp_dsack_extend}); when it does not, the caller
 * sends the pending one first ({@link #record} returns false) so neither goes unreported.
 */
final class DsackReport
{
    private boolean pending;
    private int left;
    private int right;

    /** Whether a duplicate range waits for the next ACK. */
    boolean pending()
    {
        return pending;
    }

    /** First duplicate sequence number (RFC 2883 §4 (c): the D-SACK block's left edge). */
    int left()
    {
        return left;
    }

    /** The sequence number after the duplicate range (the block's right edge). */
    int right()
    {
        return right;
    }

    /**
     * Remembers {@code [from, to)} for the next ACK: taken when nothing is pending, merged when it overlaps or touches
     * the pending range.
     *
     * @return false (nothing changed) when a different, disjoint range is pending: send that one first
     */
    boolean record(final int from, final int to)
    {
        if (!pending)
        {
            pending = true;
            left = from;
            right = to;
            return true;
        }
        if (SeqNum.gt(from, right) || SeqNum.lt(to, left))
        {
            return false;
        }
        left = SeqNum.min(left, from);
        right = SeqNum.max(right, to);
        return true;
    }

    /** A segment carried the range: RFC 2883 §4 (b), it is not reported again. */
    void sent()
    {
        pending = false;
    }

    /** Forgets the range unsent (a new connection in the pooled block). */
    void clear()
    {
        pending = false;
    }
}
