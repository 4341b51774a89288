package io.ustack.tcp.ack;

import io.ustack.api.tcp.AckPolicy;
import io.ustack.api.tcp.AckPolicyFactory;

/**
 * Acknowledge every segment at once: RFC 9293 without the optional delayed ACK (§3.8.6.3 "SHOULD", not MUST). Doubles
 * the ACK count of a bulk transfer; useful as a baseline and to take delayed-ACK timing out of an experiment.
 *
 * <p>Also registered as {@value #QUICKACK_NAME}: Linux's quick-ACK mode held for the whole connection (what
 * {@code TCP_QUICKACK} asks for) decides the same per segment, since the SPI has no batch in which quick ACKs could
 * coalesce; the name lets an experiment say what it means.
 */
public final class ImmediateAckPolicy implements AckPolicy
{
    /** The name immediate ACK is chosen by. */
    public static final String NAME = "immediate";
    /** Linux's name for the same behaviour. */
    public static final String QUICKACK_NAME = "quickack";

    /** Registers Linux's name with {@link java.util.ServiceLoader}. */
    public static final class QuickAckFactory implements AckPolicyFactory
    {
        @Override
        public String name()
        {
            return QUICKACK_NAME;
        }

        @Override
        public AckPolicy create()
        {
            return new ImmediateAckPolicy(QUICKACK_NAME);
        }
    }

    /** Registers immediate ACK with {@link java.util.ServiceLoader}. */
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
            return new ImmediateAckPolicy(NAME);
        }
    }

    private final String name;
    private long lastSegmentNs;

    /** An immediate-ACK policy reporting {@code name} ({@link #NAME} or {@link #QUICKACK_NAME}). */
    public ImmediateAckPolicy(final String name)
    {
        this.name = name;
    }

    /** An immediate-ACK policy named {@link #NAME}. */
    public ImmediateAckPolicy()
    {
        this(NAME);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public int onSegmentReceived(final int segmentBytes, final boolean outOfOrder, final boolean pushOrFin,
        final int mss, final long nowNs)
    {
        lastSegmentNs = nowNs;
        return ACK_NOW;
    }

    /** The arrival time of the last segment: nothing is ever delayed. */
    @Override
    public long ackDeadlineNs()
    {
        return lastSegmentNs;
    }

    @Override
    public void onAckSent(final long nowNs)
    {
    }

    @Override
    public void onQuickAckRequest()
    {
    }
}
