package io.ustack.ip.ipv4;

/**
 * A fixed ring of (buffer id, frame length, interface) triples: datagrams the IPv4 module sent to one of our own
 * addresses, waiting for the next duty cycle. Network-agent thread only; no allocation.
 */
final class LoopbackQueue
{
    private final int[] buffers;
    private final int[] lengths;
    private final int[] interfaceIndexes;
    private int head;
    private int size;

    LoopbackQueue(final int capacity)
    {
        buffers = new int[capacity];
        lengths = new int[capacity];
        interfaceIndexes = new int[capacity];
    }

    /** @return false when full (nothing was added) */
    boolean offer(final int bufferId, final int frameLength, final int interfaceIndex)
    {
        if (size == buffers.length)
        {
            return false;
        }
        final int tail = (head + size) % buffers.length;
        buffers[tail] = bufferId;
        lengths[tail] = frameLength;
        interfaceIndexes[tail] = interfaceIndex;
        size++;
        return true;
    }

    int size()
    {
        return size;
    }

    int headBuffer()
    {
        return buffers[head];
    }

    int headLength()
    {
        return lengths[head];
    }

    int headInterface()
    {
        return interfaceIndexes[head];
    }

    void remove()
    {
        head = (head + 1) % buffers.length;
        size--;
    }
}
