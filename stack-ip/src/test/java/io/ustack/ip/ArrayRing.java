package io.ustack.ip;

import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;

/**
 * A single-threaded descriptor ring over int arrays, for allocation tests: unlike {@link QueueRing}, offering and
 * draining allocate nothing. Holds 64 descriptors; a drain empties it.
 */
public final class ArrayRing implements DescriptorRing
{
    private final int[] ids = new int[64];
    private final int[] lengths = new int[64];
    private final int[] flags = new int[64];
    private int count;

    @Override
    public boolean offer(final int bufferId, final int offset, final int length, final int descriptorFlags)
    {
        if (count == ids.length)
        {
            return false;
        }
        ids[count] = bufferId;
        lengths[count] = length;
        flags[count++] = descriptorFlags;
        return true;
    }

    @Override
    public int drain(final DescriptorHandler handler, final int limit)
    {
        final int n = Math.min(limit, count);
        for (int i = 0; i < n; i++)
        {
            handler.onDescriptor(ids[i], 0, lengths[i], flags[i]);
        }
        count = 0;
        return n;
    }

    @Override
    public int capacity()
    {
        return ids.length;
    }

    @Override
    public int size()
    {
        return count;
    }

    @Override
    public String name()
    {
        return "array";
    }
}
