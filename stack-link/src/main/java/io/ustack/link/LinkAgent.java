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
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;

/**
 * The bottom layer agent: moves frames between a {@link LinkEndpoint} and the network agent above.
 *
 * <p>Receive: each frame the endpoint hands over is placed in a pooled packet buffer and its descriptor offered
 * upwards. Transmit: descriptors drained from the ring above are handed to the endpoint and their buffers freed.
 * Every frame that does not make it is counted under one {@link DropReason}.
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
    }

    @Override
    public int doWork()
    {
        final int received = endpoint.receive(receivedFrames, batchSize);
        final int sent = fromNetwork.drain(framesToSend, batchSize);
        if (sent > 0)
        {
            endpoint.flush();
        }
        return received + sent;
    }

    /**
     * Frees every buffer still queued towards the endpoint, counting each as {@link DropReason#SHUTDOWN_DISCARDED}.
     * Only call once the producer above has stopped.
     *
     * @return how many were discarded
     */
    public int discardPending()
    {
        return fromNetwork.discardAll(pool, counters);
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
            if (endpoint.transmit(pool.buffer(bufferId), offset, length))
            {
                counters.increment(CounterDescriptor.FRAMES_SENT);
                counters.add(CounterDescriptor.BYTES_SENT, length);
            }
            else
            {
                counters.drop(DropReason.LINK_TX_REFUSED);
            }
            pool.release(bufferId);
        }
    }
}
