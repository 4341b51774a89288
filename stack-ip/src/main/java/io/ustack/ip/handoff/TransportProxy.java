package io.ustack.ip.handoff;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.ipv4.TransportProtocol;
import io.ustack.ip.offload.TcpSegmenter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.ustack.ip.handoff.HandoffLayout.FIELD0_OFFSET;
import static io.ustack.ip.handoff.HandoffLayout.FIELD1_OFFSET;
import static io.ustack.ip.handoff.HandoffLayout.FIELD2_OFFSET;
import static io.ustack.ip.handoff.HandoffLayout.QUOTE_OFFSET;
import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Stands in, on the network agent's thread, for a transport that runs on its own agent: what IPv4 delivers to it
 * goes into the ring to that agent, and what the transport sends comes back through the other ring and goes out
 * through the real {@link Ipv4Sender} here.
 *
 * <p>A received datagram is not copied: its packet buffer is {@linkplain PacketBufferPool#retain retained} and its
 * descriptor passed on, and the transport's agent releases it. Only datagrams that live outside the pool (the
 * reassembler's) and ICMP error quotes are copied into a buffer.
 */
public final class TransportProxy implements TransportProtocol
{
    private final int protocolNumber;
    private final PacketBufferPool pool;
    private final DescriptorRing toTransport;
    private final DescriptorRing fromTransport;
    private final StackCounters counters;
    private final int batchSize;
    private final OutboundHandler outbound = new OutboundHandler();
    private final ReceivedDatagram requestView = new ReceivedDatagram();
    private Ipv4Sender sender;
    private IcmpErrors icmpErrors;
    private long nowNs;
    /**
     * Descriptors taken from the transport that wait for room below, oldest at {@link #heldStart}: a segmented
     * datagram without a place for each of its segments, and whatever the same drain took after it (order is kept).
     */
    private final int[] heldIds;
    private final int[] heldOffsets;
    private final int[] heldLengths;
    private final int[] heldFlags;
    private int heldStart;
    private int heldCount;
    /** Places left below in this duty cycle. */
    private int budget;

    /**
     * @param protocolNumber the IPv4 protocol the transport carries
     * @param toTransport    ring to the transport's agent (this thread produces)
     * @param fromTransport  ring from the transport's agent (this thread consumes)
     * @param batchSize      most descriptors taken from the transport per duty cycle
     */
    public TransportProxy(final int protocolNumber, final PacketBufferPool pool, final DescriptorRing toTransport,
        final DescriptorRing fromTransport, final StackCounters counters, final int batchSize)
    {
        this.protocolNumber = protocolNumber;
        this.pool = pool;
        this.toTransport = toTransport;
        this.fromTransport = fromTransport;
        this.counters = counters;
        this.batchSize = batchSize;
        final int holdCapacity = Math.max(1, Math.min(batchSize, fromTransport.capacity()));
        this.heldIds = new int[holdCapacity];
        this.heldOffsets = new int[holdCapacity];
        this.heldLengths = new int[holdCapacity];
        this.heldFlags = new int[holdCapacity];
    }

    @Override
    public int protocolNumber()
    {
        return protocolNumber;
    }

    @Override
    public void onAttach(final Ipv4Sender sender, final IcmpErrors icmpErrors)
    {
        this.sender = sender;
        this.icmpErrors = icmpErrors;
    }

    @Override
    public void onDatagram(final ReceivedDatagram datagram, final long nowNs)
    {
        final int flags = HandoffLayout.flags(HandoffLayout.KIND_DATAGRAM, datagram.interfaceIndex(),
            datagram.linkBroadcast(), datagram.fragment());
        final int length = datagram.headerLength() + datagram.payloadLength();
        final int bufferId = pool.idOf(datagram.buffer());
        if (bufferId >= 0)
        {
            pool.retain(bufferId);
            if (!toTransport.offer(bufferId, datagram.headerOffset(), length, flags))
            {
                pool.release(bufferId);
                counters.drop(DropReason.RING_FULL_TO_TRANSPORT);
            }
            return;
        }
        if (length > pool.slotSize())
        {
            counters.drop(DropReason.HANDOFF_TOO_LARGE);
            return;
        }
        copyAndOffer(datagram.buffer(), datagram.headerOffset(), length, 0, flags);
    }

    @Override
    public void onIcmpError(final int icmpType, final int icmpCode, final int info, final ReceivedDatagram quoted,
        final long nowNs)
    {
        final int length = Math.min(quoted.headerLength() + quoted.payloadLength(), pool.slotSize() - QUOTE_OFFSET);
        copyAndOffer(quoted.buffer(), quoted.headerOffset(), length, QUOTE_OFFSET,
            HandoffLayout.flags(HandoffLayout.KIND_ICMP_ERROR, quoted.interfaceIndex(), false, quoted.fragment()),
            icmpType, icmpCode, info);
    }

    private void copyAndOffer(final DirectBuffer from, final int offset, final int length, final int at,
        final int flags)
    {
        copyAndOffer(from, offset, length, at, flags, 0, 0, 0);
    }

    private void copyAndOffer(final DirectBuffer from, final int offset, final int length, final int at,
        final int flags, final int field0, final int field1, final int field2)
    {
        final int bufferId = pool.acquire();
        if (bufferId < 0)
        {
            counters.drop(DropReason.POOL_EXHAUSTED_RX);
            return;
        }
        final MutableDirectBuffer buffer = pool.buffer(bufferId);
        buffer.putInt(FIELD0_OFFSET, field0, BIG_ENDIAN);
        buffer.putInt(FIELD1_OFFSET, field1, BIG_ENDIAN);
        buffer.putInt(FIELD2_OFFSET, field2, BIG_ENDIAN);
        buffer.putBytes(at, from, offset, length);
        if (!toTransport.offer(bufferId, at, length, flags))
        {
            pool.release(bufferId);
            counters.drop(DropReason.RING_FULL_TO_TRANSPORT);
        }
    }

    /**
     * Sends what the transport queued, and the ICMP errors it asked for: no more than the queues below have room for,
     * so when the link is slower than the transport the rest waits in the ring, the ring fills, and the transport
     * holds its segments back ({@link Ipv4Sender#sendRoom}) instead of losing them below. A segmented datagram may
     * take a place per segment there (when IPv4 cuts it in software), so it waits here, with what was taken after
     * it, until there is room for all its segments (or the queues below are as empty as they get).
     */
    @Override
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        budget = sender.sendRoom();
        final int released = releaseHeld();
        if (heldCount > 0 || budget <= 0)
        {
            return released;
        }
        return released + fromTransport.drain(outbound, Math.min(batchSize, Math.min(budget, heldIds.length)));
    }

    private int releaseHeld()
    {
        int released = 0;
        while (heldCount > 0)
        {
            final int i = heldStart;
            final int places = placesBelow(heldIds[i], heldLengths[i], heldFlags[i]);
            if (budget < places)
            {
                break;
            }
            heldStart++;
            heldCount--;
            budget -= places;
            outbound.dispatch(heldIds[i], heldOffsets[i], heldLengths[i], heldFlags[i]);
            released++;
        }
        if (heldCount == 0)
        {
            heldStart = 0;
        }
        return released;
    }

    /**
     * Places a descriptor needs below: one, or one per segment of a segmented datagram (IPv4 may cut it in software),
     * but never more than the queues below hold, so a datagram of more segments goes once they are empty.
     */
    private int placesBelow(final int bufferId, final int length, final int flags)
    {
        if (HandoffLayout.kind(flags) != HandoffLayout.KIND_SEND_SEGMENTED)
        {
            return 1;
        }
        final MutableDirectBuffer buffer = pool.buffer(bufferId);
        final int segmentSize = buffer.getShort(HandoffLayout.SEGMENT_SIZE_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int segments = TcpSegmenter.segmentCount(
            length - TcpSegmenter.headerLength(buffer, Ipv4Sender.PAYLOAD_OFFSET), segmentSize);
        return Math.min(segments, sender.sendCapacity());
    }

    /**
     * Frees every descriptor still queued from the transport, or held here, counting each as
     * {@link DropReason#SHUTDOWN_DISCARDED}. Only once the agents have stopped.
     */
    public int discardPending()
    {
        final int held = heldCount;
        for (int i = heldStart; i < heldStart + heldCount; i++)
        {
            pool.release(heldIds[i]);
            counters.drop(DropReason.SHUTDOWN_DISCARDED);
        }
        heldStart = 0;
        heldCount = 0;
        return held + fromTransport.discardAll(pool, counters);
    }

    /** Descriptors waiting in the transport's two rings, and those held here for room below. */
    public int pendingDescriptors()
    {
        return toTransport.size() + fromTransport.size() + heldCount;
    }

    @Override
    public String toString()
    {
        return "TransportProxy[protocol " + protocolNumber + "]";
    }

    private final class OutboundHandler implements DescriptorHandler
    {
        @Override
        public void onDescriptor(final int bufferId, final int offset, final int length, final int flags)
        {
            final int places = heldCount > 0 ? 0 : placesBelow(bufferId, length, flags);
            if (heldCount > 0 || budget < places)
            {
                // Behind a held datagram, or no room for all of this one's segments: wait, in order.
                final int at = heldStart + heldCount++;
                heldIds[at] = bufferId;
                heldOffsets[at] = offset;
                heldLengths[at] = length;
                heldFlags[at] = flags;
                return;
            }
            budget -= places;
            dispatch(bufferId, offset, length, flags);
        }

        void dispatch(final int bufferId, final int offset, final int length, final int flags)
        {
            final int kind = HandoffLayout.kind(flags);
            if (kind == HandoffLayout.KIND_SEND)
            {
                send(bufferId, length);
            }
            else if (kind == HandoffLayout.KIND_SEND_SEGMENTED)
            {
                sendSegmented(bufferId, length);
            }
            else
            {
                try
                {
                    requestIcmpError(pool.buffer(bufferId), offset, length, flags);
                }
                finally
                {
                    pool.release(bufferId);
                }
            }
        }

        private void send(final int bufferId, final int payloadLength)
        {
            final MutableDirectBuffer buffer = pool.buffer(bufferId);
            final int source = buffer.getInt(FIELD0_OFFSET, BIG_ENDIAN);
            final int destination = buffer.getInt(FIELD1_OFFSET, BIG_ENDIAN);
            final int protocol = buffer.getByte(HandoffLayout.PROTOCOL_OFFSET) & 0xFF;
            final int sendFlags = buffer.getByte(HandoffLayout.SEND_FLAGS_OFFSET) & 0xFF;
            final int ttl = buffer.getByte(HandoffLayout.TTL_OFFSET) & 0xFF;
            sender.send(bufferId, payloadLength, source, destination, protocol, sendFlags, ttl, nowNs);
        }

        /** Checked on the transport's side ({@link Ipv4SenderProxy#sendSegmented}); TCP, DF, default TTL. */
        private void sendSegmented(final int bufferId, final int payloadLength)
        {
            final MutableDirectBuffer buffer = pool.buffer(bufferId);
            final int source = buffer.getInt(FIELD0_OFFSET, BIG_ENDIAN);
            final int destination = buffer.getInt(FIELD1_OFFSET, BIG_ENDIAN);
            final int segmentSize = buffer.getShort(HandoffLayout.SEGMENT_SIZE_OFFSET, BIG_ENDIAN) & 0xFFFF;
            sender.sendSegmented(bufferId, payloadLength, segmentSize, source, destination, nowNs);
        }

        private void requestIcmpError(final DirectBuffer buffer, final int offset, final int length, final int flags)
        {
            final ReceivedDatagram original = DatagramView.set(requestView, buffer, offset, length, flags);
            final int code = buffer.getInt(FIELD1_OFFSET, BIG_ENDIAN);
            switch (buffer.getInt(FIELD0_OFFSET, BIG_ENDIAN))
            {
                case HandoffLayout.ICMP_REQUEST_UNREACHABLE ->
                    icmpErrors.destinationUnreachable(code, buffer.getInt(FIELD2_OFFSET, BIG_ENDIAN), original, nowNs);
                case HandoffLayout.ICMP_REQUEST_TIME_EXCEEDED -> icmpErrors.timeExceeded(code, original, nowNs);
                default -> icmpErrors.parameterProblem(code, original, nowNs);
            }
        }
    }
}
