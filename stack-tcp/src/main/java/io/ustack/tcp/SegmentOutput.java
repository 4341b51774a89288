package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.StackCounters;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import io.ustack.tcp.wire.TcpOptions;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Builds segments and hands them to IPv4 (Linux {@code tcp_output.c}'s transmit half): header, MSS option on SYNs,
 * the window from {@link io.ustack.tcp.buffer.ReceiveBuffer#windowToAdvertise}, data copied straight from the send
 * buffer into the claimed packet buffer, checksum over the pseudo-header, DF set (RFC 1191). With segmentation
 * offload, {@link #sendSegmented} hands many full segments of new data down as one datagram for the device to cut.
 * Nothing allocated.
 */
final class SegmentOutput
{
    /** Largest window without RFC 7323 scaling (RFC 9293 §3.1: 16 bits, MUST-1 unsigned). */
    static final int MAX_UNSCALED_WINDOW = 0xFFFF;
    /** IPv4 (20) + TCP (20) header bytes subtracted from an MTU to get an MSS (RFC 9293 §3.7.1). */
    static final int HEADERS = 40;
    /** RFC 9293 §3.7.1 MUST-15: the MSS assumed when the peer sent no MSS option. */
    static final int DEFAULT_MSS = 536;

    private final StackCounters counters;
    private final Connections connections;
    private final TcpHeader header = new TcpHeader();
    private final int[] sackLeft = new int[TcpOptions.MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[TcpOptions.MAX_SACK_BLOCKS];
    /** The receive buffer's blocks when a D-SACK goes before them (RFC 2883 §4). */
    private final int[] heldLeft = new int[TcpOptions.MAX_SACK_BLOCKS];
    private final int[] heldRight = new int[TcpOptions.MAX_SACK_BLOCKS];
    /** Whether the blocks {@link #sackBlocksFor} filled last start with the connection's D-SACK. */
    private boolean dsackInBlocks;
    private Ipv4Sender ip;
    private TcpTimers timers;

    SegmentOutput(final StackCounters counters, final Connections connections)
    {
        this.counters = counters;
        this.connections = connections;
    }

    void attach(final Ipv4Sender ip, final TcpTimers timers)
    {
        this.ip = ip;
        this.timers = timers;
    }

    Ipv4Sender ip()
    {
        return ip;
    }

    /** The MSS to advertise for a peer: route MTU - 40, never below 536 (RFC 9293 §3.7.1). */
    int mssFor(final int remoteAddress, final long nowNs)
    {
        final int mtu = ip.pathMtu(remoteAddress, nowNs);
        final int fromMtu = Math.min(mtu - HEADERS, ip.bufferCapacity() - TcpHeader.MIN_HEADER_LENGTH - 20);
        return Math.max(DEFAULT_MSS, fromMtu);
    }

    /**
     * Sends one segment of connection {@code t}: sequence number {@code seq}, {@code flags}, and {@code length}
     * data bytes taken from the send buffer at {@code seq} (after the SYN if the SYN flag is set). With ACK set it
     * acknowledges RCV.NXT and tells the ACK policy, so owed ACKs ride on it.
     *
     * <p>When the queues below have no room ({@link Ipv4Sender#sendRoom}) the segment is not built: the connection
     * is queued for output again and tries on the next duty cycle, so a burst bigger than the rings (a thousand
     * connections sending at once) waits instead of being lost and retransmitted. SYNs go regardless: their own
     * timer covers them, and a connection being opened has nothing queued to wait behind.
     *
     * @return false when nothing was sent (no room below, or no packet buffer free); the caller stops
     */
    boolean send(final Tcb t, final int seq, final int flags, final int length, final long nowNs)
    {
        if ((flags & TcpHeader.SYN) == 0 && ip.sendRoom() <= 0)
        {
            counters.increment(CounterDescriptor.TCP_OUTPUT_DEFERRED);
            connections.markDirty(t);
            return false;
        }
        final int bufferId = ip.claim();
        if (bufferId < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ip.buffer(bufferId);
        final int at = Ipv4Sender.PAYLOAD_OFFSET;
        final boolean syn = (flags & TcpHeader.SYN) != 0;
        final int sackBlocks = syn || (flags & TcpHeader.ACK) == 0 ? 0 : sackBlocksFor(t, length);
        final int headerLength = writeHeader(t, buffer, seq, flags, sackBlocks, nowNs);
        if (length > 0)
        {
            t.sendBuffer.copyOut(syn ? SeqNum.add(seq, 1) : seq, buffer, at + headerLength, length);
        }
        header.computeAndSetChecksum(t.localAddress, t.remoteAddress, headerLength + length);
        ip.send(bufferId, headerLength + length, t.localAddress, t.remoteAddress, TcpHeader.PROTOCOL,
            Ipv4Sender.DONT_FRAGMENT, 0, nowNs);
        afterSend(t, flags, 1, sackBlocks, nowNs);
        return true;
    }

    /**
     * The most full segments of {@code mss} data bytes one {@link #sendSegmented} may carry to the connection's
     * peer: as many as fit the largest datagram IPv4 takes for the link device to cut, 0 when there is no such
     * segmentation offload on the way. Only the timestamps option rides on them (no SACK blocks owed).
     */
    int segmentationLimit(final Tcb t, final int mss)
    {
        final int limit = ip.segmentationLimit(t.remoteAddress);
        return limit <= 0 ? 0 : (limit - dataHeaderLength(t)) / mss;
    }

    /**
     * Sends {@code count} full segments of new data from {@code seq} as one datagram the link device cuts at
     * {@code mss} (TCP segmentation offload): one header, written as {@link #send} writes it, the data copied once,
     * and the checksum left to the device (the field holds the pseudo-header sum). The device's segments carry the
     * same bytes {@code count} calls of {@link #send} would: the sequence number advanced per segment, PSH (when
     * {@code flags} has it) only on the last. No SACK blocks may be owed ({@link #sackRoomWanted} 0).
     *
     * @return false when nothing was sent: no room below or no large buffer free (the caller then sends one segment
     *         the usual way, which waits for room as {@link #send} says)
     */
    boolean sendSegmented(final Tcb t, final int seq, final int count, final int mss, final int flags,
        final long nowNs)
    {
        if (ip.sendRoom() <= 0)
        {
            return false;
        }
        final int bufferId = ip.claimLarge();
        if (bufferId < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = ip.buffer(bufferId);
        final int headerLength = writeHeader(t, buffer, seq, flags, 0, nowNs);
        final int length = count * mss;
        t.sendBuffer.copyOut(seq, buffer, Ipv4Sender.PAYLOAD_OFFSET + headerLength, length);
        header.setPartialChecksum(t.localAddress, t.remoteAddress, headerLength + length);
        ip.sendSegmented(bufferId, headerLength + length, mss, t.localAddress, t.remoteAddress, nowNs);
        afterSend(t, flags, count, 0, nowNs);
        return true;
    }

    /** Header bytes of a data segment with no SACK blocks: 20, and the timestamps option once negotiated. */
    private static int dataHeaderLength(final Tcb t)
    {
        return TcpHeader.MIN_HEADER_LENGTH + (t.tsOk ? Tcb.TIMESTAMPS_OPTION_BYTES : 0);
    }

    /**
     * Writes the TCP header of a segment of connection {@code t} at {@link Ipv4Sender#PAYLOAD_OFFSET} of
     * {@code buffer}, its options included, and leaves {@link #header} on it for the checksum.
     *
     * @return the header length
     */
    private int writeHeader(final Tcb t, final MutableDirectBuffer buffer, final int seq, final int flags,
        final int sackBlocks, final long nowNs)
    {
        final int at = Ipv4Sender.PAYLOAD_OFFSET;
        final boolean syn = (flags & TcpHeader.SYN) != 0;
        final int optionsLength = syn ? synOptionsLength(t) : (t.tsOk ? Tcb.TIMESTAMPS_OPTION_BYTES : 0) +
            (sackBlocks > 0 ? 4 + sackBlocks * TcpOptions.SACK_BLOCK_LENGTH : 0);
        final boolean ack = (flags & TcpHeader.ACK) != 0;
        final int tsVal = t.tsVal(nowNs);
        header.wrapForWrite(buffer, at)
            .sourcePort(t.localPort)
            .destinationPort(t.remotePort)
            .sequenceNumber(seq)
            .acknowledgmentNumber(ack ? t.rcvNxt() : 0)
            .dataOffset((TcpHeader.MIN_HEADER_LENGTH + optionsLength) / 4)
            .flags(flags)
            .window(ack || syn ? advertise(t, syn) : 0)
            .urgentPointer(0);
        if (syn)
        {
            // RFC 9293 §3.7.1: the MSS option goes only in SYNs; RFC 7323 §2.2: so does window scale.
            // RFC 7323 §3.2: TSecr is zero unless the ACK bit is set (our SYN-ACK echoes the peer's SYN).
            TcpOptions.writeSynOptions(buffer, at + TcpHeader.OPTIONS_OFFSET, t.ourMss,
                t.offerWindowScale ? t.receiveShiftNeeded() : TcpOptions.NO_WINDOW_SCALE, t.offerSack,
                t.offerTimestamps, tsVal, ack ? t.tsRecent : 0);
        }
        else
        {
            // RFC 7323 §3.2 and Appendix A: NOP NOP TS leads every segment once negotiated; SACK blocks follow
            // (three fit beside it in the 40 option bytes).
            int options = at + TcpHeader.OPTIONS_OFFSET;
            if (t.tsOk)
            {
                options += TcpOptions.writeTimestamps(buffer, options, tsVal, t.tsRecent);
            }
            if (sackBlocks > 0)
            {
                TcpOptions.writeSackBlocks(buffer, options, sackLeft, sackRight, sackBlocks);
            }
        }
        return TcpHeader.MIN_HEADER_LENGTH + optionsLength;
    }

    /** What sending {@code segments} segments with {@code flags} does to the connection's counts and owed ACKs. */
    private void afterSend(final Tcb t, final int flags, final int segments, final int sackBlocks, final long nowNs)
    {
        t.segmentsOut += segments;
        counters.add(CounterDescriptor.TCP_SEGMENTS_SENT, segments);
        if (sackBlocks > 0 && dsackInBlocks)
        {
            t.dsack.sent(); // RFC 2883 §4 (b): reported once
            t.dsackSent++;
        }
        if ((flags & TcpHeader.ACK) != 0)
        {
            t.lastAckSent = t.rcvNxt(); // RFC 7323 §4.3 Last.ACK.sent
            // RFC 2883 §4: a D-SACK a full data segment had no room for goes in a pure ACK after the data, not on
            // some later ACK that has room: in a bulk transfer both ways that came hundreds of kilobytes late.
            t.ackNow = t.dsack.pending();
            if (t.ackPolicy != null)
            {
                t.ackPolicy.onAckSent(nowNs);
            }
            timers.cancelDelayedAck(t);
        }
    }

    /**
     * A pure ACK with the current RCV.NXT and window (RFC 9293 §3.10.7.4 "<SEQ=SND.NXT><ACK=RCV.NXT>"). The RFC's
     * SND.NXT is our SND.MAX: after a go-back-N restart our SND.NXT is behind, and an ACK sent from there would fall
     * before the peer's RCV.NXT and be discarded as unacceptable (Linux {@code tcp_acceptable_seq} does the same).
     */
    boolean sendAck(final Tcb t, final long nowNs)
    {
        return send(t, t.sndMax, TcpHeader.ACK, 0, nowNs);
    }

    /**
     * RFC 9293 §3.10.7.1 / §3.5.2: a reset for a segment, out of any control block. With {@code withAck} it is
     * {@code <SEQ=seq><ACK=ack><CTL=RST,ACK>}, else {@code <SEQ=seq><CTL=RST>}.
     */
    void sendReset(final int localAddress, final int localPort, final int remoteAddress, final int remotePort,
        final int seq, final int ack, final boolean withAck, final long nowNs)
    {
        final int bufferId = ip.claim();
        if (bufferId < 0)
        {
            return;
        }
        final MutableDirectBuffer buffer = ip.buffer(bufferId);
        header.wrapForWrite(buffer, Ipv4Sender.PAYLOAD_OFFSET)
            .sourcePort(localPort)
            .destinationPort(remotePort)
            .sequenceNumber(seq)
            .acknowledgmentNumber(withAck ? ack : 0)
            .dataOffset(5)
            .flags(withAck ? TcpHeader.RST | TcpHeader.ACK : TcpHeader.RST)
            .window(0)
            .urgentPointer(0)
            .computeAndSetChecksum(localAddress, remoteAddress, TcpHeader.MIN_HEADER_LENGTH);
        ip.send(bufferId, TcpHeader.MIN_HEADER_LENGTH, localAddress, remoteAddress, TcpHeader.PROTOCOL,
            Ipv4Sender.DONT_FRAGMENT, 0, nowNs);
        counters.increment(CounterDescriptor.TCP_SEGMENTS_SENT);
        counters.increment(CounterDescriptor.TCP_RESETS_SENT);
    }

    private static int synOptionsLength(final Tcb t)
    {
        // Linux's layout (TcpOptions.writeSynOptions): MSS; SACK_PERM or NOP NOP, then TS; or NOP NOP SACK_PERM; NOP WS.
        final int sackAndTimestamps = t.offerTimestamps ? 2 + TcpOptions.TIMESTAMPS_LENGTH :
            t.offerSack ? 2 + TcpOptions.SACK_PERMITTED_LENGTH : 0;
        return TcpOptions.MSS_LENGTH + sackAndTimestamps +
            (t.offerWindowScale ? TcpOptions.WINDOW_SCALE_LENGTH + 1 : 0);
    }

    /** Option bytes left for SACK blocks beside the timestamps option, when that is in use. */
    private static int sackOptionRoom(final Tcb t)
    {
        return TcpOptions.MAX_OPTIONS_LENGTH - (t.tsOk ? Tcb.TIMESTAMPS_OPTION_BYTES : 0);
    }

    /**
     * Option bytes the SACK blocks we owe would take (RFC 2018 §3: 2 + 8 per block, NOP-padded to 4 + 8), as many
     * blocks as there are ranges to report (held out-of-order ranges, plus a pending D-SACK) and fit beside the
     * timestamps; 0 when nothing is owed. New data segments are cut this much shorter than Eff.snd.MSS, as Linux's
     * {@code tcp_current_mss} does, so the blocks ride on the data: otherwise a full segment has no room for them,
     * and in a two-way transfer the sender would learn of holes only from the rare pure ACK.
     */
    int sackRoomWanted(final Tcb t)
    {
        if (!t.sackOk)
        {
            return 0;
        }
        final int ranges = t.receiveBuffer.outOfOrderRangeCount() + (t.dsack.pending() ? 1 : 0);
        if (ranges == 0)
        {
            return 0;
        }
        final int blocks = Math.min(Math.min(ranges, TcpOptions.MAX_SACK_BLOCKS),
            (sackOptionRoom(t) - 4) / TcpOptions.SACK_BLOCK_LENGTH);
        return 4 + blocks * TcpOptions.SACK_BLOCK_LENGTH;
    }

    /**
     * RFC 2018 §4: an ACK sent while out-of-order data is held carries SACK blocks, the one holding the most recently
     * received segment first, then the others most recent first, as many as fit: four in the 40 option bytes, and
     * on a data segment only as many as the MSS leaves room for (RFC 6691: options come out of the MSS). RFC 2883
     * §4: a pending D-SACK goes first of all; the block holding the duplicate, when it lies above RCV.NXT, is then
     * the most recent and comes second (§4 (d)). Fills the scratch arrays; returns the block count.
     */
    private int sackBlocksFor(final Tcb t, final int length)
    {
        dsackInBlocks = false;
        final boolean dsack = t.dsack.pending();
        if (!t.sackOk || t.receiveBuffer.outOfOrderRangeCount() == 0 && !dsack)
        {
            return 0;
        }
        // Eff.snd.MSS already excludes the timestamps option when it is in use.
        final int maxRoom = sackOptionRoom(t);
        final int room = length == 0 ? maxRoom : Math.min(maxRoom, t.effMss - length);
        final int fit = Math.min(TcpOptions.MAX_SACK_BLOCKS, (room - 4) / TcpOptions.SACK_BLOCK_LENGTH);
        if (fit < 1)
        {
            return 0; // a full data segment: the D-SACK waits for the next ACK with room
        }
        if (!dsack)
        {
            return t.receiveBuffer.sackBlocks(sackLeft, sackRight, fit);
        }
        dsackInBlocks = true;
        sackLeft[0] = t.dsack.left();
        sackRight[0] = t.dsack.right();
        final int held = t.receiveBuffer.sackBlocks(heldLeft, heldRight, fit - 1);
        System.arraycopy(heldLeft, 0, sackLeft, 1, held);
        System.arraycopy(heldRight, 0, sackRight, 1, held);
        return 1 + held;
    }

    /**
     * The window to put in a segment: receiver-side SWS avoidance by the receive buffer (RFC 9293 §3.8.6.2.2),
     * capped at 65,535 without window scaling; records the right edge offered (RCV.NXT + RCV.WND).
     */
    private static int advertise(final Tcb t, final boolean syn)
    {
        // RFC 7323 §2.2: the window in a SYN is never scaled.
        final int shift = syn ? 0 : t.rcvShift;
        final int limit = syn ? MAX_UNSCALED_WINDOW : t.maxAdvertisableWindow();
        final int window = Math.min(t.receiveBuffer.windowToAdvertise(Math.max(1, t.effMss)), limit);
        final int field = window >>> shift;
        final int edge = SeqNum.add(t.rcvNxt(), field << shift);
        // RFC 9293 §3.8.6 MUST-34 (shrinking the window is strongly discouraged): never pull the edge back.
        if (SeqNum.gt(edge, t.rcvAdvEdge) || SeqNum.lt(t.rcvAdvEdge, t.rcvNxt()))
        {
            t.rcvAdvEdge = edge;
        }
        return Math.min(MAX_UNSCALED_WINDOW, SeqNum.diff(t.rcvAdvEdge, t.rcvNxt()) >>> shift);
    }
}
