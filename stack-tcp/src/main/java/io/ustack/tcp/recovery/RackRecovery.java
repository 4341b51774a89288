package io.ustack.tcp.recovery;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.LossRecovery;
import io.ustack.api.tcp.LossRecoveryFactory;
import io.ustack.api.tcp.RecoveryContext;
import io.ustack.api.tcp.SackScoreboard;

/**
 * RACK loss detection, RFC 8985 §6 ("RACK-TLP: A Time-Based Efficient Loss Detection for TCP"): a segment is lost
 * when a segment sent after it was delivered and more than one round trip plus a reordering window has passed since
 * it was sent. Detection goes by send time, not sequence order, so a lost retransmission is found the same way as a
 * lost original, from the ACKs of what was sent after it, with no retransmission timeout. The tail loss probe of
 * §7 is the connection's (the retransmission timer's), shared with the other algorithms.
 *
 * <p>Choices where the RFC leaves one:
 * <ul>
 *   <li>The reordering window is {@code RACK.reo_wnd_mult * min_RTT / 4}, capped at SRTT, the multiplier growing
 *       once per round trip that brings a D-SACK ({@link ReorderingWindow}, §6.2 step 4); it is 0 while no
 *       reordering has been seen and fast recovery runs or DupThresh segments' worth is SACKed. Reordering is seen
 *       when an original is delivered below RACK.fack (§6.2 step 3) or when a D-SACK reports a retransmission
 *       whose original was delivered (§6.2 step 3's D-SACK case, {@link AckedRetransmissions}).</li>
 *   <li>The reordering timer of §6.3 runs on the connection's retransmission timer ({@link #reorderingTimeoutNs()});
 *       a lost tail or a lost last ACK is the tail loss probe's (allowed during recovery too,
 *       {@link #probesDuringRecovery()}, and up to {@link #tailLossProbes()} in a row), then the RTO's.</li>
 *   <li>Once loss is found the congestion response is RFC 6675's: one reduction per window (RecoveryPoint), and
 *       the sender keeps what it counts in flight (neither SACKed nor lost, Linux {@code tcp_packets_in_flight})
 *       below the window of recovery, lost segments going before new data. That window comes from RFC 6937's
 *       proportional rate reduction ({@link ProportionalRateReduction}, PRR-SSRB) on each ACK.</li>
 *   <li>After a retransmission timeout every unSACKed segment is lost (Linux {@code tcp_enter_loss}); the connection
 *       resends from SND.UNA and this class resends again only what RACK finds lost among what was already resent.</li>
 * </ul>
 */
public final class RackRecovery implements LossRecovery
{
    /** The name RACK-TLP is chosen by. */
    public static final String NAME = "rack";
    /** RFC 8985 §6.2 step 4 (and RFC 6675 §2): DupThresh. */
    private static final int DUP_THRESH = 3;
    /** Most segments one ACK may release during recovery (the sender's burst bound). */
    private static final int MAX_SEGMENTS_PER_ACK = 64;

    /** Registers RACK-TLP with {@link java.util.ServiceLoader}. */
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
            return new RackRecovery();
        }
    }

    private final SentSegments segments = new SentSegments();
    private final ReorderingWindow reorderingWindow = new ReorderingWindow();
    private final AckedRetransmissions ackedRetransmissions = new AckedRetransmissions();
    private final ProportionalRateReduction prr = new ProportionalRateReduction();
    /** The scoreboard's SACKed bytes after the last ACK: RFC 6937's DeliveredData counts their change. */
    private long sackedBefore;
    /** After a retransmission timeout until SND.UNA passes {@link #recoveryPoint} (RFC 8985's "RTO recovery"). */
    private boolean inTimeoutRecovery;
    /**
     * A D-SACK grew the reordering window on the ACK of this cumulative acknowledgement: RFC 8985 §6.2 step 4's
     * "Else if", that ACK does not also count a recovery exit toward the reset.
     */
    private boolean windowGrew;
    private int windowGrewAtAck;
    private RecoveryContext ctx;
    private boolean inRecovery;
    /** RFC 6675 §5 RecoveryPoint (HighData + 1 when loss was found, or at the last timeout). */
    private int recoveryPoint;
    /** RFC 8985 §6.1 RACK.xmit_ts, RACK.end_seq, RACK.rtt: the most recently sent segment that was delivered. */
    private boolean rackValid;
    private long rackXmitNs;
    private int rackEndSeq;
    private long rackRttNs;
    /** RFC 8985 §6.1 RACK.min_RTT, from segments never retransmitted. */
    private long minRttNs;
    /** RFC 8985 §6.1 RACK.fack: the highest end sequence delivered; RACK.reord: reordering was seen. */
    private int fack;
    private boolean reordering;
    /** RFC 8985 §6.2 step 5: how long until the last waiting segment would be lost, or -1 (RACK.reo_timeout). */
    private long reorderTimeoutNs = -1;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public boolean requiresSack()
    {
        return true;
    }

    @Override
    public void init(final RecoveryContext ctx)
    {
        this.ctx = ctx;
        segments.clear();
        inRecovery = false;
        recoveryPoint = ctx.sndUna();
        rackValid = false;
        rackXmitNs = 0;
        rackEndSeq = ctx.sndUna();
        rackRttNs = 0;
        minRttNs = 0;
        fack = ctx.sndUna();
        reordering = false;
        reorderTimeoutNs = -1;
        reorderingWindow.reset();
        ackedRetransmissions.clear();
        inTimeoutRecovery = false;
        windowGrew = false;
        sackedBefore = 0;
    }

    @Override
    public void onTransmit(final int seq, final int end, final boolean retransmission, final long nowNs)
    {
        if (inRecovery)
        {
            prr.onSent(end - seq); // RFC 6937 §3: prr_out
        }
        if (!retransmission)
        {
            segments.append(seq, end, nowNs); // RFC 8985 §6.1: Segment.xmit_ts
            return;
        }
        // RFC 8985 §6.1: a retransmission gets a new xmit_ts and is no longer lost (it is in flight again).
        for (int i = segments.indexAfter(seq); i < segments.size() && segments.start(i) - end < 0; i++)
        {
            segments.resent(i, nowNs);
        }
    }

    @Override
    public void onAck(final AckSample sample)
    {
        final long nowNs = sample.nowNs();
        final int una = ctx.sndUna();
        while (segments.size() > 0 && segments.end(0) - una <= 0)
        {
            if (!segments.is(0, SentSegments.SACKED))
            {
                onDelivered(0, nowNs);
            }
            if (segments.is(0, SentSegments.RETRANSMITTED))
            {
                ackedRetransmissions.add(segments.start(0), segments.end(0));
            }
            segments.removeOldest();
        }
        if (sample.bytesSacked() > 0)
        {
            markSacked(nowNs);
        }
        final CongestionControl cc = ctx.congestionControl();
        if (inRecovery && una - recoveryPoint >= 0)
        {
            // RFC 6675 §5: a cumulative ACK of RecoveryPoint ends recovery.
            inRecovery = false;
            cc.onAck(sample);
            cc.onRecoveryExit(nowNs);
            cc.onStateChange(CongestionControl.OPEN);
            onRecoveryExit();
        }
        else if (!inRecovery)
        {
            if (inTimeoutRecovery && una - recoveryPoint >= 0)
            {
                inTimeoutRecovery = false;
                onRecoveryExit();
            }
            cc.onAck(sample);
        }
        // RFC 6937 §3: DeliveredData = change_in(snd.una) + change_in(SACKd).
        final long sackedNow = ctx.scoreboard().sackedBytes();
        final long delivered = sample.bytesAcked() + sackedNow - sackedBefore;
        sackedBefore = sackedNow;
        onLossJudged(detectLoss(nowNs), delivered, nowNs);
        windowGrew = false;
    }

    /** RFC 8985 §6.2 step 4: leaving fast or RTO recovery counts toward resetting the reordering window. */
    private void onRecoveryExit()
    {
        if (!windowGrew || windowGrewAtAck != ctx.sndUna())
        {
            reorderingWindow.onRecoveryExit();
        }
    }

    /**
     * RFC 2883 §4, a D-SACK: RFC 8985 §6.2 step 3, reordering is seen when it reports a retransmission whose
     * original was delivered too (the retransmission was spurious, the original late); step 4, the first D-SACK of
     * a round trip widens the reordering window.
     */
    @Override
    public void onDuplicateSack(final int left, final int right, final int cumulativeAck)
    {
        if (!reordering && reportsRetransmission(left, right))
        {
            reordering = true;
        }
        final int una = cumulativeAck - ctx.sndUna() > 0 ? cumulativeAck : ctx.sndUna();
        windowGrew = reorderingWindow.onDsack(una, ctx.sndMax());
        windowGrewAtAck = una;
    }

    /** Whether {@code [left, right)} overlaps data we sent more than once. */
    private boolean reportsRetransmission(final int left, final int right)
    {
        if (ackedRetransmissions.overlaps(left, right))
        {
            return true;
        }
        for (int i = 0; i < segments.size() && segments.start(i) - right < 0; i++)
        {
            if (segments.is(i, SentSegments.RETRANSMITTED) && left - segments.end(i) < 0)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Enters recovery when loss was found and may be, sizes the window by PRR on an ACK in recovery ({@code delivered}
     * bytes, 0 for the reordering timer), then resends what is lost.
     */
    private void onLossJudged(final boolean lossFound, final long delivered, final long nowNs)
    {
        final int una = ctx.sndUna();
        // RFC 6675 §5.1 (kept for RACK): one window reduction per RecoveryPoint, none inside a timeout's episode.
        if (lossFound && !inRecovery && una - recoveryPoint >= 0 && ctx.sndMax() - una > 0)
        {
            final CongestionControl cc = ctx.congestionControl();
            inRecovery = true;
            recoveryPoint = ctx.sndMax();
            cc.onCongestionEvent(nowNs);
            cc.onStateChange(CongestionControl.RECOVERY);
            prr.start(ctx.sndMax() - una); // RFC 6937 §3: RecoverFS
            prr.onAck(delivered, segments.inFlightBytes(), cc.ssthresh(), ctx.smss());
            resendLost(nowNs, true);
            return;
        }
        if (inRecovery)
        {
            prr.onAck(delivered, segments.inFlightBytes(), ctx.congestionControl().ssthresh(), ctx.smss());
        }
        resendLost(nowNs, false);
    }

    @Override
    public long reorderingTimeoutNs()
    {
        return reorderTimeoutNs;
    }

    /** RFC 8985 §6.3 RACK_detect_loss_and_arm_timer on the timer's expiry. */
    @Override
    public void onReorderingTimeout(final long nowNs)
    {
        onLossJudged(detectLoss(nowNs), 0, nowNs);
    }

    /** Marks the segments the scoreboard now covers whole as SACKed, each a delivery (RFC 8985 §6.2 step 1). */
    private void markSacked(final long nowNs)
    {
        final SackScoreboard board = ctx.scoreboard();
        for (int i = 0; i < segments.size(); i++)
        {
            if (!segments.is(i, SentSegments.SACKED) && board.skipSacked(segments.start(i)) - segments.end(i) >= 0)
            {
                onDelivered(i, nowNs);
                segments.flags(i, SentSegments.SACKED, SentSegments.LOST);
            }
        }
    }

    /** RFC 8985 §6.2 steps 2-3: a segment was newly acknowledged or SACKed. */
    private void onDelivered(final int i, final long nowNs)
    {
        final int end = segments.end(i);
        final long xmitNs = segments.xmitNs(i);
        final long rttNs = nowNs - xmitNs;
        final boolean retransmitted = segments.is(i, SentSegments.RETRANSMITTED);
        if (!retransmitted && end - fack < 0)
        {
            reordering = true; // step 3: an original delivered below RACK.fack arrived out of order
        }
        if (end - fack > 0)
        {
            fack = end;
        }
        if (retransmitted && rttNs < minRttNs)
        {
            return; // step 2: too soon for the retransmission; the ACK is likely the original's
        }
        if (!retransmitted)
        {
            minRttNs = minRttNs == 0 ? rttNs : Math.min(minRttNs, rttNs);
        }
        if (!rackValid || sentAfter(xmitNs, end, rackXmitNs, rackEndSeq))
        {
            rackValid = true;
            rackXmitNs = xmitNs;
            rackEndSeq = end;
            rackRttNs = rttNs;
        }
    }

    /** RFC 8985 §6.2 "RACK_sent_after": t1 after t2, sequence breaking the tie. */
    private static boolean sentAfter(final long t1, final int seq1, final long t2, final int seq2)
    {
        return t1 - t2 > 0 || t1 == t2 && seq1 - seq2 > 0;
    }

    /**
     * RFC 8985 §6.2 step 5: every segment neither SACKed nor already lost that was sent before RACK.xmit_ts and is
     * older than RACK.rtt + RACK.reo_wnd is lost.
     *
     * @return whether a segment was newly judged lost
     */
    private boolean detectLoss(final long nowNs)
    {
        if (!rackValid)
        {
            return false;
        }
        final long reoWndNs = reorderingWindowNs();
        boolean found = false;
        reorderTimeoutNs = -1;
        for (int i = 0; i < segments.size(); i++)
        {
            if (segments.is(i, SentSegments.SACKED | SentSegments.LOST))
            {
                continue;
            }
            final long xmitNs = segments.xmitNs(i);
            if (!sentAfter(rackXmitNs, rackEndSeq, xmitNs, segments.end(i)))
            {
                continue;
            }
            final long remainingNs = xmitNs + rackRttNs + reoWndNs - nowNs;
            if (remainingNs <= 0)
            {
                segments.flags(i, SentSegments.LOST, 0);
                found = true;
            }
            else
            {
                reorderTimeoutNs = Math.max(reorderTimeoutNs, remainingNs); // step 5: arm for the last to wait
            }
        }
        return found;
    }

    /** RFC 8985 §6.2 step 4 (RACK_update_reo_wnd's return value). */
    long reorderingWindowNs()
    {
        if (!reordering && (inRecovery || ctx.scoreboard().sackedBytes() >= (long)DUP_THRESH * ctx.smss()))
        {
            return 0;
        }
        return reorderingWindow.windowNs(minRttNs, ctx.srttNs());
    }

    /**
     * Resends segments judged lost, oldest first, while the window allows (the first one on entering recovery
     * whatever it says, as RFC 6675 §5 (4.3)). Only below SND.NXT: after a timeout the connection's own resend from
     * SND.UNA covers the rest.
     */
    private void resendLost(final long nowNs, final boolean firstRegardless)
    {
        final SackScoreboard board = ctx.scoreboard();
        final int una = ctx.sndUna();
        final int limit = ctx.sndNxt();
        boolean force = firstRegardless;
        int sent = 0;
        for (int i = 0; i < segments.size() && sent < MAX_SEGMENTS_PER_ACK; i++)
        {
            if (!segments.is(i, SentSegments.LOST))
            {
                continue;
            }
            final int start = segments.start(i) - una < 0 ? una : segments.start(i);
            if (start - limit >= 0 || !force && window() - segments.inFlightBytes() < ctx.smss())
            {
                return;
            }
            final int holeEnd = board.nextSackedAtOrAfter(start, segments.end(i));
            if (ctx.retransmit(start, holeEnd - start, nowNs) == 0)
            {
                return;
            }
            force = false;
            sent++;
        }
    }

    /** cwnd, or during recovery the window RFC 6937's proportional rate reduction sets on each ACK. */
    private long window()
    {
        return inRecovery ? prr.windowBytes() : ctx.congestionControl().cwnd();
    }

    @Override
    public void onRetransmitTimeout(final long nowNs)
    {
        inRecovery = false; // fast recovery, if any, becomes the timeout's: one exit, when that one ends
        inTimeoutRecovery = true;
        reorderTimeoutNs = -1;
        recoveryPoint = ctx.sndMax(); // RFC 6675 §5.1: no new reduction until this is acknowledged
        for (int i = 0; i < segments.size(); i++)
        {
            if (!segments.is(i, SentSegments.SACKED))
            {
                segments.flags(i, SentSegments.LOST, 0);
            }
        }
    }

    @Override
    public long sendAllowanceBytes()
    {
        return window() - segments.inFlightBytes();
    }

    /**
     * Yes: a probe during recovery draws the ACK (with SACK blocks) from which RACK finds a lost retransmission or a
     * lost tail by time; without it a lost last ACK of a small window leaves recovery to the RTO.
     */
    @Override
    public boolean probesDuringRecovery()
    {
        return true;
    }

    /**
     * Three: at 10% loss each way a probe or its ACK is lost one time in five, and a window of a few segments often
     * draws a single ACK; a second and third probe, each after a doubled PTO, are far cheaper than the RTO.
     */
    @Override
    public int tailLossProbes()
    {
        return 3;
    }

    @Override
    public boolean inRecovery()
    {
        return inRecovery;
    }

    /** RFC 8985 §6.1 RACK.reord: whether reordering was seen (for tests and diagnostics). */
    boolean reorderingSeen()
    {
        return reordering;
    }

    /** Segments sent and not yet cumulatively acknowledged (for tests and diagnostics). */
    int trackedSegments()
    {
        return segments.size();
    }

    @Override
    public String toString()
    {
        return "RackRecovery{inRecovery=" + inRecovery + ", recoveryPoint=" + Integer.toUnsignedString(recoveryPoint) +
            ", tracked=" + segments.size() + ", inFlight=" + segments.inFlightBytes() + ", rackRttNs=" + rackRttNs +
            ", minRttNs=" + minRttNs + ", reordering=" + reordering + ", " + reorderingWindow +
            (inRecovery ? ", " + prr : "") + '}';
    }
}
