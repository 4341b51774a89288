package io.ustack.ip.ipv4;

import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;

import java.util.ArrayDeque;

/** A plain single-threaded DescriptorRing for tests (the real rings live in stack-runtime). */
final class QueueRing implements DescriptorRing
{
    private final ArrayDeque<int[]> queue = new ArrayDeque<>();
    private final int capacity;

    QueueRing(final int capacity)
    {
        this.capacity = capacity;
    }

    @Override
    public boolean offer(final int bufferId, final int offset, final int length, final int flags)
    {
        if (queue.size() == capacity)
        {
            return false;
        }
        queue.add(new int[]{bufferId, offset, length, flags});
        return true;
    }

    @Override
    public int drain(final DescriptorHandler handler, final int limit)
    {
        int n = 0;
        while (n < limit && !queue.isEmpty())
        {
            final int[] d = queue.poll();
            handler.onDescriptor(d[0], d[1], d[2], d[3]);
            n++;
        }
        return n;
    }

    @Override
    public int capacity()
    {
        return capacity;
    }

    @Override
    public int size()
    {
        return queue.size();
    }

    @Override
    public String name()
    {
        return "test-queue";
    }
}
