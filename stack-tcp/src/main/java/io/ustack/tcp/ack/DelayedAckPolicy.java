package io.ustack.tcp.ack;

import io.ustack.api.tcp.AckPolicy;
import io.ustack.api.tcp.AckPolicyFactory;
import io.ustack.api.tcp.TcpPolicySettings;

/**
 * Delayed ACK (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2, RFC 5681 §4.2): hold the ACK for a short while so that it
 * rides on reply data or covers a second segment, but
 * <ul>
 *   <li>ACK at once when two full-sized segments' worth of data (2·MSS bytes) is unacknowledged;</li>
 *   <li>never hold an ACK longer than {@code delayMs} (default 40 ms, Linux's {@code TCP_ATO_MIN}; must be below
 *       500 ms, RFC 9293 MUST-40 / RFC 1122 §4.2.3.2), counted from the first unacknowledged segment — later
 *       segments do not push the deadline out;</li>
 *   <li>ACK at once a segment out of order or one that fills a gap (RFC 5681 §4.2);</li>
 *   <li>ACK the first {@code quickAcks} segments at once (default 16, Linux's {@code TCP_MAX_QUICKACKS}), so slow
 *       start is not slowed by the peer waiting for ACKs; {@link #onQuickAckRequest()} re-arms this;</li>
 *   <li>with {@code ackPushOrFinNow=true} (default false, as Linux and BSD do not hurry for PSH), ACK at once a
 *       segment with PSH or FIN.</li>
 * </ul>
 * Linux's interactive ("pingpong") detection and its adaptive ACK timeout are not modelled.
 */
public final class DelayedAckPolicy extends HeldAckPolicy
{
    /** The name delayed ACK is chosen by. */
    public static final String NAME = "delayed";
    /** Setting: largest ACK delay in milliseconds, 1..499. */
    public static final String DELAY_MS = "delayMs";
    /** Setting: segments acknowledged at once at the start and after {@link #onQuickAckRequest()}. */
    public static final String QUICK_ACKS = "quickAcks";
    /** Setting: whether PSH or FIN forces an immediate ACK. */
    public static final String ACK_PUSH_OR_FIN_NOW = "ackPushOrFinNow";
    /** Default delay: 40 ms. */
    public static final long DEFAULT_DELAY_NS = 40_000_000L;
    /** Default number of quick ACKs: 16. */
    public static final int DEFAULT_QUICK_ACKS = 16;
    /** RFC 1122 §4.2.3.2: the delay MUST be less than 0.5 seconds. */
    public static final long MAX_DELAY_NS_EXCLUSIVE = HeldAckPolicy.MAX_DELAY_NS_EXCLUSIVE;
    /** An ACK for at least every second full-sized segment (RFC 5681 §4.2, RFC 1122 §4.2.3.2). */
    private static final int SEGMENTS_PER_ACK = 2;

    /** Registers delayed ACK with {@link java.util.ServiceLoader}. */
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
            return new DelayedAckPolicy(DEFAULT_DELAY_NS, DEFAULT_QUICK_ACKS, false);
        }

        @Override
        public AckPolicy create(final TcpPolicySettings s)
        {
            s.requireOnly(NAME, DELAY_MS, QUICK_ACKS, ACK_PUSH_OR_FIN_NOW);
            return new DelayedAckPolicy(s.longValue(DELAY_MS, DEFAULT_DELAY_NS / 1_000_000L, 1, 499) * 1_000_000L,
                (int)s.longValue(QUICK_ACKS, DEFAULT_QUICK_ACKS, 0, 1 << 16), s.booleanValue(ACK_PUSH_OR_FIN_NOW, false));
        }
    }

    /**
     * A delayed-ACK policy.
     *
     * @param delayNs largest delay, greater than 0 and less than 500 ms
     * @param quickAcks segments acknowledged at once at the start (0 for none)
     * @param ackPushOrFinNow whether PSH or FIN forces an immediate ACK
     */
    public DelayedAckPolicy(final long delayNs, final int quickAcks, final boolean ackPushOrFinNow)
    {
        super("delayed-ACK", SEGMENTS_PER_ACK, delayNs, quickAcks, ackPushOrFinNow);
    }

    @Override
    public String name()
    {
        return NAME;
    }
}
