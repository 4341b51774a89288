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
     * holds its segments back ({@link Ipv4Sender#sendRoom}) instead of losing them below.
     */
    @Override
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        final int room = sender.sendRoom();
        return room <= 0 ? 0 : fromTransport.drain(outbound, Math.min(batchSize, room));
    }

    /**
     * Frees every descriptor still queued from the transport, counting each as
     * {@link DropReason#SHUTDOWN_DISCARDED}. Only once the agents have stopped.
     */
    public int discardPending()
    {
        return fromTransport.discardAll(pool, counters);
    }

    /** Descriptors waiting in the transport's two rings. */
    public int pendingDescriptors()
    {
        return toTransport.size() + fromTransport.size();
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
