package io.ustack.tcp;

import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.tcp.AckPolicy;
import io.ustack.tcp.buffer.ReceiveBuffer;
import io.ustack.tcp.buffer.ReceiveOutcome;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;

/**
 * The receiving half of an accepted segment (RFC 9293 §3.10.7.4 "seventh, process the segment text" and "eighth,
 * check the FIN bit"): text into the {@link ReceiveBuffer}, the ACK decision through the {@link AckPolicy}
 * (immediate duplicate ACK for out-of-order text, RFC 5681 §4.2), and the state change when the peer's FIN is
 * reached.
 */
final class Receiver
{
    private final SegmentOutput output;
    private final TcpTimers timers;
    private final Connections connections;
    private final StackCounters counters;

    Receiver(final SegmentOutput output, final TcpTimers timers, final Connections connections,
        final StackCounters counters)
    {
        this.output = output;
        this.timers = timers;
        this.connections = connections;
        this.counters = counters;
    }

    /** Text and FIN of an acceptable segment in ESTABLISHED, FIN-WAIT-1 or FIN-WAIT-2. */
    void onText(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        final int seq = seg.sequenceNumber();
        final int length = seg.payloadLength();
        final int rcvNxtBefore = t.rcvNxt();
        if (length > 0)
        {
            // RFC 2883 §4: found before the text is stored, while what was held before is still told apart.
            reportDuplicate(t, seq, length, nowNs);
            final int stored = t.receiveBuffer.offer(seq, seg.buffer(), seg.payloadOffset(), length);
            if (stored == ReceiveBuffer.REFUSED)
            {
                // More out-of-order ranges than the buffer tracks: drop, the peer retransmits (RFC 9293 §3.10.7.4
                // allows a receiver to drop text it cannot hold).
                counters.drop(DropReason.TCP_RECEIVE_RANGES_FULL);
                t.ackNow = true;
                return;
            }
            t.bytesReceived += stored;
            decideAck(t, t.receiveBuffer.lastOutcome(), length, seg.hasFlag(TcpHeader.PSH), nowNs);
        }
        if (seg.hasFlag(TcpHeader.FIN))
        {
            // RFC 9293 §3.10.7.4 "eighth": the FIN takes SEG.SEQ + text length; it may wait for text before it.
            t.receiveBuffer.onFin(SeqNum.add(seq, length));
            t.ackNow = true;
        }
        if (t.rcvNxt() != rcvNxtBefore)
        {
            connections.events().onReadable(t.id);
        }
        if (!t.finProcessed && t.receiveBuffer.finReached())
        {
            onFinReached(t, nowNs);
        }
    }

    /**
     * RFC 2883 §4, an unacceptable segment whose text lies before RCV.NXT (an old duplicate, RFC 9293 §3.10.7.4
     * "first", or one PAWS rejected, RFC 7323 §5.3): the ACK that answers it reports the part before RCV.NXT.
     */
    void onOldDuplicate(final Tcb t, final TcpHeader seg, final long nowNs)
    {
        final int length = seg.payloadLength();
        if (length > 0 && SeqNum.lt(seg.sequenceNumber(), t.rcvNxt()))
        {
            reportDuplicate(t, seg.sequenceNumber(), length, nowNs);
        }
    }

    /**
     * RFC 2883 §4 (a)-(c): the first contiguous run of {@code [seq, seq + length)} already received, before RCV.NXT
     * or inside an out-of-order range, becomes the D-SACK of the next ACK, which goes at once. Only with SACK
     * agreed (RFC 2883 §4: D-SACK is an extension of the SACK option).
     */
    private void reportDuplicate(final Tcb t, final int seq, final int length, final long nowNs)
    {
        if (!t.sackOk)
        {
            return;
        }
        final ReceiveBuffer buffer = t.receiveBuffer;
        final int end = SeqNum.add(seq, length);
        if (SeqNum.lt(seq, buffer.rcvNxt()))
        {
            // Nothing at RCV.NXT is ever held (it would have advanced), so the run stops there.
            record(t, seq, SeqNum.min(end, buffer.rcvNxt()), nowNs);
            return;
        }
        for (int k = 0; k < buffer.outOfOrderRangeCount() && SeqNum.lt(buffer.outOfOrderStart(k), end); k++)
        {
            final int from = SeqNum.max(seq, buffer.outOfOrderStart(k));
            final int to = SeqNum.min(end, buffer.outOfOrderEnd(k));
            if (SeqNum.lt(from, to))
            {
                record(t, from, to, nowNs);
                return;
            }
        }
    }

    private void record(final Tcb t, final int from, final int to, final long nowNs)
    {
        if (!t.dsack.record(from, to))
        {
            // RFC 2883 §4 (b): a different duplicate is pending; it goes out in its own ACK first.
            output.sendAck(t, nowNs);
            if (t.dsack.pending())
            {
                t.dsackUnsent++; // no packet buffer or no room below: that report is lost, the newer one takes its place
                t.dsack.sent();
            }
            t.dsack.record(from, to);
        }
        t.ackNow = true; // the sender learns of its spurious retransmission without a delayed-ACK wait
    }

    private void decideAck(final Tcb t, final ReceiveOutcome outcome, final int length, final boolean push,
        final long nowNs)
    {
        switch (outcome)
        {
            case IN_ORDER:
                apply(t, t.ackPolicy.onSegmentReceived(length, false, push, t.ourMss, nowNs));
                break;
            case OUT_OF_ORDER:
                // RFC 5681 §4.2: an immediate duplicate ACK for each out-of-order segment. Sent now, not at the
                // end of the duty cycle: several out-of-order segments in one cycle must each produce their own
                // duplicate ACK, or the sender never counts three and falls back to its retransmission timeout.
                apply(t, t.ackPolicy.onSegmentReceived(length, true, push, t.ourMss, nowNs));
                if (!output.sendAck(t, nowNs))
                {
                    t.ackNow = true; // no room below: the latest ACK goes when there is
                }
                break;
            case FILLED_HOLE:
                // RFC 5681 §4.2: text filling a gap is acknowledged at once (the latest ACK of the cycle suffices).
                apply(t, t.ackPolicy.onSegmentReceived(length, true, push, t.ourMss, nowNs));
                t.ackNow = true;
                break;
            default:
                // Duplicate or beyond the window: RFC 9293 §3.10.7.4 answers with an ACK.
                t.ackNow = true;
                break;
        }
    }

    private void apply(final Tcb t, final int decision)
    {
        if (decision == AckPolicy.ACK_NOW)
        {
            t.ackNow = true;
        }
        else
        {
            // RFC 9293 §3.8.6.3 MUST-40: the delay stays under 0.5 s (the policy's deadline).
            timers.startDelayedAck(t, t.ackPolicy.ackDeadlineNs());
        }
    }

    /** RFC 9293 §3.10.7.4 "eighth, check the FIN bit": RCV.NXT has passed the peer's FIN. */
    private void onFinReached(final Tcb t, final long nowNs)
    {
        t.finProcessed = true;
        t.ackNow = true;
        switch (t.state)
        {
            case TcpState.SYN_RECEIVED, TcpState.ESTABLISHED -> t.state = TcpState.CLOSE_WAIT;
            case TcpState.FIN_WAIT_1 ->
            {
                if (t.sendBuffer.finAcked())
                {
                    connections.enterTimeWait(t, nowNs);
                }
                else
                {
                    t.state = TcpState.CLOSING; // RFC 9293 §3.6 simultaneous close
                }
            }
            case TcpState.FIN_WAIT_2 -> connections.enterTimeWait(t, nowNs);
            default ->
            {
            }
        }
        connections.events().onReadable(t.id);
    }

    /** After the application read: owe a window update if the right edge can move by enough (§3.8.6.2.2). */
    void onRead(final Tcb t)
    {
        final int possible = Math.min(t.receiveBuffer.window(), t.maxAdvertisableWindow());
        final int threshold = Math.min(t.receiveBuffer.capacity() >> 1, Math.max(1, t.effMss));
        if (possible - t.rcvWnd() >= threshold && TcpState.synchronizedState(t.state))
        {
            t.ackNow = true;
            connections.markDirty(t);
        }
    }
}
