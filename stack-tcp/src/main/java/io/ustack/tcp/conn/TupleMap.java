package io.ustack.tcp.conn;

import java.util.Arrays;

/**
 * Open-addressed map from a (64-bit, 32-bit) key to a non-negative int, over parallel primitive arrays: linear
 * probing, power-of-two capacity, load factor at most 1/2 (doubling when exceeded), and backward-shift deletion, so
 * there are no tombstones and a probe run never outgrows what its live keys need. Each slot caches its key's hash,
 * so probes compare an int first and moves on deletion need no rehash. Only growth allocates.
 */
final class TupleMap
{
    static final int MISSING = -1;
    private static final int MAX_CAPACITY = 1 << 30;

    private final TupleHash hasher;
    private long[] addresses;
    private int[] ports;
    private int[] hashes;
    private int[] values;
    private int mask;
    private int size;

    TupleMap(final int expectedEntries, final TupleHash hasher)
    {
        this.hasher = hasher;
        allocate(capacityFor(expectedEntries));
    }

    int get(final long address, final int port)
    {
        final int hash = (int)hasher.hash(address, port);
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            final int value = values[i];
            if (value == MISSING)
            {
                return MISSING;
            }
            if (hashes[i] == hash && addresses[i] == address && ports[i] == port)
            {
                return value;
            }
        }
    }

    /** Maps the key to {@code value} (not negative); returns the value it replaced, or {@link #MISSING}. */
    int put(final long address, final int port, final int value)
    {
        if (2 * (size + 1) > values.length)
        {
            resize(values.length << 1);
        }
        final int hash = (int)hasher.hash(address, port);
        int i = hash & mask;
        while (values[i] != MISSING)
        {
            if (hashes[i] == hash && addresses[i] == address && ports[i] == port)
            {
                final int previous = values[i];
                values[i] = value;
                return previous;
            }
            i = (i + 1) & mask;
        }
        addresses[i] = address;
        ports[i] = port;
        hashes[i] = hash;
        values[i] = value;
        size++;
        return MISSING;
    }

    boolean remove(final long address, final int port)
    {
        final int hash = (int)hasher.hash(address, port);
        for (int i = hash & mask; values[i] != MISSING; i = (i + 1) & mask)
        {
            if (hashes[i] == hash && addresses[i] == address && ports[i] == port)
            {
                shiftBack(i);
                size--;
                return true;
            }
        }
        return false;
    }

    int size()
    {
        return size;
    }

    int capacity()
    {
        return values.length;
    }

    /**
     * Backward-shift deletion (Knuth vol. 3, 6.4, algorithm R): walk the run after the hole and move back every
     * entry whose home slot is not after the hole, so each key stays reachable from its home without tombstones.
     */
    private void shiftBack(final int removed)
    {
        int hole = removed;
        for (int j = (removed + 1) & mask; values[j] != MISSING; j = (j + 1) & mask)
        {
            final int home = hashes[j] & mask;
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                addresses[hole] = addresses[j];
                ports[hole] = ports[j];
                hashes[hole] = hashes[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = MISSING;
    }

    private void resize(final int newCapacity)
    {
        if (newCapacity > MAX_CAPACITY)
        {
            throw new IllegalStateException("connection table full: " + size + " entries");
        }
        final long[] oldAddresses = addresses;
        final int[] oldPorts = ports;
        final int[] oldHashes = hashes;
        final int[] oldValues = values;
        allocate(newCapacity);
        for (int i = 0; i < oldValues.length; i++)
        {
            if (oldValues[i] != MISSING)
            {
                int j = oldHashes[i] & mask;
                while (values[j] != MISSING)
                {
                    j = (j + 1) & mask;
                }
                addresses[j] = oldAddresses[i];
                ports[j] = oldPorts[i];
                hashes[j] = oldHashes[i];
                values[j] = oldValues[i];
            }
        }
    }

    private void allocate(final int capacity)
    {
        addresses = new long[capacity];
        ports = new int[capacity];
        hashes = new int[capacity];
        values = new int[capacity];
        Arrays.fill(values, MISSING);
        mask = capacity - 1;
    }

    private static int capacityFor(final int expectedEntries)
    {
        if (expectedEntries < 0 || expectedEntries > MAX_CAPACITY / 2)
        {
            throw new IllegalArgumentException("expected entries must be 0.." + MAX_CAPACITY / 2 + ": " +
                expectedEntries);
        }
        return Math.max(8, Integer.highestOneBit(Math.max(1, 2 * expectedEntries - 1)) << 1);
    }
}
