package io.ustack.tcp.buffer;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An off-heap byte ring of power-of-two capacity, addressed by a free-running {@code int} position (taken modulo the
 * capacity), with copies in and out that split at the wrap. Shared by {@link SendBuffer} and {@link ReceiveBuffer};
 * holds no read or write position of its own.
 */
final class RingStorage
{
    /** Largest capacity: 2^30, the largest TCP window (RFC 7323 §2.3: 65535 &lt;&lt; 14 fits below it). */
    static final int MAX_CAPACITY = 1 << 30;

    private final UnsafeBuffer buffer;
    private final int capacity;
    private final int mask;

    RingStorage(final int capacity, final String what)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException(what + " capacity " + capacity +
                ": use a power of two from 1 to 2^30 (e.g. 65536 or 262144)");
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity, 64));
    }

    int capacity()
    {
        return capacity;
    }

    /** Index in {@link #buffer()} of the free-running position {@code position}. */
    int index(final int position)
    {
        return position & mask;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** Bytes from {@code position} to the physical end of the ring (the longest copy that does not wrap). */
    int toEnd(final int position)
    {
        return capacity - (position & mask);
    }

    /** Copies {@code length} bytes (at most the capacity) from {@code src} into the ring at {@code position}. */
    void copyIn(final int position, final DirectBuffer src, final int srcOffset, final int length)
    {
        final int index = position & mask;
        final int first = Math.min(length, capacity - index);
        buffer.putBytes(index, src, srcOffset, first);
        if (first < length)
        {
            buffer.putBytes(0, src, srcOffset + first, length - first);
        }
    }

    /** Copies {@code length} bytes (at most the capacity) from the ring at {@code position} into {@code dst}. */
    void copyOut(final int position, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        final int index = position & mask;
        final int first = Math.min(length, capacity - index);
        buffer.getBytes(index, dst, dstOffset, first);
        if (first < length)
        {
            buffer.getBytes(0, dst, dstOffset + first, length - first);
        }
    }
}
