package io.ustack.ip;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.ring.DescriptorFlags;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.MutableDirectBuffer;

/**
 * How a protocol module sends a frame: take a packet buffer, write the frame into it, hand it down. The buffer then
 * belongs to the link agent. Used only on the network agent's thread (the ring below has a single producer).
 */
public final class EthernetOutput
{
    private final PacketBufferPool pool;
    private final DescriptorRing toLink;
    private final StackCounters counters;
    private final long sourceMac;
    private final EthernetFrame frame = new EthernetFrame();

    /**
     * @param pool      packet buffers
     * @param toLink    the ring to the link agent
     * @param counters  the stack's counters
     * @param sourceMac our hardware address
     */
    public EthernetOutput(final PacketBufferPool pool, final DescriptorRing toLink, final StackCounters counters,
        final long sourceMac)
    {
        this.pool = pool;
        this.toLink = toLink;
        this.counters = counters;
        this.sourceMac = sourceMac;
    }

    /**
     * Takes a free packet buffer.
     *
     * @return its id, or -1 (already counted as {@link DropReason#POOL_EXHAUSTED_TX}) when none is free
     */
    public int claim()
    {
        final int bufferId = pool.acquire();
        if (bufferId < 0)
        {
            counters.drop(DropReason.POOL_EXHAUSTED_TX);
        }
        return bufferId;
    }

    /** The bytes of a claimed buffer. */
    public MutableDirectBuffer buffer(final int bufferId)
    {
        return pool.buffer(bufferId);
    }

    /** Largest frame a buffer holds. */
    public int maxFrameLength()
    {
        return pool.slotSize();
    }

    /** Our hardware address. */
    public long sourceMac()
    {
        return sourceMac;
    }

    /**
     * Writes the Ethernet header at offset 0 of a claimed buffer (payload goes at
     * {@link EthernetFrame#HEADER_LENGTH}).
     */
    public void writeHeader(final int bufferId, final long destinationMac, final int etherType)
    {
        frame.wrapForWrite(pool.buffer(bufferId), 0).destination(destinationMac).source(sourceMac)
            .etherType(etherType);
    }

    /**
     * Hands a claimed buffer holding a frame of {@code frameLength} bytes at offset 0 to the link agent. The buffer
     * is no longer the caller's, whatever the outcome.
     *
     * @return false when the ring was full (counted as {@link DropReason#RING_FULL_DOWN}; the buffer was freed)
     */
    public boolean send(final int bufferId, final int frameLength)
    {
        if (!toLink.offer(bufferId, 0, frameLength, 0))
        {
            pool.release(bufferId);
            counters.drop(DropReason.RING_FULL_DOWN);
            return false;
        }
        counters.increment(CounterDescriptor.DESCRIPTORS_DOWN);
        return true;
    }

    /** Frames {@link #send} can queue now without a {@link DropReason#RING_FULL_DOWN}. */
    public int room()
    {
        return toLink.capacity() - toLink.size();
    }

    /**
     * Takes a free large packet buffer ({@link #largeFrameLength()} bytes), for a frame the device cuts into segments.
     *
     * @return its id, or -1 when the pool has none free (not a drop: the caller builds regular frames instead)
     */
    public int claimLarge()
    {
        return pool.acquireLarge();
    }

    /** Largest frame a large buffer holds, 0 when the pool has no large buffers. */
    public int largeFrameLength()
    {
        return pool.largeSlots() > 0 ? pool.largeSlotSize() : 0;
    }

    /** Bytes buffer {@code bufferId} holds: a regular buffer's, or a large one's. */
    public int capacity(final int bufferId)
    {
        return pool.capacity(bufferId);
    }

    /** Number of regular packet buffers in the pool: no single send can claim more. */
    public int bufferCount()
    {
        return pool.slots();
    }

    /**
     * Hands a claimed buffer holding one oversized TCP/IPv4 frame of {@code frameLength} bytes at offset 0 to the link
     * agent, for the device to cut into segments of {@code segmentSize} data bytes
     * ({@code LinkEndpoint.transmitSegmented}). The buffer is no longer the caller's, whatever the outcome.
     *
     * @return false when the ring was full (counted as {@link DropReason#RING_FULL_DOWN}; the buffer was freed)
     */
    public boolean sendSegmented(final int bufferId, final int frameLength, final int segmentSize)
    {
        if (!toLink.offer(bufferId, 0, frameLength, DescriptorFlags.segmented(segmentSize)))
        {
            pool.release(bufferId);
            counters.drop(DropReason.RING_FULL_DOWN);
            return false;
        }
        counters.increment(CounterDescriptor.DESCRIPTORS_DOWN);
        return true;
    }

    /** The most frames the ring to the link agent holds: the most {@link #room} can be. */
    public int ringCapacity()
    {
        return toLink.capacity();
    }

    /** Frees a claimed buffer that will not be sent after all. */
    public void abandon(final int bufferId)
    {
        pool.release(bufferId);
    }
}
