package io.ustack.tcp.rto;

import io.ustack.api.tcp.RtoEstimator;
import io.ustack.api.tcp.RtoEstimatorFactory;
import io.ustack.api.tcp.TcpPolicySettings;

/**
 * A retransmission timeout that does not follow the RTT, for experiments: always {@code rtoMs}, doubled on each expiry
 * up to {@code maxRtoMs} (RFC 6298 §5.5) unless {@code backoff=false}, and back to {@code rtoMs} on the next valid
 * sample. SRTT and RTTVAR are still smoothed as RFC 6298 §2 says, for statistics only.
 *
 * <p>Settings: {@code rtoMs} (1000), {@code maxRtoMs} (60000), {@code backoff} (true).
 */
public final class FixedRtoEstimator implements RtoEstimator
{
    /** The name this estimator is chosen by. */
    public static final String NAME = "fixed";
    /** Setting: the RTO in milliseconds. */
    public static final String RTO_MS = "rtoMs";
    /** Setting: the backoff cap in milliseconds. */
    public static final String MAX_RTO_MS = "maxRtoMs";
    /** Setting: whether expiries double the RTO. */
    public static final String BACKOFF = "backoff";

    private static final long MS = 1_000_000L;

    /** Registers the fixed estimator with {@link java.util.ServiceLoader}. */
    public static final class Factory implements RtoEstimatorFactory
    {
        @Override
        public String name()
        {
            return NAME;
        }

        @Override
        public RtoEstimator create()
        {
            return create(TcpPolicySettings.EMPTY);
        }

        @Override
        public RtoEstimator create(final TcpPolicySettings s)
        {
            s.requireOnly(NAME, RTO_MS, MAX_RTO_MS, BACKOFF);
            final long rtoMs = s.longValue(RTO_MS, 1_000, 1, 3_600_000);
            return new FixedRtoEstimator(rtoMs * MS,
                s.longValue(MAX_RTO_MS, Math.max(60_000, rtoMs), rtoMs, 3_600_000) * MS, s.booleanValue(BACKOFF, true));
        }
    }

    private final long fixedRtoNs;
    private final long maxRtoNs;
    private final boolean backoff;
    private long rtoNs;
    private int backoffs;
    private long srttNs;
    private long rttVarNs;
    private boolean hasSample;

    /**
     * A fixed RTO.
     *
     * @param rtoNs the RTO
     * @param maxRtoNs the cap on backoff
     * @param backoff whether an expiry doubles the RTO
     */
    public FixedRtoEstimator(final long rtoNs, final long maxRtoNs, final boolean backoff)
    {
        if (rtoNs <= 0 || maxRtoNs < rtoNs)
        {
            throw new IllegalArgumentException("fixed RTO needs 0 < rto <= max, not rto=" + rtoNs + " max=" +
                maxRtoNs + " ns");
        }
        this.fixedRtoNs = rtoNs;
        this.maxRtoNs = maxRtoNs;
        this.backoff = backoff;
        this.rtoNs = rtoNs;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public void onRttSample(final long rttNs, final long nowNs)
    {
        if (rttNs < 0)
        {
            return; // RFC 6298 §3 (Karn)
        }
        if (!hasSample)
        {
            srttNs = rttNs; // RFC 6298 §2.2, statistics only
            rttVarNs = rttNs / 2;
            hasSample = true;
        }
        else
        {
            rttVarNs = (3 * rttVarNs + Math.abs(srttNs - rttNs)) / 4; // RFC 6298 §2.3, statistics only
            srttNs = (7 * srttNs + rttNs) / 8;
        }
        rtoNs = fixedRtoNs;
        backoffs = 0;
    }

    @Override
    public long rtoNs()
    {
        return rtoNs;
    }

    @Override
    public void onTimeout()
    {
        if (backoff)
        {
            rtoNs = Math.min(rtoNs * 2, maxRtoNs); // RFC 6298 §5.5
            backoffs++;
        }
    }

    @Override
    public int backoffs()
    {
        return backoffs;
    }

    @Override
    public long srttNs()
    {
        return srttNs;
    }

    @Override
    public long rttVarNs()
    {
        return rttVarNs;
    }

    @Override
    public boolean hasSample()
    {
        return hasSample;
    }

    @Override
    public String toString()
    {
        return "FixedRtoEstimator{rtoNs=" + rtoNs + ", backoffs=" + backoffs + '}';
    }
}
