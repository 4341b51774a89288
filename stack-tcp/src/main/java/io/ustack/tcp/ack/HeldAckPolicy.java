package io.ustack.tcp.ack;

import io.ustack.api.tcp.AckPolicy;

/**
 * What the policies that hold an ACK back share ({@link DelayedAckPolicy}, {@link StretchAckPolicy}); they differ
 * only in how many full-sized segments one ACK may cover and whether PSH or FIN hurries it. An ACK goes at once
 * <ul>
 *   <li>for a segment out of order, or one that fills all or part of a gap (RFC 5681 §4.2);</li>
 *   <li>for the first {@code quickAcks} segments, and again after {@link #onQuickAckRequest()} (Linux's quick-ACK
 *       mode, so slow start is not slowed by a receiver waiting);</li>
 *   <li>for PSH or FIN, when the policy says so;</li>
 *   <li>once {@code segmentsPerAck} full-sized segments' worth of bytes is unacknowledged;</li>
 * </ul>
 * and otherwise no later than {@code delayNs} after the first unacknowledged segment: later segments do not push the
 * deadline out (RFC 5681 §4.2, "within 500 ms of the arrival of the first unacknowledged packet"; RFC 9293 MUST-40).
 */
abstract class HeldAckPolicy implements AckPolicy
{
    /** RFC 1122 §4.2.3.2: the delay MUST be less than 0.5 seconds. */
    static final long MAX_DELAY_NS_EXCLUSIVE = 500_000_000L;

    private final int segmentsPerAck;
    private final long delayNs;
    private final int quickAcks;
    private final boolean ackPushOrFinNow;
    private int quickAcksLeft;
    private long unackedBytes;
    private boolean ackPending;
    private long ackDeadlineNs;

    /**
     * @param policy          what error messages call the policy's delay, e.g. "delayed-ACK"
     * @param segmentsPerAck  most full-sized segments one ACK covers
     * @param delayNs         largest delay, above 0 and below 500 ms
     * @param quickAcks       segments acknowledged at once at the start (0 for none)
     * @param ackPushOrFinNow whether PSH or FIN forces an immediate ACK
     */
    HeldAckPolicy(final String policy, final int segmentsPerAck, final long delayNs, final int quickAcks,
        final boolean ackPushOrFinNow)
    {
        if (delayNs <= 0 || delayNs >= MAX_DELAY_NS_EXCLUSIVE)
        {
            throw new IllegalArgumentException(policy + " delay must be above 0 and below 500 ms " +
                "(RFC 1122 §4.2.3.2), not " + delayNs + " ns");
        }
        if (quickAcks < 0)
        {
            throw new IllegalArgumentException("quickAcks must not be negative: " + quickAcks);
        }
        this.segmentsPerAck = segmentsPerAck;
        this.delayNs = delayNs;
        this.quickAcks = quickAcks;
        this.ackPushOrFinNow = ackPushOrFinNow;
        this.quickAcksLeft = quickAcks;
    }

    @Override
    public final int onSegmentReceived(final int segmentBytes, final boolean outOfOrder, final boolean pushOrFin,
        final int mss, final long nowNs)
    {
        unackedBytes += Math.max(segmentBytes, 0);
        if (outOfOrder)
        {
            return ACK_NOW; // RFC 5681 §4.2: duplicate ACK now, and an immediate ACK for text filling a gap
        }
        if (quickAcksLeft > 0)
        {
            return ACK_NOW; // Linux quick-ACK mode (tcp_in_quickack_mode)
        }
        if (pushOrFin && ackPushOrFinNow)
        {
            return ACK_NOW;
        }
        if (unackedBytes >= (long)segmentsPerAck * Math.max(mss, 1))
        {
            return ACK_NOW;
        }
        if (!ackPending)
        {
            ackPending = true;
            ackDeadlineNs = nowNs + delayNs; // from the first unacknowledged segment, never moved by later ones
        }
        return ACK_DELAYED;
    }

    @Override
    public final long ackDeadlineNs()
    {
        return ackDeadlineNs;
    }

    @Override
    public final void onAckSent(final long nowNs)
    {
        unackedBytes = 0;
        ackPending = false;
        if (quickAcksLeft > 0)
        {
            quickAcksLeft--; // Linux tcp_dec_quickack_mode: every ACK sent uses one
        }
    }

    @Override
    public final void onQuickAckRequest()
    {
        quickAcksLeft = Math.max(quickAcksLeft, Math.max(quickAcks, 1));
    }

    /** Quick ACKs left before holding starts. */
    public final int quickAcksLeft()
    {
        return quickAcksLeft;
    }

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + "{segmentsPerAck=" + segmentsPerAck + ", delayNs=" + delayNs +
            ", quickAcksLeft=" + quickAcksLeft + ", unackedBytes=" + unackedBytes + ", pending=" + ackPending + '}';
    }
}
