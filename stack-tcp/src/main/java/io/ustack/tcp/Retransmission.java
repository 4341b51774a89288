package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.LossRecovery;
import io.ustack.api.tcp.TcpPolicies;
import io.ustack.tcp.recovery.DsackDetector;
import io.ustack.tcp.recovery.NewRenoRecovery;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;

/**
 * The sender's side of an acceptable ACK and the retransmission timer (Linux {@code tcp_ack} and
 * {@code tcp_retransmit_timer}): SND.UNA and the send window (RFC 9293 §3.10.7.4 "fifth"), RTT samples under Karn's
 * rule and the RTO with exponential backoff (RFC 6298), R2 abort (RFC 9293 §3.8.3). Loss recovery (fast
 * retransmit, NewReno or SACK-based recovery) is the connection's {@link LossRecovery}, which this class feeds every
 * ACK and which drives the {@link CongestionControl} hooks.
 */
final class Retransmission
{
    /** RFC 7323 §4: echoes older than this (60 s of 1 ms ticks) are not trusted as RTT samples. */
    private static final int MAX_TIMESTAMP_RTT_TICKS = 60_000;
    /** RFC 8985 §7.2 WCDelAckT: the longest a peer may hold an ACK (200 ms, as the RFC suggests). */
    private static final long MAX_PEER_ACK_DELAY_NS = 200_000_000L;
    /**
     * The shortest probe timeout: 2 ms, Linux's {@code TCP_TIMEOUT_MIN} added to 2·SRTT. On a path of 100 µs, 2·SRTT
     * alone is shorter than the scheduling delays of the threads on either side, so probes went out while the ACK was
     * merely late; each made the segment a retransmission, spoiling the RTT samples that follow it.
     */
    private static final long MIN_PROBE_TIMEOUT_NS = 2_000_000L;

    private final Sender sender;
    private final SegmentOutput output;
    private final TcpTimers timers;
    private final Connections connections;
    private final StackCounters counters;
    private final TcpSettings settings;
    private final TcpPolicies policies;

    Retransmission(final Sender sender, final SegmentOutput output, final TcpTimers timers,
        final Connections connections, final StackCounters counters, final TcpSettings settings,
        final TcpPolicies policies)
    {
        this.policies = policies;
        this.sender = sender;
        this.output = output;
        this.timers = timers;
        this.connections = connections;
        this.counters = counters;
        this.settings = settings;
    }

    /**
     * The SYNs have settled whether SACK is in use: gives the connection its loss recovery, the one the settings
     * name, or NewReno when that one needs SACK and the peer did not agree to it (RFC 2018 §2).
     */
    void chooseRecovery(final Tcb t)
    {
        LossRecovery recovery = policies.lossRecovery(settings.lossRecovery());
        if (recovery.requiresSack() && !t.sackOk)
        {
            recovery = policies.lossRecovery(NewRenoRecovery.NAME);
        }
        if (t.recoveryView == null)
        {
            t.recoveryView = new RecoveryView(t, sender);
        }
        t.scoreboard.clear();
        t.recovery = recovery;
        recovery.init(t.recoveryView);
    }

    /**
     * An ACK within [SND.UNA - MAX.SND.WND, SND.MAX] on a synchronized connection (the caller checked the range,
     * RFC 5961 §5.2).
     */
    void onAck(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        final int ack = seg.acknowledgmentNumber();
        final int window = seg.window() << t.sndShift; // RFC 7323 §2.3: SND.WND = SEG.WND << Snd.Wind.Shift
        // RFC 5681 §2: a duplicate ACK acknowledges nothing new, carries no data, SYN or FIN, leaves the window as
        // it was, and arrives while data is outstanding.
        final boolean duplicate = ack == t.sndUna && t.sndMax != t.sndUna && seg.payloadLength() == 0 &&
            (seg.flags() & (TcpHeader.SYN | TcpHeader.FIN)) == 0 && window == t.sndWnd;
        t.probes = 0; // RFC 9293 §3.8.6.1 MUST-37: an answered probe keeps the connection alive
        updateWindow(t, seg, ack, window);
        if (SeqNum.gt(ack, t.sndUna))
        {
            t.scoreboard.onCumulativeAck(ack);
            final int sacked = takeSackBlocks(t, seg, ack);
            onNewAck(t, ack, sacked, timestampRttNs(t, seg, nowNs), nowNs);
            armReorderTimer(t, nowNs);
            return;
        }
        final int sacked = takeSackBlocks(t, seg, ack);
        if (duplicate || sacked > 0)
        {
            onDuplicateAck(t, duplicate, sacked, nowNs);
            armReorderTimer(t, nowNs);
        }
    }

    /**
     * RFC 8985 §6.3: segments wait inside the reordering window: the retransmission timer is set to when they would
     * be lost (Linux's {@code ICSK_TIME_REO_TIMEOUT} shares the timer the same way); the RTO or PTO follows it.
     */
    private void armReorderTimer(final Tcb t, final long nowNs)
    {
        final long delayNs = t.recovery.reorderingTimeoutNs();
        if (delayNs > 0 && t.sndUna != t.sndMax)
        {
            timers.startReorderTimer(t, delayNs, nowNs);
        }
    }

    /** RFC 8985 §6.3: the reordering timer fired: the recovery judges again, then the RTO or PTO is armed. */
    private void onReorderTimeout(final Tcb t, final long nowNs)
    {
        t.reorderTimerArmed = false;
        final boolean wasInRecovery = t.recovery.inRecovery();
        t.recovery.onReorderingTimeout(nowNs);
        if (!wasInRecovery && t.recovery.inRecovery())
        {
            counters.increment(CounterDescriptor.TCP_FAST_RETRANSMITS);
        }
        if (t.sndUna == t.sndMax)
        {
            return;
        }
        if (lossProbeAllowed(t))
        {
            timers.startLossProbe(t, probeTimeoutNs(t), nowNs);
        }
        else
        {
            timers.restartRetransmit(t, nowNs);
        }
        armReorderTimer(t, nowNs);
        connections.markDirty(t); // new data may go in what the judgement freed
    }

    /**
     * RFC 2018 §5, RFC 6675 §3: the SACK blocks of an ACK into the scoreboard (blocks that say nothing new change
     * nothing). Only when both SYNs agreed to SACK. RFC 2883 §4: a D-SACK first block is not SACK information; it
     * goes to the loss recovery instead ({@link LossRecovery#onDuplicateSack}).
     *
     * @return bytes newly SACKed
     */
    private static int takeSackBlocks(final Tcb t, final TcpHeader seg, final int ack)
    {
        final int blocks = seg.options().sackBlockCount();
        if (!t.sackOk || blocks == 0)
        {
            return 0;
        }
        int first = 0;
        if (DsackDetector.firstBlockIsDsack(seg.options(), ack))
        {
            first = 1;
            onDsack(t, seg.options().sackLeft(0), seg.options().sackRight(0), ack);
        }
        int sacked = 0;
        for (int b = first; b < blocks; b++)
        {
            sacked += t.scoreboard.onBlock(seg.options().sackLeft(b), seg.options().sackRight(b), ack, t.sndMax);
        }
        return sacked;
    }

    /** RFC 2883 §4: a D-SACK about data we could have sent is counted and told to the recovery; others are ignored. */
    private static void onDsack(final Tcb t, final int left, final int right, final int ack)
    {
        if (DsackDetector.plausible(left, right, t.sndUna, t.sndMax, t.maxSndWnd))
        {
            t.dsackReceived++;
            t.recovery.onDuplicateSack(left, right, ack);
        }
        else
        {
            t.dsackIgnored++;
        }
    }

    /** RFC 9293 §3.10.7.4: update SND.WND when the segment is newer (SND.WL1, SND.WL2) than the last update. */
    private static void updateWindow(final Tcb t, final TcpHeader seg, final int ack, final int window)
    {
        final int seq = seg.sequenceNumber();
        if (SeqNum.lt(t.sndWl1, seq) || (t.sndWl1 == seq && SeqNum.leq(t.sndWl2, ack)))
        {
            t.sndWnd = window;
            t.sndWl1 = seq;
            t.sndWl2 = ack;
            t.maxSndWnd = Math.max(t.maxSndWnd, window);
        }
    }

    /**
     * RFC 7323 §4 RTTM: the round trip from the TSval the peer echoes (TSecr), on an ACK of new data; valid also for
     * retransmitted data, as the peer echoes the timestamp of the segment that advanced its RCV.NXT (§4.3). Whole
     * clock ticks, at least one. -1 when the ACK carries no usable echo.
     */
    private static long timestampRttNs(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        if (!t.tsOk || !seg.options().hasTimestamps())
        {
            return -1;
        }
        final int ticks = t.tsVal(nowNs) - seg.options().tsEcr();
        if (t.retransmits > 0 && seg.options().tsEcr() - t.tsVal(t.lastRetransmitNs) < 0)
        {
            // RFC 6298 §3 (Karn's ambiguity, which RFC 7323 §4.1 removes only for fresh echoes): the echo predates
            // the last retransmission, so the ACK may answer a later copy (a duplicate whose first ACK was lost,
            // RFC 7323 §4.3 echoes the older TSval). Such a sample measures ACK loss and timeouts, not the path: one
            // of seconds against a 100 us path drove the RTO to its maximum and stalled the sender.
            return -1;
        }
        return ticks < 0 || ticks > MAX_TIMESTAMP_RTT_TICKS ? -1 : Math.max(1, ticks) * Tcb.TS_TICK_NS;
    }

    private void onNewAck(final Tcb t, final int ack, final int sacked, final long tsRttNs, final long nowNs)
    {
        final int freed = Math.max(0, t.sendBuffer.acknowledge(ack));
        final int advanced = SeqNum.diff(ack, t.sndUna);
        final AckSample sample = t.ackSample.reset().nowNs(nowNs).bytesAcked(advanced).bytesSacked(sacked);
        // RFC 6298 §3 (Karn): only the timed segment, never retransmitted, gives a sample.
        if (t.rttTiming && SeqNum.leq(t.rttSeq, ack))
        {
            final long rttNs = Math.max(1, nowNs - t.rttStartNs);
            t.rto.onRttSample(rttNs, nowNs);
            t.minRttNs = t.minRttNs == 0 ? rttNs : Math.min(t.minRttNs, rttNs);
            sample.rttNs(rttNs);
            t.rttTiming = false;
        }
        else if (tsRttNs > 0)
        {
            // RFC 7323 §4.1: with timestamps, Karn's rule is not needed; the sample also ends the backoff.
            t.rto.onRttSample(tsRttNs, nowNs);
            t.minRttNs = t.minRttNs == 0 ? tsRttNs : Math.min(t.minRttNs, tsRttNs);
            sample.rttNs(tsRttNs);
        }
        else if (t.rto.backoffs() > 0)
        {
            t.rto.onNewAckAfterBackoff();
        }
        t.sndUna = ack;
        if (SeqNum.lt(t.sndNxt, ack))
        {
            t.sndNxt = ack; // after a go-back-N restart the peer may acknowledge past what we resent
        }
        t.retries = 0;
        t.bytesAcked += freed;
        sample.inFlightBytes(t.flightSizeBytes()).deliveredBytes(t.bytesAcked);
        onRecoveryAck(t, sample);
        t.tailProbes = 0; // an ACK of new data: the next probe is the first again
        if (t.lossProbeOut && SeqNum.geq(ack, t.lossProbeEnd))
        {
            t.lossProbeOut = false; // RFC 8985 §7.4: the probe's episode is over
        }
        // RFC 6298 §5.2/5.3: all acknowledged → stop the timer; new data acknowledged → restart it (RFC 8985 §7.2:
        // with the probe timeout when a tail loss probe may go).
        if (t.sndUna == t.sndMax)
        {
            timers.cancelRetransmit(t);
        }
        else if (lossProbeAllowed(t))
        {
            timers.startLossProbe(t, probeTimeoutNs(t), nowNs);
        }
        else
        {
            timers.restartRetransmit(t, nowNs);
        }
        if (freed > 0 && t.sendBuffer.free() > 0)
        {
            connections.events().onWritable(t.id);
        }
    }

    /** An ACK that acknowledged nothing new: an RFC 5681 §2 duplicate, or one that SACKed new data (RFC 6675 §2). */
    private void onDuplicateAck(final Tcb t, final boolean duplicate, final int sacked, final long nowNs)
    {
        onRecoveryAck(t, t.ackSample.reset().nowNs(nowNs).duplicate(duplicate).bytesSacked(sacked)
            .inFlightBytes(t.flightSizeBytes()).deliveredBytes(t.bytesAcked));
    }

    /** Hands the ACK to the loss recovery (which feeds the congestion control) and counts a fast retransmit. */
    private void onRecoveryAck(final Tcb t, final AckSample sample)
    {
        final boolean wasInRecovery = t.recovery.inRecovery();
        t.recovery.onAck(sample);
        if (!wasInRecovery && t.recovery.inRecovery())
        {
            counters.increment(CounterDescriptor.TCP_FAST_RETRANSMITS);
        }
    }

    /**
     * RFC 8985 §7.1-7.2: a tail loss probe is allowed with SACK, outside recovery (unless the loss recovery allows
     * it there, {@link LossRecovery#probesDuringRecovery()}) and timeout backoff, one at a time, once an RTT was
     * measured, in every state where we transmit: a sender in CLOSE-WAIT (the peer has finished sending) or with
     * its FIN queued has a tail to lose as much as one in ESTABLISHED (RFC 8985 names no state; Linux probes there
     * too). Limited to ESTABLISHED, each tail loss after the peer's FIN waited for the RTO: 200 ms at 10% loss.
     */
    static boolean lossProbeAllowed(final Tcb t)
    {
        return t.sackOk && (!t.recovery.inRecovery() || t.recovery.probesDuringRecovery()) && t.retries == 0 &&
            probeBudgetLeft(t) && t.rto.srttNs() > 0 && TcpState.transmits(t.state);
    }

    /**
     * RFC 8985 §7.3: no new probe while one is unacknowledged, unless the loss recovery allows more than one in a
     * row ({@link LossRecovery#tailLossProbes()}) and fewer went since the last ACK of new data.
     */
    private static boolean probeBudgetLeft(final Tcb t)
    {
        final int allowed = t.recovery.tailLossProbes();
        return !t.lossProbeOut || allowed > 1 && t.tailProbes < allowed;
    }

    /**
     * RFC 8985 §7.2: PTO = 2·SRTT, plus the peer's delayed-ACK allowance when one segment is in flight (it may be
     * waiting for a second), never beyond the RTO.
     */
    static long probeTimeoutNs(final Tcb t)
    {
        long pto = 2 * t.rto.srttNs();
        if (SeqNum.diff(t.sndMax, t.sndUna) <= t.effMss)
        {
            pto += MAX_PEER_ACK_DELAY_NS;
        }
        return Math.min(Math.max(pto, MIN_PROBE_TIMEOUT_NS), t.rto.rtoNs());
    }

    /**
     * RFC 8985 §7.3: the probe timer fired with no ACK since: send one new segment if the windows let one go, else
     * the last segment again, so that the ACK it draws (with SACK blocks) reveals a lost tail or a lost ACK without
     * waiting for the RTO. The RTO is armed again; cwnd is not touched.
     */
    private void onLossProbeTimeout(final Tcb t, final long nowNs)
    {
        t.lossProbeOut = true;
        if (!sender.sendNewSegmentForProbe(t, nowNs))
        {
            final int dataEnd = t.finSent() ? t.sendBuffer.finSeq() : t.sndMax;
            final int start = SeqNum.max(t.sndUna, SeqNum.add(dataEnd, -t.effMss));
            sender.retransmitAt(t, start, Integer.MAX_VALUE, nowNs);
        }
        t.lossProbeEnd = t.sndMax;
        t.tailProbes++;
        if (lossProbeAllowed(t))
        {
            // Another probe may follow if this one draws nothing, after a doubled PTO (RFC 9002 §6.2.1's backoff).
            timers.startLossProbe(t, Math.min(probeTimeoutNs(t) << Math.min(t.tailProbes, 8), t.rto.rtoNs()), nowNs);
            return;
        }
        timers.restartRetransmit(t, nowNs);
    }

    /** The retransmission timer fired (RFC 6298 §5.4-5.6; RFC 9293 §3.8.3 R2). */
    void onTimeout(final Tcb t, final long nowNs)
    {
        if (t.reorderTimerArmed)
        {
            onReorderTimeout(t, nowNs);
            return;
        }
        if (t.lossProbeArmed)
        {
            t.lossProbeArmed = false;
            if (t.sndUna != t.sndMax && lossProbeAllowed(t))
            {
                onLossProbeTimeout(t, nowNs);
                return;
            }
            if (t.sndUna != t.sndMax && t.state != TcpState.SYN_SENT && t.state != TcpState.SYN_RECEIVED)
            {
                // RFC 8985 §7.2: the PTO only stood in for the RTO. When no probe may go now (recovery began on the
                // ACKs since it was armed), the RTO has not expired: arm it, with no backoff and no cwnd collapse.
                timers.restartRetransmit(t, nowNs);
                return;
            }
        }
        if (t.state == TcpState.SYN_SENT || t.state == TcpState.SYN_RECEIVED)
        {
            onHandshakeTimeout(t, nowNs);
            return;
        }
        if (t.sndUna == t.sndMax || t.state == TcpState.TIME_WAIT || t.state == TcpState.CLOSED)
        {
            return;
        }
        if (t.retries >= settings.r2())
        {
            // RFC 9293 §3.8.3: after R2 the connection is closed and the user told (ETIMEDOUT).
            counters.increment(CounterDescriptor.TCP_TIMEOUT_ABORTS);
            connections.onClosed(t, TcpError.TIMED_OUT);
            return;
        }
        // RFC 9293 §3.8.6.1 MUST-37: a peer that closed its window on data already in flight and answers every
        // retransmission is probed indefinitely, as with the persist timer (Linux tcp_retransmit_timer does the same
        // when snd_wnd is 0 and the peer is heard from); only silence counts towards R2.
        final boolean peerAlive = t.sndWnd == 0 && nowNs - t.lastReceiveNs < 2 * t.rto.rtoNs();
        if (!peerAlive)
        {
            t.retries++;
        }
        counters.increment(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS);
        t.rto.onTimeout(); // RFC 6298 §5.5: back off
        t.cc.onRetransmitTimeout(nowNs);
        t.cc.onStateChange(CongestionControl.LOSS);
        t.recovery.onRetransmitTimeout(nowNs);
        t.rttTiming = false;
        // RFC 8985 §7.4: a timeout ends the probe's episode (Linux clears tlp_high_seq): once an ACK of new data
        // ends the backoff, the next tail may be probed again instead of waiting out another, doubled, RTO.
        t.lossProbeOut = false;
        t.tailProbes = 0;
        if (t.retries > 1 || t.scoreboard.isSacked(t.sndUna))
        {
            // RFC 2018 §8: the receiver may have reneged on what it SACKed (data SACKed but never acknowledged
            // across timeouts, or SACKed at SND.UNA itself): forget it and resend everything from SND.UNA.
            t.scoreboard.clear();
        }
        // Go-back-N from SND.UNA (RFC 5681 §3.1: "retransmit ... starting with the first unacknowledged segment");
        // the sender resends in cwnd-sized bursts as ACKs return.
        t.sndNxt = t.sndUna;
        timers.restartRetransmit(t, nowNs); // RFC 6298 §5.6
        connections.markDirty(t);
        if (t.sndWnd == 0)
        {
            // Nothing may go into a zero window: probe it (SEG.SEQ = SND.UNA - 1, as the persist timer does).
            output.send(t, SeqNum.add(t.sndUna, -1), TcpHeader.ACK, 0, nowNs);
            return;
        }
        sender.transmit(t, nowNs);
    }

    private void onHandshakeTimeout(final Tcb t, final long nowNs)
    {
        if (t.retries >= settings.synRetries())
        {
            counters.increment(CounterDescriptor.TCP_TIMEOUT_ABORTS);
            connections.onClosed(t, TcpError.TIMED_OUT);
            return;
        }
        t.retries++;
        t.synTimedOut = true;
        t.rto.onTimeout();
        t.retransmits++;
        counters.increment(CounterDescriptor.TCP_RETRANSMITS);
        final int flags = t.state == TcpState.SYN_SENT ? TcpHeader.SYN : TcpHeader.SYN | TcpHeader.ACK;
        output.send(t, t.iss, flags, 0, nowNs);
        timers.restartRetransmit(t, nowNs);
    }
}
