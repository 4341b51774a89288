package io.ustack.ip.handoff;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.ip.ipv4.Ipv4Module;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.PathMtuCache;
import io.ustack.ip.offload.TcpSegmenter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.ustack.ip.handoff.HandoffLayout.FIELD0_OFFSET;
import static io.ustack.ip.handoff.HandoffLayout.FIELD1_OFFSET;
import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The {@link Ipv4Sender} a transport on its own agent sends through: the transport writes its segment into a pooled
 * buffer as usual, and {@link #send} puts the buffer's descriptor in the ring to the network agent, where
 * {@link TransportProxy} hands it to IPv4. Transport agent thread only.
 *
 * <p>Because the datagram leaves later on another thread, {@link #send} can only say {@link #SENT} (queued) or
 * {@link #NO_BUFFER} (the ring is full); routing failures are counted by IPv4 when it gets there, and a too-big
 * datagram comes back as the ICMP fragmentation-needed error IPv4 would report anyway. The path MTU this side
 * knows is the route's, lowered by the fragmentation-needed errors passing through {@link TransportEnd}.
 *
 * <p>{@link #sendSegmented} travels the same way (descriptor kind SEND_SEGMENTED, the segment size in the
 * headroom): its arguments are checked here, on the caller's thread, and the network agent decides there whether
 * the device or IPv4 cuts it. {@link #segmentationLimit} asks the {@link Ipv4Module}, which reads only what is fixed
 * once the stack is built.
 */
final class Ipv4SenderProxy implements Ipv4Sender
{
    private static final int MAX_DATAGRAM = 65_535;

    private final PacketBufferPool pool;
    private final DescriptorRing toNetwork;
    private final StackCounters counters;
    private final Ipv4Module ipv4;
    private final PathMtuCache learnedMtus = new PathMtuCache();

    Ipv4SenderProxy(final PacketBufferPool pool, final DescriptorRing toNetwork, final StackCounters counters,
        final Ipv4Module ipv4)
    {
        this.pool = pool;
        this.toNetwork = toNetwork;
        this.counters = counters;
        this.ipv4 = ipv4;
    }

    @Override
    public int claim()
    {
        final int bufferId = pool.acquire();
        if (bufferId < 0)
        {
            counters.drop(DropReason.POOL_EXHAUSTED_TX);
        }
        return bufferId;
    }

    @Override
    public MutableDirectBuffer buffer(final int bufferId)
    {
        return pool.buffer(bufferId);
    }

    @Override
    public int bufferCapacity()
    {
        return ipv4.bufferCapacity();
    }

    @Override
    public void abandon(final int bufferId)
    {
        pool.release(bufferId);
    }

    @Override
    public int send(final int bufferId, final int payloadLength, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        if (payloadLength < 0 || payloadLength > bufferCapacity())
        {
            pool.release(bufferId);
            return payloadLength > MAX_DATAGRAM - 20 ? TOO_LONG : NO_BUFFER;
        }
        final MutableDirectBuffer buffer = pool.buffer(bufferId);
        buffer.putInt(FIELD0_OFFSET, sourceAddress, BIG_ENDIAN);
        buffer.putInt(FIELD1_OFFSET, destinationAddress, BIG_ENDIAN);
        buffer.putByte(HandoffLayout.PROTOCOL_OFFSET, (byte)protocol);
        buffer.putByte(HandoffLayout.SEND_FLAGS_OFFSET, (byte)flags);
        buffer.putByte(HandoffLayout.TTL_OFFSET, (byte)ttl);
        if (!toNetwork.offer(bufferId, 0, payloadLength, HandoffLayout.flags(HandoffLayout.KIND_SEND, -1, false,
            false)))
        {
            pool.release(bufferId);
            counters.drop(DropReason.RING_FULL_FROM_TRANSPORT);
            return NO_BUFFER;
        }
        return SENT;
    }

    /** Copies into one buffer: a transport on its own agent sends at most one buffer's worth per datagram. */
    @Override
    public int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        if (length > bufferCapacity())
        {
            return length > MAX_DATAGRAM - 20 ? TOO_LONG : NO_BUFFER;
        }
        final int bufferId = claim();
        if (bufferId < 0)
        {
            return NO_BUFFER;
        }
        pool.buffer(bufferId).putBytes(PAYLOAD_OFFSET, payload, offset, length);
        return send(bufferId, length, sourceAddress, destinationAddress, protocol, flags, ttl, nowNs);
    }

    @Override
    public int segmentationLimit(final int destination)
    {
        return ipv4.segmentationLimit(destination);
    }

    @Override
    public int claimLarge()
    {
        return pool.acquireLarge();
    }

    /** Queues the datagram for the network agent: {@link #SENT} (queued) or {@link #NO_BUFFER} (ring full). */
    @Override
    public int sendSegmented(final int bufferId, final int payloadLength, final int segmentSize,
        final int sourceAddress, final int destinationAddress, final long nowNs)
    {
        if (payloadLength > MAX_DATAGRAM - 20)
        {
            pool.release(bufferId);
            return TOO_LONG;
        }
        final MutableDirectBuffer buffer = pool.buffer(bufferId);
        final String problem = TcpSegmenter.problem(payloadLength, TcpSegmenter.headerLength(buffer, PAYLOAD_OFFSET),
            segmentSize, pool.capacity(bufferId) - PAYLOAD_OFFSET);
        if (problem != null)
        {
            pool.release(bufferId);
            throw new IllegalArgumentException("sendSegmented: " + problem);
        }
        buffer.putInt(FIELD0_OFFSET, sourceAddress, BIG_ENDIAN);
        buffer.putInt(FIELD1_OFFSET, destinationAddress, BIG_ENDIAN);
        buffer.putByte(HandoffLayout.PROTOCOL_OFFSET, (byte)TcpSegmenter.PROTOCOL_TCP);
        buffer.putByte(HandoffLayout.SEND_FLAGS_OFFSET, (byte)DONT_FRAGMENT);
        buffer.putByte(HandoffLayout.TTL_OFFSET, (byte)0);
        buffer.putShort(HandoffLayout.SEGMENT_SIZE_OFFSET, (short)segmentSize, BIG_ENDIAN);
        if (!toNetwork.offer(bufferId, 0, payloadLength, HandoffLayout.flags(HandoffLayout.KIND_SEND_SEGMENTED, -1,
            false, false)))
        {
            pool.release(bufferId);
            counters.drop(DropReason.RING_FULL_FROM_TRANSPORT);
            return NO_BUFFER;
        }
        return SENT;
    }

    /** Free places in the ring to the network agent (this thread is its only producer, so they stay free). */
    @Override
    public int sendRoom()
    {
        return toNetwork.capacity() - toNetwork.size();
    }

    /** Places in the ring to the network agent: each datagram, segmented or not, takes one. */
    @Override
    public int sendCapacity()
    {
        return toNetwork.capacity();
    }

    @Override
    public int sourceAddressFor(final int destination)
    {
        return ipv4.sourceAddressFor(destination);
    }

    @Override
    public int pathMtu(final int destination, final long nowNs)
    {
        final int routeMtu = ipv4.routeMtu(destination);
        final int learned = learnedMtus.get(destination, nowNs);
        return learned > 0 ? Math.min(routeMtu, learned) : routeMtu;
    }

    /** An ICMP fragmentation-needed error on its way to the transport: remember the smaller MTU (RFC 1191 §6.3). */
    void learnPathMtu(final int destination, final int mtu, final long nowNs)
    {
        final int routeMtu = ipv4.routeMtu(destination);
        if (routeMtu > 0 && mtu >= PathMtuCache.MIN_MTU)
        {
            learnedMtus.learn(destination, mtu, routeMtu, nowNs);
        }
    }

    @Override
    public boolean isLocalAddress(final int address)
    {
        return ipv4.isLocalAddress(address);
    }
}
