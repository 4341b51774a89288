package io.ustack.api.buffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded lock-free multi-producer multi-consumer queue of non-negative ints (Dmitry Vyukov's bounded MPMC
 * algorithm): each cell carries a sequence number telling producers and consumers whose turn it is. No allocation
 * after construction. Used as the free list of {@link PacketBufferPool}.
 */
final class IntMpmcQueue
{
    private final int mask;
    private final AtomicLongArray sequences;
    private final int[] values;
    private final AtomicLong enqueuePosition = new AtomicLong();
    private final AtomicLong dequeuePosition = new AtomicLong();

    IntMpmcQueue(final int capacityPowerOfTwo)
    {
        if (Integer.bitCount(capacityPowerOfTwo) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacityPowerOfTwo);
        }
        mask = capacityPowerOfTwo - 1;
        sequences = new AtomicLongArray(capacityPowerOfTwo);
        values = new int[capacityPowerOfTwo];
        for (int i = 0; i < capacityPowerOfTwo; i++)
        {
            sequences.set(i, i);
        }
    }

    /** Adds {@code value}; false when full. */
    boolean offer(final int value)
    {
        long position = enqueuePosition.get();
        while (true)
        {
            final int index = (int)position & mask;
            final long difference = sequences.get(index) - position;
            if (difference == 0)
            {
                if (enqueuePosition.compareAndSet(position, position + 1))
                {
                    values[index] = value;
                    sequences.lazySet(index, position + 1);
                    return true;
                }
                position = enqueuePosition.get();
            }
            else if (difference < 0)
            {
                return false;
            }
            else
            {
                position = enqueuePosition.get();
            }
        }
    }

    /** Removes the oldest value; -1 when empty. */
    int poll()
    {
        long position = dequeuePosition.get();
        while (true)
        {
            final int index = (int)position & mask;
            final long difference = sequences.get(index) - (position + 1);
            if (difference == 0)
            {
                if (dequeuePosition.compareAndSet(position, position + 1))
                {
                    final int value = values[index];
                    sequences.lazySet(index, position + mask + 1);
                    return value;
                }
                position = dequeuePosition.get();
            }
            else if (difference < 0)
            {
                return -1;
            }
            else
            {
                position = dequeuePosition.get();
            }
        }
    }
}
