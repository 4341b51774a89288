package io.ustack.api.ring;

/** Consumes descriptors drained from a {@link DescriptorRing}; ownership of the buffer passes to it. */
@FunctionalInterface
public interface DescriptorHandler
{
    /**
     * One descriptor.
     *
     * @param bufferId which packet buffer holds the bytes
     * @param offset   where the packet starts in that buffer
     * @param length   its length in bytes
     * @param flags    layer-defined bits (see {@link DescriptorFlags})
     */
    void onDescriptor(int bufferId, int offset, int length, int flags);
}
