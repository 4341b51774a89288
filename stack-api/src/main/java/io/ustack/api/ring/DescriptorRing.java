package io.ustack.api.ring;

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
}
