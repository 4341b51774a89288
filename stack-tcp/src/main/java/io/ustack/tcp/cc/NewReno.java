package io.ustack.tcp.cc;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionContext;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.CongestionControlFactory;

/**
 * NewReno congestion control: RFC 5681 slow start, congestion avoidance and fast recovery, with RFC 6582's handling
 * of partial ACKs and RFC 3465's byte counting. The loss-recovery policy decides what is a loss, a partial ACK or
 * the end of recovery; this class only moves cwnd and ssthresh when told.
 *
 * <p>Choices where the RFCs leave one:
 * <ul>
 *   <li>Slow start counts bytes (RFC 3465 §2.2) with L = 2·SMSS, so a delayed ACK covering two segments grows cwnd by
 *       two segments, as per-segment ACKs would.</li>
 *   <li>Congestion avoidance is RFC 5681 equation (3) per byte acknowledged (RFC 3465 §2.1): cwnd += SMSS·N/cwnd for
 *       an ACK of N bytes, carrying the remainder, so one window of ACKs adds about one SMSS whether the receiver
 *       acknowledges every segment or every second one.</li>
 *   <li>On leaving fast recovery cwnd becomes min(ssthresh, max(FlightSize, SMSS) + SMSS), RFC 6582 §3.2 step 3
 *       option (1): it avoids a burst without needing pacing.</li>
 *   <li>{@link #undo()} restores the window from before the last reduction, as Linux's Reno does.</li>
 *   <li>ECN: {@link AckSample#ecnEcho()} is not acted on here; the connection reacts once per window (RFC 3168
 *       §6.1.2) by calling {@link #onCongestionEvent(long)}.</li>
 * </ul>
 */
public final class NewReno implements CongestionControl
{
    /** The name NewReno is chosen by. */
    public static final String NAME = "newreno";

    /** Registers NewReno with {@link java.util.ServiceLoader}. */
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
            return new NewReno();
        }
    }

    private CongestionContext ctx;
    private long cwnd;
    private long ssthresh = INFINITE_SSTHRESH;
    private int state = OPEN;
    /** SMSS·bytes acknowledged in congestion avoidance not yet turned into cwnd (RFC 3465 §2.1 byte counting). */
    private long avoidanceCredit;
    /** A retransmission timeout fired and no ACK of new data has arrived since. */
    private boolean timedOutWithoutProgress;
    private long priorCwnd;
    private long priorSsthresh;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public void init(final CongestionContext ctx)
    {
        this.ctx = ctx;
        // RFC 5681 §3.1: IW per equation (1), or what the connection chose (RFC 6928); ssthresh arbitrarily high.
        cwnd = Math.max(ctx.initialWindowBytes(), ctx.smss());
        ssthresh = INFINITE_SSTHRESH;
        state = OPEN;
        avoidanceCredit = 0;
        timedOutWithoutProgress = false;
        priorCwnd = cwnd;
        priorSsthresh = ssthresh;
    }

    @Override
    public void onAck(final AckSample sample)
    {
        final long smss = ctx.smss();
        final long acked = sample.bytesAcked();
        if (acked > 0)
        {
            timedOutWithoutProgress = false;
        }
        if (state == RECOVERY)
        {
            if (sample.duplicate())
            {
                // RFC 5681 §3.2 step 4: each further duplicate ACK means a segment left the network: inflate.
                cwnd += smss;
            }
            else if (acked > 0)
            {
                // RFC 6582 §3.2 step 3, partial acknowledgments: deflate by the new data acknowledged, and add back
                // SMSS if at least one SMSS was acknowledged, so about ssthresh stays in flight.
                cwnd = Math.max(cwnd - acked + (acked >= smss ? smss : 0), smss);
            }
            return;
        }
        if (acked <= 0 || sample.duplicate())
        {
            return; // RFC 5681 §3.1: cwnd grows only on ACKs of new data.
        }
        if (cwnd < ssthresh)
        {
            // RFC 5681 §3.1 equation (2) with RFC 3465 §2.2 byte counting: cwnd += min(N, L), L = 2·SMSS.
            cwnd += Math.min(acked, 2 * smss);
            return;
        }
        // RFC 5681 §3.1 equation (3), cwnd += SMSS·SMSS/cwnd per full segment, counted per byte (RFC 3465 §2.1).
        avoidanceCredit += smss * acked;
        if (avoidanceCredit >= cwnd)
        {
            final long increase = avoidanceCredit / cwnd;
            avoidanceCredit -= increase * cwnd;
            cwnd += increase;
        }
    }

    @Override
    public void onCongestionEvent(final long nowNs)
    {
        saveForUndo();
        final long smss = ctx.smss();
        // RFC 5681 §3.2 step 2, equation (4): ssthresh = max(FlightSize / 2, 2·SMSS).
        ssthresh = halfFlightSize(smss);
        // RFC 5681 §3.2 step 3: cwnd = ssthresh + 3·SMSS, the three segments that left with the duplicate ACKs.
        cwnd = ssthresh + 3 * smss;
        avoidanceCredit = 0;
    }

    @Override
    public void onRetransmitTimeout(final long nowNs)
    {
        final long smss = ctx.smss();
        if (!timedOutWithoutProgress)
        {
            saveForUndo();
            // RFC 5681 §3.1 equation (4): ssthresh = max(FlightSize / 2, 2·SMSS). On a repeated timeout of the same
            // segment ("already been retransmitted by way of the retransmission timer") ssthresh is held constant.
            ssthresh = halfFlightSize(smss);
            timedOutWithoutProgress = true;
        }
        // RFC 5681 §3.1: cwnd is no more than the loss window, LW = 1 full-sized segment.
        cwnd = smss;
        avoidanceCredit = 0;
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
        // RFC 6582 §3.2 step 3, full acknowledgments, option (1): cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS),
        // "deflating" the window without a burst (RFC 5681 §3.2 step 6 is option (2), cwnd = ssthresh).
        cwnd = Math.min(ssthresh, Math.max(ctx.flightSizeBytes(), smss) + smss);
        avoidanceCredit = 0;
    }

    @Override
    public boolean undo()
    {
        // Linux tcp_reno_undo_cwnd / tcp_undo_cwnd_reduction: back to at least what the reduction took away.
        cwnd = Math.max(cwnd, priorCwnd);
        ssthresh = Math.max(ssthresh, priorSsthresh);
        return true;
    }

    @Override
    public long cwnd()
    {
        return cwnd;
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

    /** The congestion state last told by {@link #onStateChange(int)}. */
    public int state()
    {
        return state;
    }

    @Override
    public String toString()
    {
        return "NewReno{cwnd=" + cwnd + ", ssthresh=" + ssthresh + ", state=" + state + '}';
    }

    private long halfFlightSize(final long smss)
    {
        return Math.max(ctx.flightSizeBytes() / 2, 2 * smss);
    }

    private void saveForUndo()
    {
        priorCwnd = cwnd;
        priorSsthresh = ssthresh;
    }
}
