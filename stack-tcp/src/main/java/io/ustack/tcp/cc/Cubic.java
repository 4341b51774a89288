package io.ustack.tcp.cc;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionContext;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.CongestionControlFactory;

/**
 * CUBIC congestion control, RFC 9438: after a loss the window follows W_cubic(t) = C·(t - K)^3 + W_max (§4.2), a
 * cubic in the time since the reduction that is concave up to the old maximum W_max and convex beyond it, never
 * slower than what Reno would do on the same path (the "Reno-friendly" W_est of §4.3). Slow start is Reno's (RFC 5681
 * with RFC 3465 byte counting, L = 2·SMSS). Loss detection and fast recovery belong to the loss recovery; during
 * recovery the window stays at ssthresh (no inflation).
 *
 * <p>Windows are kept in bytes as {@code double}, segments = bytes / SMSS in the RFC's formulas; time in seconds
 * from the injected clock ({@link CongestionContext#nowNs()}). Choices where the RFC leaves one:
 * <ul>
 *   <li>ssthresh = max(cwnd·β, 2·SMSS) (§4.6 with cwnd, as Linux uses); fast convergence (§4.7) on;</li>
 *   <li>the RTT of §4.4's target is the smoothed RTT;</li>
 *   <li>on leaving recovery cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS), as {@link NewReno}, against
 *       bursts.</li>
 * </ul>
 */
public final class Cubic implements CongestionControl
{
    /** The name CUBIC is chosen by. */
    public static final String NAME = "cubic";
    /** RFC 9438 §4.1 C: the cubic's aggressiveness, in segments per second cubed. */
    public static final double C = 0.4;
    /** RFC 9438 §4.1 β_cubic: the multiplicative decrease factor. */
    public static final double BETA = 0.7;
    /** RFC 9438 §4.3 α_cubic = 3(1 - β)/(1 + β): W_est's additive increase that matches Reno's average. */
    public static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);
    private static final double NS_PER_S = 1e9;

    /** Registers CUBIC with {@link java.util.ServiceLoader}. */
    public static final class Factory implements CongestionControlFactory
    {
        @Override
        public String name()
        {
            return NAME;
        }

        @Override
        public CongestionControl create()
        {
            return new Cubic();
        }
    }

    private CongestionContext ctx;
    private double cwnd;
    private long ssthresh = INFINITE_SSTHRESH;
    private int state = OPEN;
    /** RFC 9438 §4.2 W_max in bytes: the window just before the last reduction (less with fast convergence). */
    private double wMax;
    /** RFC 9438 §4.2 K in seconds: when W_cubic climbs back to W_max. */
    private double k;
    /** Start of the current congestion-avoidance epoch, or -1 when none has started since the last reduction. */
    private long epochStartNs = -1;
    /** RFC 9438 §4.3 W_est in bytes. */
    private double wEst;
    private boolean timedOutWithoutProgress;
    private double priorCwnd;
    private long priorSsthresh;
    private double priorWMax;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public void init(final CongestionContext ctx)
    {
        this.ctx = ctx;
        cwnd = Math.max(ctx.initialWindowBytes(), ctx.smss());
        ssthresh = INFINITE_SSTHRESH;
        state = OPEN;
        wMax = 0;
        k = 0;
        epochStartNs = -1;
        wEst = cwnd;
        timedOutWithoutProgress = false;
        priorCwnd = cwnd;
        priorSsthresh = ssthresh;
        priorWMax = wMax;
    }

    @Override
    public void onAck(final AckSample sample)
    {
        final long acked = sample.bytesAcked();
        if (acked <= 0 || sample.duplicate())
        {
            return;
        }
        timedOutWithoutProgress = false;
        if (state == RECOVERY || state == CWR)
        {
            return; // the window stays at ssthresh until recovery ends
        }
        final int smss = ctx.smss();
        if (cwnd < ssthresh)
        {
            // RFC 9438 §4.10 / RFC 5681 §3.1 slow start, RFC 3465 §2.2 byte counting with L = 2·SMSS.
            cwnd = Math.min(cwnd + Math.min(acked, 2L * smss), Math.max(ssthresh, cwnd));
            return;
        }
        congestionAvoidance(acked, smss, sample.nowNs());
    }

    private void congestionAvoidance(final long acked, final int smss, final long nowNs)
    {
        if (epochStartNs < 0)
        {
            // RFC 9438 §4.2: a new epoch; K from how far below W_max the window starts (0 when at or above it).
            epochStartNs = nowNs;
            if (cwnd < wMax)
            {
                k = Math.cbrt((wMax - cwnd) / smss / C);
            }
            else
            {
                k = 0;
                wMax = cwnd;
            }
            wEst = cwnd;
        }
        final double t = (nowNs - epochStartNs) / NS_PER_S;
        final double rtt = Math.max(0, ctx.srttNs()) / NS_PER_S;
        // RFC 9438 §4.4: aim at W_cubic one RTT ahead, kept within [cwnd, 1.5·cwnd].
        final double target = Math.min(Math.max(windowAt(t + rtt, smss), cwnd), 1.5 * cwnd);
        double next = cwnd + (target - cwnd) * acked / cwnd;
        // RFC 9438 §4.3: W_est grows like Reno (α_cubic per RTT, 1 once past W_max); the larger window wins.
        final double alpha = wEst >= wMax ? 1.0 : ALPHA;
        wEst += alpha * smss * acked / cwnd;
        if (wEst > next)
        {
            next = wEst;
        }
        cwnd = next;
    }

    /** RFC 9438 §4.2 equation (1): W_cubic(t) in bytes, {@code t} seconds into the epoch. */
    double windowAt(final double t, final int smss)
    {
        final double d = t - k;
        return (C * d * d * d) * smss + wMax;
    }

    @Override
    public void onCongestionEvent(final long nowNs)
    {
        saveForUndo();
        reduce();
        cwnd = ssthresh; // RFC 9438 §4.6: cwnd = max(ssthresh, 2) segments
    }

    /** RFC 9438 §4.6 and §4.7: W_max (with fast convergence) and ssthresh from the window before the reduction. */
    private void reduce()
    {
        final int smss = ctx.smss();
        // §4.7 fast convergence: a window that fell short of the last W_max releases bandwidth to newer flows.
        wMax = cwnd < wMax ? cwnd * (1 + BETA) / 2 : cwnd;
        ssthresh = (long)Math.max(cwnd * BETA, 2.0 * smss);
        epochStartNs = -1;
    }

    @Override
    public void onRetransmitTimeout(final long nowNs)
    {
        if (!timedOutWithoutProgress)
        {
            // RFC 9438 §4.8: a timeout reduces like a loss (once per episode: repeated expiries keep ssthresh), and
            // cwnd restarts from one segment (RFC 5681 §3.1's loss window).
            saveForUndo();
            reduce();
            timedOutWithoutProgress = true;
        }
        cwnd = ctx.smss();
        epochStartNs = -1;
    }

    @Override
    public void onStateChange(final int state)
    {
        this.state = state;
    }

    @Override
    public void onRecoveryExit(final long nowNs)
    {
        final long smss = ctx.smss();
        cwnd = Math.min(ssthresh, Math.max(ctx.flightSizeBytes(), smss) + smss);
        epochStartNs = -1;
    }

    @Override
    public boolean undo()
    {
        // RFC 9438 §4.9: a spurious reduction restores cwnd, ssthresh and W_max as they were.
        cwnd = Math.max(cwnd, priorCwnd);
        ssthresh = Math.max(ssthresh, priorSsthresh);
        wMax = Math.max(wMax, priorWMax);
        epochStartNs = -1;
        return true;
    }

    private void saveForUndo()
    {
        priorCwnd = cwnd;
        priorSsthresh = ssthresh;
        priorWMax = wMax;
    }

    @Override
    public long cwnd()
    {
        return (long)cwnd;
    }

    @Override
    public long ssthresh()
    {
        return ssthresh;
    }

    @Override
    public long pacingRateBps()
    {
        return 0;
    }

    /** RFC 9438 §4.2 W_max in bytes. */
    public long wMax()
    {
        return (long)wMax;
    }

    /** RFC 9438 §4.2 K in seconds (valid once an epoch started). */
    public double k()
    {
        return k;
    }

    @Override
    public String toString()
    {
        return "Cubic{cwnd=" + cwnd() + ", ssthresh=" + ssthresh + ", wMax=" + wMax() + ", k=" + k + '}';
    }
}
