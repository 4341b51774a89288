package io.ustack.tcp.socket;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A single-producer, single-consumer ring of bytes between an application thread and the stack's thread: one per
 * direction of a connection. The producer writes at {@code tail}, the consumer reads at {@code head}; each position
 * only grows, is written by one side and published with an ordered store, so a side sees the other's bytes once it
 * sees the position that covers them. Either side works on the contiguous span up to the end of the buffer; the
 * next call takes the wrapped part. Nothing is allocated after construction.
 */
final class SpscByteRing
{
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    /** @param minimumCapacity rounded up to a power of two */
    SpscByteRing(final int minimumCapacity)
    {
        this.capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(64, minimumCapacity));
        this.mask = capacity - 1;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    int capacity()
    {
        return capacity;
    }

    /** Bytes written and not yet read (either side). */
    int size()
    {
        return (int)(tail.get() - head.get());
    }

    /** Room left for the producer (either side). */
    int free()
    {
        return capacity - size();
    }

    // ---- producer side ------------------------------------------------------------------------------------------

    /** Where the producer writes next. */
    int producerIndex()
    {
        return (int)(tail.get() & mask);
    }

    /** Room the producer may fill at {@link #producerIndex()} before the buffer's end or the consumer. */
    int producerSpan()
    {
        final long t = tail.get();
        final int free = capacity - (int)(t - head.get());
        return Math.min(free, capacity - (int)(t & mask));
    }

    /** Publishes {@code bytes} written at {@link #producerIndex()}. */
    void produced(final int bytes)
    {
        tail.lazySet(tail.get() + bytes);
    }

    /** Producer: copies what fits of {@code from}'s remaining bytes (up to two spans), advancing its position. */
    int offer(final ByteBuffer from)
    {
        int total = 0;
        for (int pass = 0; pass < 2 && from.hasRemaining(); pass++)
        {
            final int n = Math.min(producerSpan(), from.remaining());
            if (n == 0)
            {
                break;
            }
            final int position = from.position();
            buffer.putBytes(producerIndex(), from, position, n);
            from.position(position + n);
            produced(n);
            total += n;
        }
        return total;
    }

    // ---- consumer side ------------------------------------------------------------------------------------------

    /** Where the consumer reads next. */
    int consumerIndex()
    {
        return (int)(head.get() & mask);
    }

    /** Bytes readable at {@link #consumerIndex()} before the buffer's end. */
    int consumerSpan()
    {
        final long h = head.get();
        return Math.min((int)(tail.get() - h), capacity - (int)(h & mask));
    }

    /** Releases {@code bytes} read at {@link #consumerIndex()} to the producer. */
    void consumed(final int bytes)
    {
        head.lazySet(head.get() + bytes);
    }

    /** Consumer: copies what is there into {@code into}'s remaining room (up to two spans), advancing its position. */
    int poll(final ByteBuffer into)
    {
        int total = 0;
        for (int pass = 0; pass < 2 && into.hasRemaining(); pass++)
        {
            final int n = Math.min(consumerSpan(), into.remaining());
            if (n == 0)
            {
                break;
            }
            final int position = into.position();
            buffer.getBytes(consumerIndex(), into, position, n);
            into.position(position + n);
            consumed(n);
            total += n;
        }
        return total;
    }

    /** Consumer: drops everything readable. */
    void discard()
    {
        head.lazySet(tail.get());
    }
}
