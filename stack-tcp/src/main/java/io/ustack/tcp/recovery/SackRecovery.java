package io.ustack.tcp.recovery;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.LossRecovery;
import io.ustack.api.tcp.LossRecoveryFactory;
import io.ustack.api.tcp.RecoveryContext;
import io.ustack.api.tcp.SackScoreboard;

/**
 * SACK-based loss recovery, RFC 6675 ("A Conservative Loss Recovery Algorithm Based on SACK"): loss is inferred from
 * the scoreboard ({@link #isLost}, DupThresh 3), the sender counts {@link #pipe()} instead of FlightSize, and during
 * recovery it sends while {@code cwnd - pipe >= 1 SMSS}, choosing each segment by NextSeg (§4): holes judged lost
 * first, then new data, then holes not yet judged lost.
 *
 * <p>Choices where the RFC leaves one:
 * <ul>
 *   <li>{@code cwnd} during recovery is not §5 step (4.2)'s {@code cwnd = ssthresh} at once but RFC 6937's
 *       proportional rate reduction towards it ({@link ProportionalRateReduction}, PRR-SSRB), recomputed on each
 *       ACK; the congestion control is not fed ACKs until recovery ends, as Linux skips {@code cong_avoid} in
 *       recovery.</li>
 *   <li>Outside recovery the sender's in-flight count also leaves out SACKed bytes (Linux's
 *       {@code tcp_packets_in_flight}); this is §5 step (2.c)'s limited transmit, sized by pipe.</li>
 *   <li>"Discontiguous SACKed sequences" of IsLost are counted as scoreboard ranges; the rescue retransmission of
 *       NextSeg rule (4) is not sent (the retransmission timer covers that case).</li>
 * </ul>
 */
public final class SackRecovery implements LossRecovery
{
    /** The name RFC 6675 recovery is chosen by. */
    public static final String NAME = "rfc6675";
    /** RFC 6675 §2 DupThresh. */
    public static final int DUP_THRESH = 3;
    /** Most segments one ACK may release during recovery (the sender's burst bound). */
    private static final int MAX_SEGMENTS_PER_ACK = 64;

    /** Registers RFC 6675 recovery with {@link java.util.ServiceLoader}. */
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
            return new SackRecovery();
        }
    }

    private RecoveryContext ctx;
    private int dupAcks;
    private boolean inRecovery;
    /** RFC 6675 §5 RecoveryPoint (as HighData + 1): recovery ends when SND.UNA reaches it. */
    private int recoveryPoint;
    /** RFC 6675 §2 HighRxt (as the sequence number after it): the end of the highest retransmission. */
    private int highRxt;
    private final ProportionalRateReduction prr = new ProportionalRateReduction();
    /** The scoreboard's SACKed bytes after the last ACK: RFC 6937's DeliveredData counts their change. */
    private long sackedBefore;

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
        dupAcks = 0;
        inRecovery = false;
        recoveryPoint = ctx.sndUna();
        highRxt = ctx.sndUna();
        sackedBefore = 0;
    }

    /** RFC 6937 §3: every byte sent during recovery counts in prr_out. */
    @Override
    public void onTransmit(final int seq, final int end, final boolean retransmission, final long nowNs)
    {
        if (inRecovery)
        {
            prr.onSent(end - seq);
        }
    }

    @Override
    public void onAck(final AckSample sample)
    {
        final CongestionControl cc = ctx.congestionControl();
        final int una = ctx.sndUna();
        // RFC 6937 §3: DeliveredData = change_in(snd.una) + change_in(SACKd).
        final long sackedNow = ctx.scoreboard().sackedBytes();
        final long delivered = sample.bytesAcked() + sackedNow - sackedBefore;
        sackedBefore = sackedNow;
        if (highRxt - una < 0)
        {
            highRxt = una;
        }
        if (inRecovery)
        {
            if (una - recoveryPoint >= 0)
            {
                // RFC 6675 §5: a cumulative ACK of RecoveryPoint ends recovery.
                inRecovery = false;
                dupAcks = 0;
                cc.onAck(sample);
                cc.onRecoveryExit(sample.nowNs());
                cc.onStateChange(CongestionControl.OPEN);
                return;
            }
            prr.onAck(delivered, pipe(), cc.ssthresh(), ctx.smss());
            sendWhilePipeAllows(sample.nowNs()); // RFC 6675 §5 step (C), on every ACK in recovery
            return;
        }
        if (sample.bytesAcked() > 0)
        {
            dupAcks = 0; // RFC 6675 §5 step (1): a cumulative ACK resets DupAcks
        }
        else if (sample.bytesSacked() > 0)
        {
            dupAcks++; // RFC 6675 §2: an ACK SACKing data not SACKed before counts as a duplicate
        }
        cc.onAck(sample);
        // RFC 6675 §5 steps (2.a)/(2.b): DupThresh duplicates, or the first unacknowledged segment judged lost; and
        // §5.1: no new recovery until SND.UNA reached the RecoveryPoint of the last one (or of a timeout).
        if ((dupAcks >= DUP_THRESH || isLost(una)) && una - recoveryPoint >= 0 && ctx.sndMax() - una > 0)
        {
            enterRecovery(delivered, sample.nowNs());
        }
    }

    /** RFC 6675 §5 step (4), with RFC 6937's start of recovery. */
    private void enterRecovery(final long delivered, final long nowNs)
    {
        final CongestionControl cc = ctx.congestionControl();
        inRecovery = true;
        recoveryPoint = ctx.sndMax(); // (4.1) RecoveryPoint = HighData
        cc.onCongestionEvent(nowNs); // (4.2) ssthresh = cwnd = FlightSize / 2, by the congestion control
        cc.onStateChange(CongestionControl.RECOVERY);
        prr.start(ctx.sndMax() - ctx.sndUna()); // RFC 6937 §3: RecoverFS = snd.nxt - snd.una
        prr.onAck(delivered, pipe(), cc.ssthresh(), ctx.smss());
        // (4.3) retransmit the first segment not SACKed, whatever pipe says.
        final int una = ctx.sndUna();
        final int holeEnd = ctx.scoreboard().nextSackedAtOrAfter(una, ctx.sndMax());
        final int sent = ctx.retransmit(una, holeEnd - una, nowNs);
        highRxt = una + sent;
        sendWhilePipeAllows(nowNs); // (4.4) then step (C)
    }

    /** RFC 6675 §5 step (C): while cwnd - pipe >= 1 SMSS, send NextSeg. */
    private void sendWhilePipeAllows(final long nowNs)
    {
        for (int i = 0; i < MAX_SEGMENTS_PER_ACK && recoveryWindow() - pipe() >= ctx.smss(); i++)
        {
            final int seq = nextRetransmission();
            if (seq - ctx.sndMax() >= 0)
            {
                return; // NextSeg rule (2) or nothing: new data is the sender's, within sendAllowanceBytes()
            }
            final int holeEnd = ctx.scoreboard().nextSackedAtOrAfter(seq, ctx.sndMax());
            final int sent = ctx.retransmit(seq, holeEnd - seq, nowNs);
            if (sent == 0)
            {
                return;
            }
            highRxt = seq + sent;
        }
    }

    /**
     * RFC 6675 §4 NextSeg rules (1) and (3): the first byte from HighRxt on that is not SACKed, if it is lost (1), or
     * if no new data may go (3); SND.MAX when new data should go instead (rule 2) or there is nothing to resend.
     */
    private int nextRetransmission()
    {
        final int sndMax = ctx.sndMax();
        final int candidate = ctx.scoreboard().skipSacked(highRxt);
        if (candidate - sndMax >= 0)
        {
            return sndMax;
        }
        if (candidate - lostBelow() < 0)
        {
            return candidate; // rule (1): lost
        }
        return ctx.sendableNewBytes() > 0 ? sndMax : candidate; // rule (2) before rule (3)
    }

    /**
     * RFC 6675 §4 IsLost for the unSACKed byte at {@code seq}: DupThresh discontiguous SACKed ranges above it, or more
     * than (DupThresh - 1) SMSS SACKed above it.
     */
    boolean isLost(final int seq)
    {
        return !ctx.scoreboard().isSacked(seq) && seq - lostBelow() < 0;
    }

    /**
     * The sequence number below which every unSACKed byte is lost: the left edge of the highest SACKed range at which,
     * counting from the top, DupThresh ranges or more than (DupThresh - 1) SMSS are SACKed; SND.UNA when none.
     */
    private int lostBelow()
    {
        final SackScoreboard board = ctx.scoreboard();
        final long enough = (long)(DUP_THRESH - 1) * ctx.smss();
        long bytes = 0;
        int ranges = 0;
        for (int i = board.rangeCount() - 1; i >= 0; i--)
        {
            bytes += board.right(i) - board.left(i);
            ranges++;
            if (ranges >= DUP_THRESH || bytes > enough)
            {
                return board.left(i);
            }
        }
        return ctx.sndUna();
    }

    /**
     * RFC 6675 §4 SetPipe: every unSACKed byte between SND.UNA and HighData counts once if not lost, and once more
     * if it was retransmitted (at or below HighRxt).
     */
    long pipe()
    {
        final int una = ctx.sndUna();
        final int sndMax = ctx.sndMax();
        final int lost = lostBelow();
        final int retransmittedEnd = highRxt - sndMax > 0 ? sndMax : highRxt;
        return unsacked(lost - una > 0 ? lost : una, sndMax) + unsacked(una, retransmittedEnd);
    }

    private long unsacked(final int from, final int to)
    {
        final int length = to - from;
        return length <= 0 ? 0 : length - ctx.scoreboard().sackedBetween(from, to);
    }

    /** The window of recovery: RFC 6937's, set on each ACK. */
    private long recoveryWindow()
    {
        return prr.windowBytes();
    }

    @Override
    public void onRetransmitTimeout(final long nowNs)
    {
        // RFC 6675 §5.1: recovery ends, RecoveryPoint = HighData, no new recovery until SND.UNA passes it.
        inRecovery = false;
        dupAcks = 0;
        recoveryPoint = ctx.sndMax();
        highRxt = ctx.sndUna();
    }

    @Override
    public long sendAllowanceBytes()
    {
        if (inRecovery)
        {
            return recoveryWindow() - pipe();
        }
        // Outside recovery (and while resending from SND.UNA after a timeout, when SND.NXT < SND.MAX): what was sent
        // up to SND.NXT and not SACKed is in flight.
        final int una = ctx.sndUna();
        return ctx.congestionControl().cwnd() - unsacked(una, ctx.sndNxt());
    }

    @Override
    public boolean inRecovery()
    {
        return inRecovery;
    }

    @Override
    public String toString()
    {
        return "SackRecovery{dupAcks=" + dupAcks + ", inRecovery=" + inRecovery + ", recoveryPoint=" +
            Integer.toUnsignedString(recoveryPoint) + ", highRxt=" + Integer.toUnsignedString(highRxt) +
            (inRecovery ? ", " + prr : "") + '}';
    }
}
