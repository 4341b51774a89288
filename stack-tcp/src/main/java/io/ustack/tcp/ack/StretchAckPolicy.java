package io.ustack.tcp.ack;

import io.ustack.api.tcp.AckPolicy;
import io.ustack.api.tcp.AckPolicyFactory;
import io.ustack.api.tcp.TcpPolicySettings;

/**
 * Bounded stretch ACK: one ACK for up to {@code maxSegments} full-sized segments in order, instead of one for every
 * second (what {@link DelayedAckPolicy} does, after RFC 5681 §4.2's "SHOULD" and RFC 1122 §4.2.3.2). Fewer ACKs cost
 * the receiver fewer segments to build and send, and the sender fewer to process, which matters on a bulk transfer
 * where every ACK is a system call on our side and a softirq on the kernel's. RFC 2525 §2.13 calls ACKing less often
 * than every second segment "stretch ACK violation" because a sender growing cwnd per ACK grows it slower; senders
 * counting bytes (RFC 3465, Linux) are not slowed, and the bounds below keep the cost to a sender that is not:
 * <ul>
 *   <li>at most {@code maxSegments}·MSS bytes unacknowledged (default 8 segments, a quarter of what Linux's GRO
 *       receivers commonly cover with one ACK);</li>
 *   <li>never longer than {@code delayMs} after the first unacknowledged segment (default 1 ms, far below RFC 9293
 *       MUST-40's 500 ms and Linux's 40 ms: a sender held by its window is not held long); later segments do not push
 *       the deadline out;</li>
 *   <li>at once for a segment out of order or one that fills a gap (RFC 5681 §4.2), so loss recovery sees every
 *       duplicate ACK;</li>
 *   <li>at once for a segment with PSH or FIN: the sender wrote no more for now, so nothing else is coming to ride
 *       on (unlike {@link DelayedAckPolicy}, which by default waits on PSH as Linux does);</li>
 *   <li>at once for the first {@code quickAcks} segments (default 16) and after {@link #onQuickAckRequest()}, as
 *       Linux's quick-ACK mode, so slow start is not slowed at the start or after idle.</li>
 * </ul>
 * Window updates after the application reads are not this policy's decision: the connection sends them at once when
 * the window opens by enough (RFC 9293 §3.8.6.2.2), whatever the policy holds. Because the connection sends owed ACKs
 * at the end of its duty cycle, a receive batch larger than {@code maxSegments} is still acknowledged once.
 */
public final class StretchAckPolicy extends HeldAckPolicy
{
    /** The name stretch ACK is chosen by. */
    public static final String NAME = "stretch";
    /** Setting: most full-sized segments one ACK covers, 2..64. */
    public static final String MAX_SEGMENTS = "maxSegments";
    /** Setting: largest ACK delay in milliseconds, 1..499. */
    public static final String DELAY_MS = "delayMs";
    /** Setting: segments acknowledged at once at the start and after {@link #onQuickAckRequest()}. */
    public static final String QUICK_ACKS = "quickAcks";
    /** Default segments per ACK: 8. */
    public static final int DEFAULT_MAX_SEGMENTS = 8;
    /** Most segments per ACK a setting may ask for. */
    public static final int MAX_MAX_SEGMENTS = 64;
    /** Default delay: 1 ms. */
    public static final long DEFAULT_DELAY_NS = 1_000_000L;

    /** Registers stretch ACK with {@link java.util.ServiceLoader}. */
    public static final class Factory implements AckPolicyFactory
    {
        @Override
        public String name()
        {
            return NAME;
        }

        @Override
        public AckPolicy create()
        {
            return new StretchAckPolicy(DEFAULT_MAX_SEGMENTS, DEFAULT_DELAY_NS, DelayedAckPolicy.DEFAULT_QUICK_ACKS);
        }

        @Override
        public AckPolicy create(final TcpPolicySettings s)
        {
            s.requireOnly(NAME, MAX_SEGMENTS, DELAY_MS, QUICK_ACKS);
            return new StretchAckPolicy((int)s.longValue(MAX_SEGMENTS, DEFAULT_MAX_SEGMENTS, 2, MAX_MAX_SEGMENTS),
                s.longValue(DELAY_MS, DEFAULT_DELAY_NS / 1_000_000L, 1, 499) * 1_000_000L,
                (int)s.longValue(QUICK_ACKS, DelayedAckPolicy.DEFAULT_QUICK_ACKS, 0, 1 << 16));
        }
    }

    /**
     * A stretch-ACK policy.
     *
     * @param maxSegments most full-sized segments one ACK covers, 2 to {@value #MAX_MAX_SEGMENTS}
     * @param delayNs     largest delay, above 0 and below 500 ms (RFC 1122 §4.2.3.2)
     * @param quickAcks   segments acknowledged at once at the start (0 for none)
     */
    public StretchAckPolicy(final int maxSegments, final long delayNs, final int quickAcks)
    {
        super("stretch-ACK", requireSegments(maxSegments), delayNs, quickAcks, true);
    }

    private static int requireSegments(final int maxSegments)
    {
        if (maxSegments < 2 || maxSegments > MAX_MAX_SEGMENTS)
        {
            throw new IllegalArgumentException("stretch ACK covers 2 to " + MAX_MAX_SEGMENTS +
                " segments, not " + maxSegments);
        }
        return maxSegments;
    }

    @Override
    public String name()
    {
        return NAME;
    }
}
