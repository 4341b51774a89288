package io.ustack.link;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.api.ring.DescriptorFlags;
import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.api.net.MacAddress;
import io.ustack.link.wire.EthernetFrame;
import io.ustack.link.wire.SegmentableFrame;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;

/**
 * The bottom layer agent: moves frames between a {@link LinkEndpoint} and the network agent above.
 *
 * <p>Receive: each frame the endpoint hands over is placed in a pooled packet buffer and its descriptor offered
 * upwards. Transmit: descriptors drained from the ring above are handed to the endpoint and their buffers freed.
 * A frame the endpoint refuses (its TX ring or queue is full) is held, with any taken after it in the same batch,
 * and offered again first on the next duty cycle; while frames are held nothing more is taken from the ring above,
 * so it fills and the layers above wait for room (a queue discipline of one batch, as a kernel's qdisc holds frames
 * a busy driver refuses). Every received frame that does not make it is counted under one {@link DropReason}.
 *
 * <p>A descriptor whose flags carry a segment size ({@link DescriptorFlags#segmentSize}) holds one oversized
 * TCP/IPv4 frame for the device to cut ({@link LinkEndpoint#transmitSegmented}); it keeps its segment size while
 * held. One the endpoint cannot cut (no offload, over its limit, not {@link SegmentableFrame}-shaped, or cutting
 * it would give segments over the MTU) is dropped as {@link DropReason#LINK_SEGMENTATION_UNSUPPORTED}: IPv4 checks
 * all that first, so a drop here means a bug above, not a state to wait out.
 */
public final class LinkAgent implements Agent
{
    private final LinkEndpoint endpoint;
    private final PacketBufferPool pool;
    private final DescriptorRing toNetwork;
    private final DescriptorRing fromNetwork;
    private final StackCounters counters;
    private final int batchSize;
    private final int maxFrameLength;
    private final String roleName;
    private final ReceivedFrames receivedFrames = new ReceivedFrames();
    private final FramesToSend framesToSend = new FramesToSend();
    private final int[] heldBufferIds;
    private final int[] heldOffsets;
    private final int[] heldLengths;
    private final int[] heldSegmentSizes;
    private int heldFirst;
    private volatile int heldCount; // read by a stopping stack from its own thread

    /**
     * @param endpoint    the device
     * @param pool        where received frames are placed and outgoing ones come from
     * @param toNetwork   ring to the network agent (this agent is its only producer)
     * @param fromNetwork ring from the network agent (this agent is its only consumer)
     * @param counters    the stack's counters
     * @param batchSize   most frames per direction per duty cycle
     */
    public LinkAgent(
        final LinkEndpoint endpoint,
        final PacketBufferPool pool,
        final DescriptorRing toNetwork,
        final DescriptorRing fromNetwork,
        final StackCounters counters,
        final int batchSize)
    {
        this.endpoint = endpoint;
        this.pool = pool;
        this.toNetwork = toNetwork;
        this.fromNetwork = fromNetwork;
        this.counters = counters;
        this.batchSize = batchSize;
        this.maxFrameLength = Math.min(pool.slotSize(), endpoint.mtu() + EthernetFrame.HEADER_LENGTH);
        this.roleName = "link-" + endpoint.name();
        this.heldBufferIds = new int[batchSize];
        this.heldOffsets = new int[batchSize];
        this.heldLengths = new int[batchSize];
        this.heldSegmentSizes = new int[batchSize];
    }

    @Override
    public int doWork()
    {
        final int received = endpoint.receive(receivedFrames, batchSize);
        int sent = sendHeld();
        if (heldCount == 0)
        {
            sent += fromNetwork.drain(framesToSend, batchSize);
        }
        if (sent > 0)
        {
            endpoint.flush();
        }
        return received + sent;
    }

    /** Offers the held frames again, oldest first, up to the first the endpoint still refuses. */
    private int sendHeld()
    {
        int sent = 0;
        while (heldCount > 0)
        {
            final int bufferId = heldBufferIds[heldFirst];
            if (!transmit(bufferId, heldOffsets[heldFirst], heldLengths[heldFirst], heldSegmentSizes[heldFirst]))
            {
                break;
            }
            heldFirst = (heldFirst + 1) % heldBufferIds.length;
            heldCount--;
            sent++;
        }
        if (heldCount == 0)
        {
            heldFirst = 0;
        }
        return sent;
    }

    /**
     * Hands one frame to the endpoint, to cut into segments of {@code segmentSize} data bytes if that is not 0.
     *
     * @return false if the endpoint refused it for now (the caller holds it); true if it went, or was dropped
     */
    private boolean transmit(final int bufferId, final int offset, final int length, final int segmentSize)
    {
        if (segmentSize != 0)
        {
            return transmitSegmented(bufferId, offset, length, segmentSize);
        }
        if (!endpoint.transmit(pool.buffer(bufferId), offset, length))
        {
            return false;
        }
        onSent(bufferId, length);
        return true;
    }

    private boolean transmitSegmented(final int bufferId, final int offset, final int length, final int segmentSize)
    {
        final DirectBuffer frame = pool.buffer(bufferId);
        final int data = SegmentableFrame.dataLength(frame, offset, length);
        if (length > endpoint.segmentationOffloadLimit() || data < 0 ||
            length - data + segmentSize > endpoint.mtu() + EthernetFrame.HEADER_LENGTH)
        {
            pool.release(bufferId);
            counters.drop(DropReason.LINK_SEGMENTATION_UNSUPPORTED);
            return true;
        }
        if (!endpoint.transmitSegmented(frame, offset, length, segmentSize))
        {
            return false;
        }
        counters.increment(CounterDescriptor.LINK_SEGMENTED_FRAMES_SENT);
        onSent(bufferId, length);
        return true;
    }

    private void onSent(final int bufferId, final int length)
    {
        counters.increment(CounterDescriptor.FRAMES_SENT);
        counters.add(CounterDescriptor.BYTES_SENT, length);
        pool.release(bufferId);
    }

    /** Frames held because the endpoint refused them, waiting to be offered again. */
    public int heldFrames()
    {
        return heldCount;
    }

    /**
     * Frees every buffer still queued towards the endpoint, counting each as {@link DropReason#SHUTDOWN_DISCARDED}.
     * Only call once the producer above has stopped.
     *
     * @return how many were discarded
     */
    public int discardPending()
    {
        final int held = heldCount;
        for (int i = 0; i < held; i++)
        {
            pool.release(heldBufferIds[(heldFirst + i) % heldBufferIds.length]);
            counters.drop(DropReason.SHUTDOWN_DISCARDED);
        }
        heldFirst = 0;
        heldCount = 0;
        return held + fromNetwork.discardAll(pool, counters);
    }

    @Override
    public void onClose()
    {
        endpoint.close();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    private final class ReceivedFrames implements RxFrameHandler
    {
        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length < EthernetFrame.HEADER_LENGTH)
            {
                counters.drop(DropReason.LINK_FRAME_TOO_SHORT);
                return;
            }
            if (length > maxFrameLength)
            {
                counters.drop(DropReason.LINK_FRAME_TOO_LONG);
                return;
            }
            final int bufferId = pool.acquire();
            if (bufferId < 0)
            {
                counters.drop(DropReason.POOL_EXHAUSTED_RX);
                return;
            }
            pool.buffer(bufferId).putBytes(0, buffer, offset, length);
            final long destination = MacAddress.read(buffer, offset + EthernetFrame.DESTINATION_OFFSET);
            final int flags = MacAddress.isGroup(destination) ? DescriptorFlags.LINK_GROUP_ADDRESS : 0;
            if (!toNetwork.offer(bufferId, 0, length, flags))
            {
                pool.release(bufferId);
                counters.drop(DropReason.RING_FULL_UP);
                return;
            }
            counters.increment(CounterDescriptor.FRAMES_RECEIVED);
            counters.add(CounterDescriptor.BYTES_RECEIVED, length);
            counters.increment(CounterDescriptor.DESCRIPTORS_UP);
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            counters.drop(reason);
        }
    }

    private final class FramesToSend implements DescriptorHandler
    {
        @Override
        public void onDescriptor(final int bufferId, final int offset, final int length, final int flags)
        {
            // Once one frame is refused the rest of the batch queues behind it, so frames leave in order.
            final int segmentSize = DescriptorFlags.segmentSize(flags);
            if (heldCount == 0 && transmit(bufferId, offset, length, segmentSize))
            {
                return;
            }
            final int at = (heldFirst + heldCount) % heldBufferIds.length;
            heldBufferIds[at] = bufferId;
            heldOffsets[at] = offset;
            heldLengths[at] = length;
            heldSegmentSizes[at] = segmentSize;
            heldCount++;
            counters.increment(CounterDescriptor.LINK_TX_HELD);
        }
    }
}
