package io.ustack.tcp.rto;

import io.ustack.api.tcp.RtoEstimator;
import io.ustack.api.tcp.RtoEstimatorFactory;
import io.ustack.api.tcp.TcpPolicySettings;

/**
 * The retransmission timeout as Linux computes it ({@code tcp_rtt_estimator} and {@code tcp_set_rto} in
 * {@code net/ipv4/tcp_input.c}): RTO = SRTT + RTTVAR', where RTTVAR' is a smoothed <em>maximum</em> of the mean
 * deviation over the last window of data and never less than the minimum RTO (200 ms). So the floor is
 * SRTT + 200 ms rather than RFC 6298's flat 1 s, and a falling RTT lowers the deviation only slowly.
 *
 * <p>What is followed, with Linux's names ({@code mdev}, {@code mdev_max} and {@code rttvar} are all four times a
 * deviation, as in Linux):
 * <ul>
 *   <li>first sample m: srtt = m, mdev = 2m, rttvar = mdev_max = max(mdev, rto_min), so RTO = 3m or m + 200 ms;</li>
 *   <li>later: srtt += (m − srtt)/8; if m &lt; srtt the error feeds mdev with an extra 1/8 gain (Linux's Eifel-like
 *       damping), else mdev = 3/4·mdev + |err|; mdev_max and rttvar rise at once with mdev;</li>
 *   <li>once per window rttvar decays a quarter of the way toward that window's mdev_max, and mdev_max restarts at
 *       rto_min. Linux ends a window when SND.UNA passes the SND.NXT of the window's start; this SPI has no sequence
 *       numbers, so a window here ends one SRTT after it began (from {@code nowNs});</li>
 *   <li>RTO capped at 120 s ({@code TCP_RTO_MAX}); initial 1 s ({@code TCP_TIMEOUT_INIT}); backoff doubles up to the
 *       cap and a valid sample clears it; after a handshake with no sample, RTO is 3 s
 *       ({@code TCP_TIMEOUT_FALLBACK}, Linux's reading of RFC 6298 §5.7).</li>
 * </ul>
 * Settings: {@code minRtoMs} (200), {@code maxRtoMs} (120000), {@code initialRtoMs} (1000).
 */
public final class LinuxRtoEstimator implements RtoEstimator
{
    /** The name this estimator is chosen by. */
    public static final String NAME = "linux";
    /** Setting: rto_min in milliseconds. */
    public static final String MIN_RTO_MS = "minRtoMs";
    /** Setting: TCP_RTO_MAX in milliseconds. */
    public static final String MAX_RTO_MS = "maxRtoMs";
    /** Setting: TCP_TIMEOUT_INIT in milliseconds. */
    public static final String INITIAL_RTO_MS = "initialRtoMs";

    private static final long MS = 1_000_000L;
    private static final long FALLBACK_RTO_NS = 3_000 * MS;

    /** Registers the Linux estimator with {@link java.util.ServiceLoader}. */
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
            return new LinuxRtoEstimator();
        }

        @Override
        public RtoEstimator create(final TcpPolicySettings s)
        {
            s.requireOnly(NAME, MIN_RTO_MS, MAX_RTO_MS, INITIAL_RTO_MS);
            return new LinuxRtoEstimator(s.longValue(MIN_RTO_MS, 200, 1, 3_600_000) * MS,
                s.longValue(MAX_RTO_MS, 120_000, 1, 3_600_000) * MS,
                s.longValue(INITIAL_RTO_MS, 1_000, 1, 3_600_000) * MS);
        }
    }

    private final long minRtoNs;
    private final long maxRtoNs;
    private long srttNs;
    private long mdevNs;
    private long mdevMaxNs;
    private long rttVarNs;
    private long windowEndNs;
    private long rtoNs;
    private int backoffs;
    private boolean hasSample;

    /**
     * An estimator with the given bounds.
     *
     * @param minRtoNs rto_min (Linux: 200 ms)
     * @param maxRtoNs TCP_RTO_MAX (Linux: 120 s)
     * @param initialRtoNs TCP_TIMEOUT_INIT (Linux: 1 s)
     */
    public LinuxRtoEstimator(final long minRtoNs, final long maxRtoNs, final long initialRtoNs)
    {
        if (minRtoNs <= 0 || maxRtoNs < minRtoNs || initialRtoNs <= 0)
        {
            throw new IllegalArgumentException("RTO bounds must satisfy 0 < min <= max and initial > 0: min=" +
                minRtoNs + " max=" + maxRtoNs + " initial=" + initialRtoNs + " ns");
        }
        this.minRtoNs = minRtoNs;
        this.maxRtoNs = maxRtoNs;
        this.rtoNs = Math.min(initialRtoNs, maxRtoNs);
    }

    /** Linux's defaults: 200 ms minimum, 120 s maximum, 1 s initial. */
    public LinuxRtoEstimator()
    {
        this(200 * MS, 120_000 * MS, 1_000 * MS);
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
            return; // RFC 6298 §3 (Karn): no sample.
        }
        final long m = Math.max(rttNs, 1);
        if (!hasSample)
        {
            srttNs = m;
            mdevNs = 2 * m; // four times m/2: "make sure rto = 3*rtt"
            rttVarNs = Math.max(mdevNs, minRtoNs);
            mdevMaxNs = rttVarNs;
            windowEndNs = nowNs + m;
            hasSample = true;
        }
        else
        {
            long err = m - srttNs;
            srttNs += err / 8; // srtt = 7/8 srtt + 1/8 m
            if (err < 0)
            {
                err = -err - mdevNs / 4;
                if (err > 0)
                {
                    err >>= 3; // RTT fell: finer gain (1/32) so the RTO does not grow on a falling RTT
                }
            }
            else
            {
                err -= mdevNs / 4;
            }
            mdevNs += err; // mdev = 3/4 mdev + 1/4 |err| (in units of 4x)
            if (mdevNs > mdevMaxNs)
            {
                mdevMaxNs = mdevNs;
                if (mdevMaxNs > rttVarNs)
                {
                    rttVarNs = mdevMaxNs;
                }
            }
            if (nowNs - windowEndNs >= 0)
            {
                // One window of data acknowledged: rttvar decays toward this window's largest mdev.
                if (mdevMaxNs < rttVarNs)
                {
                    rttVarNs -= (rttVarNs - mdevMaxNs) / 4;
                }
                windowEndNs = nowNs + srttNs;
                mdevMaxNs = minRtoNs;
            }
        }
        backoffs = 0; // tcp_ack_update_rtt: "only reset backoff on valid RTT measurement" (RFC 6298 §5)
        rtoNs = Math.min(srttNs + rttVarNs, maxRtoNs); // tcp_set_rto + tcp_bound_rto
    }

    @Override
    public long rtoNs()
    {
        return rtoNs;
    }

    @Override
    public void onTimeout()
    {
        rtoNs = Math.min(rtoNs * 2, maxRtoNs); // tcp_retransmit_timer; RFC 6298 §5.5
        backoffs++;
    }

    @Override
    public void onHandshakeComplete(final boolean synTimedOut)
    {
        if (!hasSample)
        {
            rtoNs = Math.min(FALLBACK_RTO_NS, maxRtoNs); // tcp_init_transfer: RFC 6298 §5.7, TCP_TIMEOUT_FALLBACK
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

    /** The mean deviation, comparable with RFC 6298's RTTVAR: what {@code ss -ti} shows ({@code mdev_us >> 2}). */
    @Override
    public long rttVarNs()
    {
        return mdevNs / 4;
    }

    @Override
    public boolean hasSample()
    {
        return hasSample;
    }

    @Override
    public String toString()
    {
        return "LinuxRtoEstimator{srttNs=" + srttNs + ", rttvarNs=" + rttVarNs + ", rtoNs=" + rtoNs + ", backoffs=" +
            backoffs + '}';
    }
}
