package io.ustack.runtime.ring;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SleepingWaitStrategy;
import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;

/**
 * A {@link DescriptorRing} over an LMAX Disruptor {@link RingBuffer} of pre-allocated descriptor events with a
 * single-producer sequencer. The consumer polls (an {@link EventPoller}) rather than owning a thread, so it fits the
 * agent duty cycle like the Agrona ring does.
 */
public final class DisruptorDescriptorRing implements DescriptorRing
{
    private final RingBuffer<DescriptorEvent> ring;
    private final EventPoller<DescriptorEvent> poller;
    private final Sequence consumed;
    private final Forwarder forwarder = new Forwarder();

    /** @param capacity descriptors the ring holds (a power of two) */
    public DisruptorDescriptorRing(final int capacity)
    {
        // The wait strategy is never used for waiting: producers use tryNext and the consumer polls.
        this.ring = RingBuffer.createSingleProducer(DescriptorEvent::new, capacity, new SleepingWaitStrategy());
        this.poller = ring.newPoller();
        this.consumed = poller.getSequence();
        ring.addGatingSequences(consumed);
    }

    @Override
    public boolean offer(final int bufferId, final int offset, final int length, final int flags)
    {
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException full)
        {
            return false; // a shared singleton: nothing allocated
        }
        final DescriptorEvent event = ring.get(sequence);
        event.bufferId = bufferId;
        event.offset = offset;
        event.length = length;
        event.flags = flags;
        ring.publish(sequence);
        return true;
    }

    @Override
    public int drain(final DescriptorHandler handler, final int limit)
    {
        if (forwarder.handler != handler)
        {
            forwarder.handler = handler;
        }
        forwarder.limit = limit;
        forwarder.count = 0;
        try
        {
            poller.poll(forwarder);
            return forwarder.count;
        }
        catch (final RuntimeException | Error e)
        {
            throw e;
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("descriptor handler failed", e);
        }
    }

    @Override
    public int capacity()
    {
        return ring.getBufferSize();
    }

    @Override
    public int size()
    {
        return (int)(ring.getCursor() - consumed.get());
    }

    @Override
    public String name()
    {
        return "disruptor";
    }

    /** The pre-allocated event: one descriptor. */
    static final class DescriptorEvent
    {
        int bufferId;
        int offset;
        int length;
        int flags;
    }

    /**
     * Reused adapter from the poller callback to ours, stopping at the drain limit. Padded so the consumer's writes
     * to it do not share a cache line with the ring fields the producer reads.
     */
    private static final class Forwarder extends CacheLinePadding implements EventPoller.Handler<DescriptorEvent>
    {
        private DescriptorHandler handler;
        private int limit;
        private int count;

        @Override
        public boolean onEvent(final DescriptorEvent event, final long sequence, final boolean endOfBatch)
        {
            handler.onDescriptor(event.bufferId, event.offset, event.length, event.flags);
            return ++count < limit;
        }
    }
}
