package io.ustack.tcp.recovery;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.LossRecovery;
import io.ustack.api.tcp.LossRecoveryFactory;
import io.ustack.api.tcp.RecoveryContext;

/**
 * Loss recovery from duplicate ACKs alone: fast retransmit on the third duplicate ACK and NewReno fast recovery
 * (RFC 5681 §3.2, RFC 6582 §3.2), the congestion window inflated and deflated by the {@link CongestionControl} in its
 * {@link CongestionControl#RECOVERY} state, and limited transmit on the first two duplicate ACKs (RFC 3042). What
 * the sender counts as in flight is FlightSize, SND.NXT - SND.UNA.
 */
public final class NewRenoRecovery implements LossRecovery
{
    /** The name NewReno recovery is chosen by. */
    public static final String NAME = "newreno";
    /** RFC 5681 §3.2: the duplicate ACK count that triggers fast retransmit. */
    public static final int DUP_ACK_THRESHOLD = 3;

    /** Registers NewReno recovery with {@link java.util.ServiceLoader}. */
    public static final class Factory implements LossRecoveryFactory
    {
        @Override
        public String name()
        {
            return NAME;
        }

        @Override
        public LossRecovery create()
        {
            return new NewRenoRecovery();
        }
    }

    private RecoveryContext ctx;
    private int dupAcks;
    private boolean inRecovery;
    /** RFC 6582 §3.2 "recover": the highest sequence number sent when the last recovery (or timeout) began. */
    private int recover;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public void init(final RecoveryContext ctx)
    {
        this.ctx = ctx;
        dupAcks = 0;
        inRecovery = false;
        recover = ctx.sndUna(); // RFC 6582 §3.2 step 1: recover starts at the initial send sequence number
    }

    @Override
    public void onAck(final AckSample sample)
    {
        final CongestionControl cc = ctx.congestionControl();
        if (sample.bytesAcked() > 0)
        {
            dupAcks = 0;
            onNewAck(sample, cc);
        }
        else if (sample.duplicate())
        {
            onDuplicateAck(sample, cc);
        }
    }

    private void onNewAck(final AckSample sample, final CongestionControl cc)
    {
        if (inRecovery && ctx.sndUna() - recover < 0)
        {
            // RFC 6582 §3.2 step 3, partial ACK: the next hole is lost too; resend it at once, deflate the window.
            ctx.retransmit(ctx.sndUna(), Integer.MAX_VALUE, sample.nowNs());
            cc.onAck(sample);
        }
        else if (inRecovery)
        {
            // RFC 6582 §3.2 step 3, full ACK: leave fast recovery.
            inRecovery = false;
            cc.onAck(sample);
            cc.onRecoveryExit(sample.nowNs());
            cc.onStateChange(CongestionControl.OPEN);
        }
        else
        {
            cc.onAck(sample);
        }
    }

    private void onDuplicateAck(final AckSample sample, final CongestionControl cc)
    {
        dupAcks++;
        cc.onAck(sample); // in recovery, RFC 5681 §3.2 step 4: the window inflates by one segment per duplicate
        // RFC 6582 §3.2 step 2: enter recovery only if the ACK covers more than "recover" (no repeated reduction
        // for losses of one window).
        if (!inRecovery && dupAcks == DUP_ACK_THRESHOLD && ctx.sndUna() - recover > 0)
        {
            inRecovery = true;
            recover = ctx.sndMax();
            cc.onCongestionEvent(sample.nowNs());
            cc.onStateChange(CongestionControl.RECOVERY);
            ctx.retransmit(ctx.sndUna(), Integer.MAX_VALUE, sample.nowNs()); // RFC 5681 §3.2 step 2
        }
    }

    @Override
    public void onRetransmitTimeout(final long nowNs)
    {
        inRecovery = false;
        dupAcks = 0;
        recover = ctx.sndMax(); // RFC 6582 §3.2 step 4
    }

    @Override
    public long sendAllowanceBytes()
    {
        // RFC 5681 §3.1: FlightSize stays within cwnd.
        final long allowance = ctx.congestionControl().cwnd() - (ctx.sndNxt() - ctx.sndUna());
        if (!inRecovery && dupAcks > 0 && dupAcks < DUP_ACK_THRESHOLD && ctx.sndNxt() == ctx.sndMax())
        {
            // RFC 3042 §2, limited transmit: each of the first two duplicate ACKs lets one new segment go beyond
            // cwnd (FlightSize <= cwnd + 2·SMSS), cwnd itself unchanged, so that a small window still draws the
            // third duplicate ACK that fast retransmit needs.
            return allowance + (long)dupAcks * ctx.smss();
        }
        return allowance;
    }

    @Override
    public boolean inRecovery()
    {
        return inRecovery;
    }

    /** Duplicate ACKs in a row since the last ACK of new data. */
    public int duplicateAcks()
    {
        return dupAcks;
    }

    @Override
    public String toString()
    {
        return "NewRenoRecovery{dupAcks=" + dupAcks + ", inRecovery=" + inRecovery + ", recover=" +
            Integer.toUnsignedString(recover) + '}';
    }
}
