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
