package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.timer.TimerService;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;

/**
 * What to send and when (Linux {@code tcp_write_xmit}): cuts the send buffer into segments at the effective MSS,
 * never beyond the peer's window or the congestion window, applies Nagle (RFC 9293 §3.7.4) with NODELAY and cork,
 * sender-side SWS avoidance (RFC 9293 §3.8.6.2.1), sets PSH on the segment that empties the buffer, carries the FIN
 * after the last byte, and runs the persist timer with zero-window probes (RFC 9293 §3.8.6.1).
 */
final class Sender
{
    /** Most segments one call sends, so that one connection cannot hog a duty cycle. */
    private static final int BURST = 64;
    /** Upper bound on the persist interval (RFC 6298 §2.5's 60 s maximum RTO, as Linux TCP_RTO_MAX is 120 s). */
    private static final long MAX_PERSIST_NS = 60_000_000_000L;

    private final SegmentOutput output;
    private final TcpTimers timers;
    private final Connections connections;
    private final StackCounters counters;
    private final TcpSettings settings;
    /** True inside {@link #transmit}'s burst, where the tail-loss-probe timer is armed once, after the burst. */
    private boolean inBurst;
    /** A segment of the current burst asked for the tail-loss-probe timer. */
    private boolean lossProbeOwed;

    Sender(final SegmentOutput output, final TcpTimers timers, final Connections connections,
        final StackCounters counters, final TcpSettings settings)
    {
        this.output = output;
        this.timers = timers;
        this.connections = connections;
        this.counters = counters;
        this.settings = settings;
    }

    /** Sends what the windows, Nagle and the buffer allow, then any ACK still owed. */
    int transmit(final Tcb t, final long nowNs)
    {
        int sent = 0;
        if (TcpState.transmits(t.state))
        {
            inBurst = true;
            lossProbeOwed = false;
            try
            {
                int segments;
                while (sent < BURST && (segments = sendSome(t, BURST - sent, nowNs)) > 0)
                {
                    sent += segments;
                }
            }
            finally
            {
                inBurst = false;
            }
            if (lossProbeOwed)
            {
                // Every segment of the burst left at nowNs, so arming once after it gives the deadline arming per
                // segment would (the probe timeout from the flight as it now is), without a timer cancel and
                // schedule per segment; Linux arms it once per tcp_write_xmit too (tcp_schedule_loss_probe).
                lossProbeOwed = false;
                timers.startLossProbe(t, Retransmission.probeTimeoutNs(t), nowNs);
            }
            checkPersist(t, nowNs);
        }
        if (t.ackNow && t.state != TcpState.CLOSED && t.state != TcpState.SYN_SENT)
        {
            if (output.sendAck(t, nowNs))
            {
                sent++;
            }
        }
        return sent;
    }

    /**
     * Sends the next segment, or up to {@code budget} full segments of new data at once where the link device cuts
     * them (segmentation offload).
     *
     * @return segments sent, 0 when nothing may go now
     */
    private int sendSome(final Tcb t, final int budget, final long nowNs)
    {
        int holeEnd = t.sndMax;
        if (t.sackOk && SeqNum.lt(t.sndNxt, t.sndMax))
        {
            // RFC 6675 §5.1: after a timeout, resend only what the receiver has not SACKed.
            t.sndNxt = t.scoreboard.skipSacked(t.sndNxt);
            holeEnd = t.scoreboard.nextSackedAtOrAfter(t.sndNxt, t.sndMax);
        }
        final int unsent = Math.max(0, t.sendBuffer.bytesAfter(t.sndNxt));
        final boolean finToSend = t.sendBuffer.finQueued() && SeqNum.leq(t.sndNxt, t.sendBuffer.finSeq());
        if (unsent == 0 && !finToSend)
        {
            return 0;
        }
        final int inFlight = t.inFlight();
        // RFC 9293 §3.8.6.2.1: usable window = SND.UNA + SND.WND - SND.NXT, and RFC 5681 §3.1: within cwnd, counted
        // by the loss recovery (FlightSize, or RFC 6675's pipe).
        final long peerRoom = (t.sndWnd & 0xFFFF_FFFFL) - inFlight;
        final int usable = (int)Math.max(0, Math.min(Math.min(peerRoom, t.recovery.sendAllowanceBytes()),
            Integer.MAX_VALUE));
        final boolean retransmission = SeqNum.lt(t.sndNxt, t.sndMax);
        final int hole = retransmission ? SeqNum.diff(holeEnd, t.sndNxt) : Integer.MAX_VALUE;
        // New data leaves room for the SACK blocks we owe (retransmissions keep their original boundaries).
        final int mssNow = retransmission ? t.effMss : t.effMss - output.sackRoomWanted(t);
        final int length = Math.min(Math.min(Math.min(unsent, mssNow), usable), hole);
        final boolean fin = finToSend && length == unsent && (usable > length || length == 0 && inFlight == 0);
        if (length == 0 && !fin)
        {
            return 0;
        }
        if (length < mssNow && !retransmission && !fin && !smallSegmentAllowed(t, length, unsent, usable, inFlight))
        {
            return 0;
        }
        if (!retransmission && length == t.effMss && budget > 1)
        {
            final int segments = sendSegmented(t, unsent, usable, finToSend, budget, nowNs);
            if (segments > 0)
            {
                return segments;
            }
        }
        int flags = TcpHeader.ACK;
        if (length > 0 && length == unsent)
        {
            flags |= TcpHeader.PSH; // the last segment of what the application wrote
        }
        if (fin)
        {
            flags |= TcpHeader.FIN;
        }
        if (!output.send(t, t.sndNxt, flags, length, nowNs))
        {
            return 0;
        }
        onSent(t, length, fin, retransmission, nowNs);
        return 1;
    }

    /**
     * Full segments of new data as one datagram the link device cuts (TCP segmentation offload, as Linux's
     * {@code tcp_write_xmit} sends a TSO skb): as many as the unsent bytes, the usable window, the segmentation
     * limit and {@code budget} allow, at least two. A FIN waits for the segment after them, sent the usual way, so
     * the segments never carry one; PSH goes on the last when they empty the buffer. Each segment is accounted as
     * if sent alone (RACK's per-segment send times, SND.NXT, the timers).
     *
     * @return segments sent, 0 when this does not apply or could not go (the caller sends one segment instead)
     */
    private int sendSegmented(final Tcb t, final int unsent, final int usable, final boolean finToSend,
        final int budget, final long nowNs)
    {
        final int mss = t.effMss;
        if (output.sackRoomWanted(t) != 0)
        {
            return 0;
        }
        int count = Math.min(Math.min(Math.min(unsent, usable) / mss, budget), output.segmentationLimit(t, mss));
        if (finToSend && count * mss == unsent)
        {
            count--; // the last byte goes with the FIN, in a segment of its own making
        }
        if (count < 2)
        {
            return 0;
        }
        final int flags = TcpHeader.ACK | (count * mss == unsent ? TcpHeader.PSH : 0);
        if (!output.sendSegmented(t, t.sndNxt, count, mss, flags, nowNs))
        {
            return 0;
        }
        for (int i = 0; i < count; i++)
        {
            onSent(t, mss, false, false, nowNs);
        }
        return count;
    }

    /**
     * RFC 9293 §3.7.4 Nagle and §3.8.6.2.1 sender SWS avoidance: a segment shorter than Eff.snd.MSS goes only if it
     * carries all the data queued and either nothing is in flight or NODELAY is on (never while corked), or it is
     * at least half the largest window the peer ever offered (Fs = 1/2), or it fills the whole usable window with
     * nothing in flight (the "override" of §3.8.6.2.1 (d), without which a peer holding a small window open would
     * stall us; Linux sends window-limited segments the same way).
     */
    private static boolean smallSegmentAllowed(final Tcb t, final int length, final int unsent, final int usable,
        final int inFlight)
    {
        if (length == unsent && !t.cork && (t.noDelay || inFlight == 0))
        {
            return true;
        }
        if (length == usable && inFlight == 0)
        {
            return true;
        }
        return !t.cork && t.maxSndWnd > 0 && length >= (t.maxSndWnd >>> 1);
    }

    private void onSent(final Tcb t, final int length, final boolean fin, final boolean retransmission,
        final long nowNs)
    {
        final int end = SeqNum.add(t.sndNxt, length + (fin ? 1 : 0));
        if (t.recovery != null)
        {
            t.recovery.onTransmit(t.sndNxt, end, retransmission, nowNs); // RFC 8985 §6.1: per-segment send times
        }
        if (retransmission)
        {
            t.lastRetransmitNs = nowNs;
            t.retransmits++;
            counters.increment(CounterDescriptor.TCP_RETRANSMITS);
            t.rttTiming = false; // RFC 6298 §3 (Karn): no sample from anything sent again
        }
        else
        {
            t.bytesSent += length;
            if (!t.rttTiming && t.rto != null)
            {
                t.rttTiming = true;
                t.rttSeq = end;
                t.rttStartNs = nowNs;
            }
        }
        t.sndNxt = end;
        if (SeqNum.gt(end, t.sndMax))
        {
            t.sndMax = end;
        }
        // RFC 6298 §5.1: start the timer if it is not running when a segment with data leaves; RFC 8985 §7.2: after
        // new data, (re)arm the tail loss probe instead when one may go.
        if (!retransmission && (t.rtoTimer == TimerService.NULL_TIMER_ID || t.lossProbeArmed || lossProbeOwed) &&
            Retransmission.lossProbeAllowed(t))
        {
            if (inBurst)
            {
                lossProbeOwed = true; // armed once when the burst ends
            }
            else
            {
                timers.startLossProbe(t, Retransmission.probeTimeoutNs(t), nowNs);
            }
        }
        else
        {
            timers.startRetransmitIfIdle(t, nowNs);
        }
        timers.cancelPersist(t);
    }

    /**
     * RFC 8985 §7.3: a tail loss probe with new data: one segment from SND.NXT if the peer's window takes it, whatever
     * cwnd says.
     *
     * @return false when no new data could go (the caller resends the last segment instead)
     */
    boolean sendNewSegmentForProbe(final Tcb t, final long nowNs)
    {
        final int unsent = Math.max(0, t.sendBuffer.bytesAfter(t.sndNxt));
        final int peerRoom = SeqNum.diff(SeqNum.add(t.sndUna, t.sndWnd), t.sndNxt);
        final int length = Math.min(Math.min(unsent, t.effMss), peerRoom);
        if (t.sndNxt != t.sndMax || length <= 0)
        {
            return false;
        }
        final int flags = TcpHeader.ACK | (length == unsent ? TcpHeader.PSH : 0);
        if (!output.send(t, t.sndNxt, flags, length, nowNs))
        {
            return false;
        }
        onSent(t, length, false, false, nowNs);
        return true;
    }

    /**
     * Resends one segment at {@code seq} (at most {@code maxBytes} and one MSS, never past SND.MAX) without moving
     * SND.NXT: fast retransmit (RFC 5681 §3.2 step 2), a NewReno partial ACK (RFC 6582 §3.2 step 3), or RFC 6675's
     * NextSeg. The FIN goes again with the last byte.
     *
     * @return sequence space resent, 0 when nothing was sent
     */
    int retransmitAt(final Tcb t, final int seq, final int maxBytes, final long nowNs)
    {
        final int outstanding = SeqNum.diff(t.sndMax, seq);
        final int data = Math.max(0, t.sendBuffer.bytesAfter(seq));
        if (outstanding <= 0 || SeqNum.lt(seq, t.sndUna))
        {
            return 0;
        }
        final int length = Math.min(Math.min(Math.min(data, outstanding), t.effMss), Math.max(0, maxBytes));
        final boolean fin = t.finSent() && length == data && SeqNum.add(seq, length) == t.sendBuffer.finSeq();
        if (length == 0 && !fin)
        {
            return 0;
        }
        final int flags = TcpHeader.ACK | (fin ? TcpHeader.FIN : 0) | (length > 0 && length == data ? TcpHeader.PSH : 0);
        if (!output.send(t, seq, flags, length, nowNs))
        {
            return 0;
        }
        t.lastRetransmitNs = nowNs;
        t.retransmits++;
        counters.increment(CounterDescriptor.TCP_RETRANSMITS);
        t.rttTiming = false;
        if (t.recovery != null)
        {
            t.recovery.onTransmit(seq, SeqNum.add(seq, length + (fin ? 1 : 0)), true, nowNs);
        }
        return length + (fin ? 1 : 0);
    }

    /**
     * RFC 9293 §3.8.6.1: data waits and the peer offers a zero window with nothing in flight (so no retransmission
     * timer runs): arm the persist timer, backed off from the RTO.
     */
    private void checkPersist(final Tcb t, final long nowNs)
    {
        final boolean waiting = t.sendBuffer.bytesAfter(t.sndNxt) > 0 ||
            t.sendBuffer.finQueued() && SeqNum.leq(t.sndNxt, t.sendBuffer.finSeq());
        if (waiting && t.sndWnd == 0 && t.sndNxt == t.sndUna && t.sndUna == t.sndMax)
        {
            timers.startPersist(t, persistDelay(t), nowNs);
        }
        else if (t.sndWnd != 0)
        {
            timers.cancelPersist(t);
            t.persistBackoff = 0;
        }
    }

    private static long persistDelay(final Tcb t)
    {
        final long base = t.rto.rtoNs();
        return Math.min(MAX_PERSIST_NS, base << Math.min(t.persistBackoff, 16));
    }

    /**
     * The persist timer fired: send a zero-window probe and back off. The probe is Linux's: an ACK with
     * SEG.SEQ = SND.UNA - 1 and no data, which any receiver answers with an ACK carrying its window
     * (RFC 9293 §3.10.7.4: an unacceptable segment draws an ACK). RFC 9293 §3.8.6.1 MUST-36/37: the connection stays
     * open for as long as the probes are answered; R2 unanswered probes in a row abort it.
     */
    void onPersistTimeout(final Tcb t, final long nowNs)
    {
        if (!TcpState.transmits(t.state) || t.sndWnd != 0)
        {
            t.persistBackoff = 0;
            return;
        }
        if (t.probes >= settings.r2())
        {
            connections.onClosed(t, TcpError.TIMED_OUT);
            return;
        }
        t.probes++;
        t.persistBackoff++;
        output.send(t, SeqNum.add(t.sndUna, -1), TcpHeader.ACK, 0, nowNs);
        timers.startPersist(t, persistDelay(t), nowNs);
    }
}
