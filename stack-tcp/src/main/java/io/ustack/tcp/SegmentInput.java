package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.tcp.IsnGenerator;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;

/**
 * RFC 9293 §3.10.7 SEGMENT ARRIVES, state by state (Linux {@code tcp_rcv_state_process}): CLOSED (§3.10.7.1),
 * LISTEN (§3.10.7.2), SYN-SENT (§3.10.7.3) and the other states (§3.10.7.4) with the acceptability test, the RST,
 * SYN and ACK checks hardened by RFC 5961's challenge ACKs, then text and FIN through the {@link Receiver}.
 * Every discarded segment is counted under its {@link DropReason}.
 */
final class SegmentInput
{
    private static final long ONE_SECOND_NS = 1_000_000_000L;
    /** RFC 7323 §5.5: after 24 days without a valid segment, TS.Recent is no longer trusted for PAWS. */
    private static final long PAWS_IDLE_NS = 24L * 24 * 3600 * ONE_SECOND_NS;

    private final Connections connections;
    private final SegmentOutput output;
    private final TcpTimers timers;
    private final Retransmission retransmission;
    private final Receiver receiver;
    private final StackCounters counters;
    private final TcpSettings settings;
    private final IsnGenerator isn;
    private long challengeWindowStartNs;
    private int challengeAcksInWindow;
    private boolean challengeWindowStarted;

    SegmentInput(final Connections connections, final SegmentOutput output, final TcpTimers timers,
        final Retransmission retransmission, final Receiver receiver, final StackCounters counters,
        final TcpSettings settings, final IsnGenerator isn)
    {
        this.connections = connections;
        this.output = output;
        this.timers = timers;
        this.retransmission = retransmission;
        this.receiver = receiver;
        this.counters = counters;
        this.settings = settings;
        this.isn = isn;
    }

    /** SEG.LEN: text plus one for SYN and one for FIN (RFC 9293 §3.4). */
    static int segmentLength(final TcpHeader seg)
    {
        return seg.payloadLength() + (seg.hasFlag(TcpHeader.SYN) ? 1 : 0) + (seg.hasFlag(TcpHeader.FIN) ? 1 : 0);
    }

    // ---- §3.10.7.1 CLOSED ---------------------------------------------------------------------------------------

    /** No connection or listener: RFC 9293 §3.10.7.1, a RST answers anything but a RST. */
    void onNoConnection(final TcpHeader seg, final int localAddress, final int remoteAddress, final long nowNs)
    {
        counters.drop(DropReason.TCP_NO_CONNECTION);
        if (seg.hasFlag(TcpHeader.RST))
        {
            return;
        }
        resetFor(seg, localAddress, remoteAddress, nowNs);
    }

    /** §3.10.7.1: ACK on → {@code <SEQ=SEG.ACK><CTL=RST>}, else {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}. */
    private void resetFor(final TcpHeader seg, final int localAddress, final int remoteAddress, final long nowNs)
    {
        if (seg.hasFlag(TcpHeader.ACK))
        {
            output.sendReset(localAddress, seg.destinationPort(), remoteAddress, seg.sourcePort(),
                seg.acknowledgmentNumber(), 0, false, nowNs);
        }
        else
        {
            output.sendReset(localAddress, seg.destinationPort(), remoteAddress, seg.sourcePort(), 0,
                SeqNum.add(seg.sequenceNumber(), segmentLength(seg)), true, nowNs);
        }
    }

    // ---- §3.10.7.2 LISTEN ---------------------------------------------------------------------------------------

    void onListen(final Connections.Listener l, final TcpHeader seg, final int localAddress, final int remoteAddress,
        final long nowNs)
    {
        if (seg.hasFlag(TcpHeader.RST))
        {
            counters.drop(DropReason.TCP_LISTEN_NOT_SYN); // §3.10.7.2 "first": an incoming RST is ignored
            return;
        }
        if (seg.hasFlag(TcpHeader.ACK))
        {
            counters.drop(DropReason.TCP_LISTEN_NOT_SYN); // §3.10.7.2 "second": any ACK draws <SEQ=SEG.ACK><RST>
            resetFor(seg, localAddress, remoteAddress, nowNs);
            return;
        }
        if (!seg.hasFlag(TcpHeader.SYN))
        {
            counters.drop(DropReason.TCP_LISTEN_NOT_SYN); // §3.10.7.2 "fourth": anything else is dropped
            return;
        }
        final Tcb t = l.pending + l.count < l.backlog ? connections.allocate() : null;
        if (t == null)
        {
            counters.drop(DropReason.TCP_LISTEN_OVERFLOW); // the peer retransmits its SYN later
            return;
        }
        t.localAddress = localAddress;
        t.localPort = seg.destinationPort();
        t.remoteAddress = remoteAddress;
        t.remotePort = seg.sourcePort();
        t.listenerId = l.id;
        l.pending++;
        // §3.10.7.2 "third": RCV.NXT = SEG.SEQ + 1, IRS = SEG.SEQ, choose ISS, send <SEQ=ISS><ACK=RCV.NXT><SYN,ACK>.
        // Text in the SYN is not kept: the peer sends it again after the handshake.
        t.startReceive(seg.sequenceNumber());
        t.startSend(isn.isn(localAddress, t.localPort, remoteAddress, t.remotePort, nowNs));
        takePeerOptions(t, seg, true, nowNs);
        t.sndWnd = seg.window();
        t.maxSndWnd = t.sndWnd;
        t.sndWl1 = seg.sequenceNumber();
        t.sndWl2 = t.iss;
        t.state = TcpState.SYN_RECEIVED;
        connections.addToTable(t);
        sendSyn(t, TcpHeader.SYN | TcpHeader.ACK, nowNs);
        counters.increment(CounterDescriptor.TCP_PASSIVE_OPENS);
    }

    /**
     * RFC 9293 §3.7.1: Eff.snd.MSS from the peer's MSS option (536 when absent, MUST-15) and our route MTU.
     * RFC 7323 §2.2: window scaling is on only when both SYNs carried the option; then each side's shift applies to
     * the windows it sends. RFC 2018 §2: SACK likewise, when both SYNs carried SACK-permitted.
     */
    void takePeerOptions(final Tcb t, final TcpHeader seg, final boolean passive, final long nowNs)
    {
        if (passive)
        {
            t.offerWindowScale = seg.options().hasWindowScale();
            t.offerSack = settings.sack() && seg.options().sackPermitted(); // RFC 2018 §2: only if the SYN had it
            t.offerTimestamps = settings.timestamps() && seg.options().hasTimestamps(); // RFC 7323 §3.2 likewise
        }
        t.sackOk = t.offerSack && seg.options().sackPermitted(); // RFC 2018 §2: both SYNs carried SACK-permitted
        t.tsOk = t.offerTimestamps && seg.options().hasTimestamps(); // RFC 7323 §3.2: both SYNs carried TSopt
        if (t.tsOk)
        {
            t.tsRecent = seg.options().tsVal(); // RFC 7323 §4.3: the SYN's TSval is the first TS.Recent
            t.tsRecentNs = nowNs;
        }
        final boolean scaling = t.offerWindowScale && seg.options().hasWindowScale();
        t.sndShift = scaling ? seg.options().windowScale() : 0;
        t.rcvShift = scaling ? t.receiveShiftNeeded() : 0;
        t.ourMss = output.mssFor(t.remoteAddress, nowNs);
        final int peerMss = seg.options().hasMss() && seg.options().mss() > 0 ? seg.options().mss() :
            SegmentOutput.DEFAULT_MSS;
        // RFC 6691 / RFC 9293 §3.7.1: options in every segment come out of the MSS (Linux's mss_cache does the same).
        t.effMss = Math.min(peerMss, t.ourMss) - (t.tsOk ? Tcb.TIMESTAMPS_OPTION_BYTES : 0);
        retransmission.chooseRecovery(t);
    }

    /** Sends our SYN (or SYN-ACK) at ISS and arms the retransmission timer. */
    void sendSyn(final Tcb t, final int flags, final long nowNs)
    {
        if ((flags & TcpHeader.ACK) == 0)
        {
            t.offerSack = settings.sack(); // RFC 2018 §2: an active open offers SACK in its SYN when configured
            t.offerTimestamps = settings.timestamps(); // RFC 7323 §3.2: and timestamps
        }
        t.tsOffset = Integer.rotateLeft(t.iss * 0x9E37_79B9, 11); // RFC 7323 §7.1: a per-connection clock offset
        output.send(t, t.iss, flags, 0, nowNs);
        t.rttStartNs = nowNs;
        t.sndNxt = SeqNum.add(t.iss, 1);
        t.sndMax = t.sndNxt;
        timers.restartRetransmit(t, nowNs);
    }

    // ---- §3.10.7.3 SYN-SENT -------------------------------------------------------------------------------------

    void onSynSent(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        final boolean hasAck = seg.hasFlag(TcpHeader.ACK);
        final int ack = seg.acknowledgmentNumber();
        // "first, check the ACK bit": SEG.ACK =< ISS or SEG.ACK > SND.NXT is unacceptable.
        if (hasAck && (SeqNum.leq(ack, t.iss) || SeqNum.gt(ack, t.sndMax)))
        {
            counters.drop(DropReason.TCP_SYN_SENT_BAD_ACK);
            if (!seg.hasFlag(TcpHeader.RST))
            {
                output.sendReset(t.localAddress, t.localPort, t.remoteAddress, t.remotePort, ack, 0, false, nowNs);
            }
            return;
        }
        if (seg.hasFlag(TcpHeader.RST))
        {
            // "second, check the RST bit": with an acceptable ACK, "error: connection reset" (refused); else drop.
            if (hasAck)
            {
                connections.onClosed(t, TcpError.REFUSED);
            }
            else
            {
                counters.drop(DropReason.TCP_SYN_SENT_BAD_ACK);
            }
            return;
        }
        if (!seg.hasFlag(TcpHeader.SYN))
        {
            counters.drop(DropReason.TCP_SYN_SENT_BAD_ACK); // "fifth": neither SYN nor RST: drop
            return;
        }
        // "fourth, check the SYN bit"
        t.startReceive(seg.sequenceNumber());
        takePeerOptions(t, seg, false, nowNs);
        t.sndWnd = seg.window();
        t.maxSndWnd = t.sndWnd;
        t.sndWl1 = seg.sequenceNumber();
        t.sndWl2 = ack;
        if (hasAck)
        {
            t.sndUna = ack;
            timers.cancelRetransmit(t);
            if (!t.synTimedOut)
            {
                t.rto.onRttSample(Math.max(1, nowNs - t.rttStartNs), nowNs);
            }
            connections.onEstablished(t, nowNs);
            t.ackNow = true;
            connections.markDirty(t);
        }
        else
        {
            // RFC 9293 §3.5 Figure 8, simultaneous open: SYN-RECEIVED, send <SEQ=ISS><ACK=RCV.NXT><SYN,ACK>.
            t.state = TcpState.SYN_RECEIVED;
            sendSyn(t, TcpHeader.SYN | TcpHeader.ACK, nowNs);
        }
    }

    // ---- §3.10.7.4 other states ---------------------------------------------------------------------------------

    void onSegment(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        t.segmentsIn++;
        t.lastReceiveNs = nowNs;
        if (t.state == TcpState.SYN_SENT)
        {
            onSynSent(t, seg, nowNs);
            return;
        }
        if (t.state == TcpState.SYN_RECEIVED && seg.hasFlag(TcpHeader.SYN) && seg.sequenceNumber() == t.irs &&
            !seg.hasFlag(TcpHeader.RST))
        {
            onSynAgainInSynReceived(t, seg, nowNs);
            return;
        }
        if (t.tsOk && seg.options().hasTimestamps() && !seg.hasFlag(TcpHeader.RST) && pawsRejects(t, seg, nowNs))
        {
            // RFC 7323 §5.3 R1: an older TSval than TS.Recent marks an old duplicate: ACK and drop.
            counters.drop(DropReason.TCP_PAWS_REJECTED);
            receiver.onOldDuplicate(t, seg, nowNs); // RFC 2883 §4: its text before RCV.NXT is reported
            t.ackNow = true;
            connections.markDirty(t);
            return;
        }
        if (!acceptable(t, seg))
        {
            if (ackOnlyAtZeroWindow(t, seg))
            {
                // §3.10.7.4: "If the RCV.WND is zero, no segments will be acceptable, but special allowance should be
                // made to accept valid ACKs": take the ACK of a segment at RCV.NXT, drop its text, answer.
                counters.drop(DropReason.TCP_OUT_OF_WINDOW);
                if (checkAck(t, seg, nowNs))
                {
                    t.ackNow = true;
                }
                return;
            }
            onUnacceptable(t, seg, nowNs);
            return;
        }
        if (t.tsOk && seg.options().hasTimestamps() && SeqNum.leq(seg.sequenceNumber(), t.lastAckSent) &&
            SeqNum.geq(seg.options().tsVal(), t.tsRecent))
        {
            // RFC 7323 §4.3 (2) / §5.3 R3: a segment at or before Last.ACK.sent with SEG.TSval >= TS.Recent updates
            // TS.Recent, so TSecr echoes the segment that filled a hole, not a later one.
            t.tsRecent = seg.options().tsVal();
            t.tsRecentNs = nowNs;
        }
        if (seg.hasFlag(TcpHeader.RST))
        {
            onReset(t, seg);
            return;
        }
        if (seg.hasFlag(TcpHeader.SYN))
        {
            // RFC 5961 §4.2: a SYN in a synchronized state, whatever its sequence number, draws a challenge ACK.
            challengeAck(t, DropReason.TCP_SYN_CHALLENGED, nowNs);
            return;
        }
        if (!seg.hasFlag(TcpHeader.ACK))
        {
            counters.drop(DropReason.TCP_NO_ACK); // §3.10.7.4 "fifth": if the ACK bit is off, drop the segment
            return;
        }
        if (!checkAck(t, seg, nowNs))
        {
            return;
        }
        if (t.state == TcpState.ESTABLISHED || t.state == TcpState.FIN_WAIT_1 || t.state == TcpState.FIN_WAIT_2)
        {
            receiver.onText(t, seg, nowNs);
        }
        else if (t.state == TcpState.TIME_WAIT && seg.hasFlag(TcpHeader.FIN))
        {
            timers.restartTimeWait(t, 2 * settings.mslNs(), nowNs); // §3.10.7.4 "eighth", TIME-WAIT
            t.ackNow = true;
        }
    }

    /**
     * SYN-RECEIVED and the peer's SYN again: a retransmitted SYN (our SYN-ACK was lost) is answered with the SYN-ACK
     * again; in a simultaneous open the peer's SYN-ACK (RFC 9293 §3.5 Figure 8, line 6) completes the handshake.
     */
    private void onSynAgainInSynReceived(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        final int ack = seg.acknowledgmentNumber();
        if (seg.hasFlag(TcpHeader.ACK) && SeqNum.lt(t.sndUna, ack) && SeqNum.leq(ack, t.sndMax))
        {
            t.sndUna = ack;
            timers.cancelRetransmit(t);
            t.sndWnd = seg.window();
            t.maxSndWnd = Math.max(t.maxSndWnd, t.sndWnd);
            connections.onEstablished(t, nowNs);
            t.ackNow = true;
            connections.markDirty(t);
            return;
        }
        output.send(t, t.iss, TcpHeader.SYN | TcpHeader.ACK, 0, nowNs);
    }

    /**
     * RFC 9293 §3.10.7.4 "first, check sequence number": the four cases of segment length × receive window.
     * <pre>
     *   len 0, wnd 0:  SEG.SEQ = RCV.NXT
     *   len 0, wnd>0:  RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
     *   len>0, wnd 0:  not acceptable
     *   len>0, wnd>0:  either end of the segment inside the window
     * </pre>
     */
    static boolean acceptable(final Tcb t, final TcpHeader seg)
    {
        final int seq = seg.sequenceNumber();
        final int length = segmentLength(seg);
        final int rcvNxt = t.rcvNxt();
        final int window = t.rcvWnd();
        if (length == 0)
        {
            return window == 0 ? seq == rcvNxt : SeqNum.inWindow(seq, rcvNxt, window);
        }
        if (window == 0)
        {
            return false;
        }
        return SeqNum.inWindow(seq, rcvNxt, window) || SeqNum.inWindow(SeqNum.add(seq, length - 1), rcvNxt, window);
    }

    /**
     * RFC 7323 §5.3 R1: SEG.TSval before TS.Recent (compared modulo 2^32) is rejected, unless TS.Recent has been idle
     * for more than 24 days (§5.5), when the peer's clock may have wrapped past it.
     */
    private static boolean pawsRejects(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        return SeqNum.lt(seg.options().tsVal(), t.tsRecent) && nowNs - t.tsRecentNs < PAWS_IDLE_NS &&
            !disorderedDuplicateAck(t, seg);
    }

    /**
     * Linux {@code tcp_disordered_ack}: a pure duplicate ACK overtaken by a later one carries an older TSval but is
     * no old duplicate of the connection's past; rejecting it would hide duplicate ACKs from fast retransmit.
     */
    private static boolean disorderedDuplicateAck(final Tcb t, final TcpHeader seg)
    {
        return seg.payloadLength() == 0 && (seg.flags() & (TcpHeader.SYN | TcpHeader.FIN)) == 0 &&
            seg.sequenceNumber() == t.rcvNxt() && seg.acknowledgmentNumber() == t.sndUna;
    }

    private static boolean ackOnlyAtZeroWindow(final Tcb t, final TcpHeader seg)
    {
        return t.rcvWnd() == 0 && seg.sequenceNumber() == t.rcvNxt() && seg.hasFlag(TcpHeader.ACK) &&
            (seg.flags() & (TcpHeader.RST | TcpHeader.SYN)) == 0 && t.state != TcpState.SYN_RECEIVED;
    }

    private void onUnacceptable(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        counters.drop(DropReason.TCP_OUT_OF_WINDOW);
        if (seg.hasFlag(TcpHeader.RST))
        {
            return; // §3.10.7.4: an unacceptable RST is dropped silently
        }
        // §3.10.7.4: "send an acknowledgment ... <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"; in TIME-WAIT this re-ACKs a
        // retransmitted FIN and restarts the 2 MSL timer.
        if (t.state == TcpState.TIME_WAIT && seg.hasFlag(TcpHeader.FIN))
        {
            timers.restartTimeWait(t, 2 * settings.mslNs(), nowNs);
        }
        receiver.onOldDuplicate(t, seg, nowNs); // RFC 2883 §4: the ACK reports text before RCV.NXT as a D-SACK
        t.ackNow = true;
        connections.markDirty(t);
    }

    /** §3.10.7.4 "second, check the RST bit", with RFC 5961 §3.2: only a RST exactly at RCV.NXT resets. */
    private void onReset(final Tcb t, final TcpHeader seg)
    {
        if (seg.sequenceNumber() != t.rcvNxt())
        {
            challengeAck(t, DropReason.TCP_RST_CHALLENGED, t.nowNs);
            return;
        }
        counters.increment(CounterDescriptor.TCP_RESETS_RECEIVED);
        switch (t.state)
        {
            // SYN-RECEIVED from a passive open goes back to LISTEN: the embryonic block is dropped. From an active
            // open (simultaneous open) the connection was refused.
            case TcpState.SYN_RECEIVED -> connections.onClosed(t, t.listenerId >= 0 ? TcpError.NONE : TcpError.REFUSED);
            case TcpState.CLOSING, TcpState.LAST_ACK, TcpState.TIME_WAIT -> connections.onClosed(t, TcpError.NONE);
            default -> connections.onClosed(t, TcpError.RESET);
        }
    }

    /** §3.10.7.4 "fifth, check the ACK field", with RFC 5961 §5.2. Returns false when processing stops. */
    private boolean checkAck(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        final int ack = seg.acknowledgmentNumber();
        if (t.state == TcpState.SYN_RECEIVED)
        {
            if (!(SeqNum.lt(t.sndUna, ack) && SeqNum.leq(ack, t.sndMax)))
            {
                // "If the segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>".
                counters.drop(DropReason.TCP_ACK_OUT_OF_RANGE);
                output.sendReset(t.localAddress, t.localPort, t.remoteAddress, t.remotePort, ack, 0, false, nowNs);
                return false;
            }
            t.sndUna = ack;
            timers.cancelRetransmit(t);
            if (!t.synTimedOut)
            {
                t.rto.onRttSample(Math.max(1, nowNs - t.rttStartNs), nowNs);
            }
            t.sndWl1 = SeqNum.add(seg.sequenceNumber(), -1); // so that this segment's window is taken below
            connections.onEstablished(t, nowNs);
        }
        // RFC 5961 §5.2: acceptable only within [SND.UNA - MAX.SND.WND, SND.NXT] (SND.MAX here, the highest sent).
        if (SeqNum.gt(ack, t.sndMax) || SeqNum.lt(ack, SeqNum.add(t.sndUna, -t.maxSndWnd)))
        {
            challengeAck(t, DropReason.TCP_ACK_OUT_OF_RANGE, nowNs);
            return false;
        }
        retransmission.onAck(t, seg, nowNs);
        return afterAck(t, nowNs);
    }

    /** The state changes an ACK of our FIN makes (§3.10.7.4 "fifth", FIN-WAIT-1, CLOSING, LAST-ACK). */
    private boolean afterAck(final Tcb t, final long nowNs)
    {
        if (!t.sendBuffer.finAcked())
        {
            return true;
        }
        switch (t.state)
        {
            case TcpState.FIN_WAIT_1 ->
            {
                t.state = TcpState.FIN_WAIT_2;
                if (t.userClosed)
                {
                    // Linux tcp_fin_timeout: an orphaned FIN-WAIT-2 does not wait forever for the peer's FIN.
                    timers.restartTimeWait(t, 2 * settings.mslNs(), nowNs);
                }
            }
            case TcpState.CLOSING ->
            {
                connections.enterTimeWait(t, nowNs);
                return false;
            }
            case TcpState.LAST_ACK ->
            {
                connections.onClosed(t, TcpError.NONE);
                return false;
            }
            default ->
            {
            }
        }
        return true;
    }

    /**
     * RFC 5961 §3.2/§4.2/§5.2: answer with {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>} instead of acting, at most
     * {@link TcpSettings#challengeAcksPerSecond()} per second for the whole module (RFC 5961 §7).
     */
    private void challengeAck(final Tcb t, final DropReason reason, final long nowNs)
    {
        counters.drop(reason);
        if (!challengeWindowStarted || nowNs - challengeWindowStartNs >= ONE_SECOND_NS)
        {
            challengeWindowStarted = true;
            challengeWindowStartNs = nowNs;
            challengeAcksInWindow = 0;
        }
        if (challengeAcksInWindow >= settings.challengeAcksPerSecond())
        {
            counters.increment(CounterDescriptor.TCP_CHALLENGE_ACKS_SUPPRESSED);
            return;
        }
        challengeAcksInWindow++;
        counters.increment(CounterDescriptor.TCP_CHALLENGE_ACKS_SENT);
        t.ackNow = true;
        connections.markDirty(t);
    }
}
