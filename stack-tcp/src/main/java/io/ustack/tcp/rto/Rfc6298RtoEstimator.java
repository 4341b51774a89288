package io.ustack.tcp.rto;

import io.ustack.api.tcp.RtoEstimator;
import io.ustack.api.tcp.RtoEstimatorFactory;
import io.ustack.api.tcp.TcpPolicySettings;

/**
 * The retransmission timeout of RFC 6298: SRTT and RTTVAR with α = 1/8 and β = 1/4, RTO = SRTT + max(G, K·RTTVAR)
 * with K = 4, at least 1 s, at most 60 s, doubled on each expiry.
 *
 * <p>Settings (all optional): {@code initialRtoMs} (1000, §2.1), {@code minRtoMs} (1000, §2.4), {@code maxRtoMs}
 * (60000, §2.5: "at least 60 seconds"), {@code granularityUs} (G, the timer's tick: 1000, §4), and
 * {@code synFallbackRtoMs} (3000, §5.7; 0 turns the rule off). Times are kept in nanoseconds, so the integer
 * arithmetic loses nothing that matters.
 *
 * <p>§5.7: when the retransmission timer expired during the handshake and the RTO is below 3 s,
 * {@link #onHandshakeComplete(boolean)} sets it to 3 s; the next valid sample recomputes it (§5, note after 5.7).
 */
public final class Rfc6298RtoEstimator implements RtoEstimator
{
    /** The name this estimator is chosen by. */
    public static final String NAME = "rfc6298";
    /** Setting: initial RTO in milliseconds. */
    public static final String INITIAL_RTO_MS = "initialRtoMs";
    /** Setting: lower bound of the RTO in milliseconds. */
    public static final String MIN_RTO_MS = "minRtoMs";
    /** Setting: upper bound of the RTO (and of backoff) in milliseconds. */
    public static final String MAX_RTO_MS = "maxRtoMs";
    /** Setting: clock granularity G in microseconds. */
    public static final String GRANULARITY_US = "granularityUs";
    /** Setting: RTO after a handshake whose SYN timed out, in milliseconds; 0 disables §5.7. */
    public static final String SYN_FALLBACK_RTO_MS = "synFallbackRtoMs";

    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;

    /** Registers the RFC 6298 estimator with {@link java.util.ServiceLoader}. */
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
            s.requireOnly(NAME, INITIAL_RTO_MS, MIN_RTO_MS, MAX_RTO_MS, GRANULARITY_US, SYN_FALLBACK_RTO_MS);
            return new Rfc6298RtoEstimator(
                s.longValue(INITIAL_RTO_MS, 1_000, 1, 3_600_000) * MS,
                s.longValue(MIN_RTO_MS, 1_000, 1, 3_600_000) * MS,
                s.longValue(MAX_RTO_MS, 60_000, 1, 3_600_000) * MS,
                s.longValue(GRANULARITY_US, 1_000, 0, 1_000_000) * US,
                s.longValue(SYN_FALLBACK_RTO_MS, 3_000, 0, 3_600_000) * MS);
        }
    }

    private final long minRtoNs;
    private final long maxRtoNs;
    private final long granularityNs;
    private final long synFallbackRtoNs;
    private long srttNs;
    private long rttVarNs;
    private long rtoNs;
    private int backoffs;
    private boolean hasSample;

    /**
     * An estimator with the given bounds.
     *
     * @param initialRtoNs RTO before the first sample (§2.1: 1 s)
     * @param minRtoNs lower bound (§2.4: 1 s)
     * @param maxRtoNs upper bound (§2.5: at least 60 s)
     * @param granularityNs clock granularity G (§4)
     * @param synFallbackRtoNs the §5.7 RTO (3 s), or 0 to skip §5.7
     */
    public Rfc6298RtoEstimator(final long initialRtoNs, final long minRtoNs, final long maxRtoNs,
        final long granularityNs, final long synFallbackRtoNs)
    {
        if (minRtoNs <= 0 || maxRtoNs < minRtoNs || initialRtoNs <= 0 || granularityNs < 0 || synFallbackRtoNs < 0)
        {
            throw new IllegalArgumentException("RTO bounds must satisfy 0 < min <= max, initial > 0, G >= 0: min=" +
                minRtoNs + " max=" + maxRtoNs + " initial=" + initialRtoNs + " G=" + granularityNs + " ns");
        }
        this.minRtoNs = minRtoNs;
        this.maxRtoNs = maxRtoNs;
        this.granularityNs = granularityNs;
        this.synFallbackRtoNs = synFallbackRtoNs;
        // RFC 6298 §2.1: until a measurement is made, RTO <- 1 s (the initial value), within the bounds.
        this.rtoNs = Math.min(initialRtoNs, maxRtoNs);
    }

    /** An estimator with RFC 6298's values: 1 s initial and minimum, 60 s maximum, G = 1 ms, §5.7 on. */
    public Rfc6298RtoEstimator()
    {
        this(1_000 * MS, 1_000 * MS, 60_000 * MS, MS, 3_000 * MS);
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
            return; // RFC 6298 §3: Karn's algorithm: no sample from a retransmitted segment.
        }
        if (!hasSample)
        {
            // RFC 6298 §2.2: SRTT <- R, RTTVAR <- R/2.
            srttNs = rttNs;
            rttVarNs = rttNs / 2;
            hasSample = true;
        }
        else
        {
            // RFC 6298 §2.3: RTTVAR <- (1 - beta)·RTTVAR + beta·|SRTT - R'| with beta = 1/4, using the old SRTT,
            // then SRTT <- (1 - alpha)·SRTT + alpha·R' with alpha = 1/8.
            rttVarNs = (3 * rttVarNs + Math.abs(srttNs - rttNs)) / 4;
            srttNs = (7 * srttNs + rttNs) / 8;
        }
        // RFC 6298 §5, note after (5.7): a new measurement recomputes the RTO, "collapsing" any backoff.
        backoffs = 0;
        rtoNs = computedRtoNs();
    }

    @Override
    public long rtoNs()
    {
        return rtoNs;
    }

    @Override
    public void onTimeout()
    {
        // RFC 6298 §5.5: RTO <- RTO·2; (2.5)'s maximum bounds the doubling.
        rtoNs = Math.min(rtoNs * 2, maxRtoNs);
        backoffs++;
    }

    @Override
    public void onHandshakeComplete(final boolean synTimedOut)
    {
        // RFC 6298 §5.7: the SYN's timer expired and RTO < 3 s: RTO MUST be re-initialised to 3 s for the data phase.
        if (synTimedOut && synFallbackRtoNs > 0 && rtoNs < synFallbackRtoNs)
        {
            rtoNs = Math.min(synFallbackRtoNs, maxRtoNs);
            backoffs = 0;
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
        return "Rfc6298RtoEstimator{srttNs=" + srttNs + ", rttVarNs=" + rttVarNs + ", rtoNs=" + rtoNs + ", backoffs=" +
            backoffs + '}';
    }

    private long computedRtoNs()
    {
        // RFC 6298 §2.2/§2.3: RTO <- SRTT + max(G, K·RTTVAR), K = 4.
        final long rto = srttNs + Math.max(granularityNs, 4 * rttVarNs);
        // RFC 6298 §2.4: less than 1 s rounds up to 1 s (minRto); §2.5: a maximum of at least 60 s may be placed.
        return Math.min(Math.max(rto, minRtoNs), maxRtoNs);
    }
}
