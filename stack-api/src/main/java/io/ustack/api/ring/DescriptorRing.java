package io.ustack.api.ring;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;

/**
 * A lock-free single-producer, single-consumer ring joining two layer agents. It carries small descriptors
 * (buffer id, offset, length, flags) while the packet bytes stay in their buffer (DESIGN.md, "Data path").
 *
 * <p>Exactly one thread offers and exactly one thread drains; they may be the same thread.
 */
public interface DescriptorRing
{
    /**
     * Appends one descriptor.
     *
     * @return false when the ring is full (nothing was written; the caller keeps ownership of the buffer)
     */
    boolean offer(int bufferId, int offset, int length, int flags);

    /**
     * Hands up to {@code limit} descriptors, oldest first, to {@code handler} and removes them.
     *
     * @return how many were handed over
     */
    int drain(DescriptorHandler handler, int limit);

    /** Descriptors the ring can hold. */
    int capacity();

    /** Descriptors waiting now (an estimate when read from a third thread). */
    int size();

    /** Which implementation this is, for reports. */
    String name();

    /**
     * Frees the buffer of every descriptor still queued, counting each as {@link DropReason#SHUTDOWN_DISCARDED}: what
     * a stopping stack does with what its rings still hold. Only once the producer has stopped; the caller must be
     * the ring's consumer.
     *
     * @return how many were discarded
     */
    default int discardAll(final PacketBufferPool pool, final StackCounters counters)
    {
        final DescriptorHandler discard = (bufferId, offset, length, flags) ->
        {
            pool.release(bufferId);
            counters.drop(DropReason.SHUTDOWN_DISCARDED);
        };
        int discarded = 0;
        int n;
        while ((n = drain(discard, Integer.MAX_VALUE)) > 0)
        {
            discarded += n;
        }
        return discarded;
    }
}
