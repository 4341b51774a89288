package io.ustack.ip.arp;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * The neighbour cache: a bounded set of {@link NeighbourEntry}s keyed by (interface, address), made once at
 * construction. Lookups hash a {@code long} key ({@code interfaceIndex << 32 | address}) into an Agrona
 * {@link Long2ObjectHashMap} sized never to grow, so a lookup or an insert allocates nothing.
 *
 * <p>Besides the map it keeps a dense array of all entries (for eviction) and one of the entries whose request timer
 * runs (INCOMPLETE, or STALE and re-validating), so the duty cycle looks only at those. Network-agent thread only.
 */
final class NeighbourCache
{
    private final Long2ObjectHashMap<NeighbourEntry> byKey;
    private final NeighbourEntry[] entries;
    private final NeighbourEntry[] pending;
    private final NeighbourEntry[] free;
    private int size;
    private int pendingCount;
    private int freeCount;

    /** @param capacity most entries held at once */
    NeighbourCache(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("neighbour cache capacity " + capacity + ": use at least 1");
        }
        // Load factor 0.5 and twice the capacity: the map never reaches its resize threshold, so it never allocates.
        byKey = new Long2ObjectHashMap<>(capacity * 2, 0.5f);
        entries = new NeighbourEntry[capacity];
        pending = new NeighbourEntry[capacity];
        free = new NeighbourEntry[capacity];
        for (int i = 0; i < capacity; i++)
        {
            free[freeCount++] = new NeighbourEntry();
        }
    }

    /** The key of a neighbour. */
    static long key(final int interfaceIndex, final int address)
    {
        return ((long)interfaceIndex << 32) | (address & 0xFFFF_FFFFL);
    }

    /** The entry for {@code address} on {@code interfaceIndex}, or null. */
    NeighbourEntry find(final int interfaceIndex, final int address)
    {
        return byKey.get(key(interfaceIndex, address));
    }

    /**
     * A new INCOMPLETE entry for a neighbour not in the cache. When the cache is full, the least recently confirmed
     * entry that is neither static nor asking is evicted to make room.
     *
     * @return the entry, or null when the cache is full of static and asking entries
     */
    NeighbourEntry add(final int interfaceIndex, final int address)
    {
        if (freeCount == 0)
        {
            final NeighbourEntry victim = oldestEvictable();
            if (victim == null)
            {
                return null;
            }
            remove(victim);
        }
        final NeighbourEntry entry = free[--freeCount];
        free[freeCount] = null;
        final long key = key(interfaceIndex, address);
        entry.reset(interfaceIndex, address, key);
        entry.slot = size;
        entries[size++] = entry;
        byKey.put(key, entry);
        return entry;
    }

    /** Takes an entry out of the cache (and off the timer list); it must hold no packets any more. */
    void remove(final NeighbourEntry entry)
    {
        stopAsking(entry);
        byKey.remove(entry.key);
        final int slot = entry.slot;
        final NeighbourEntry last = entries[--size];
        entries[slot] = last;
        last.slot = slot;
        entries[size] = null;
        entry.slot = -1;
        entry.clearHeld();
        free[freeCount++] = entry;
    }

    /** Entry {@code i} of the {@link #size()} entries, in no particular order. */
    NeighbourEntry entryAt(final int i)
    {
        return entries[i];
    }

    /** Puts an entry on the timer list (no effect when it is on it already). */
    void startAsking(final NeighbourEntry entry)
    {
        if (entry.pendingSlot < 0)
        {
            entry.pendingSlot = pendingCount;
            pending[pendingCount++] = entry;
        }
    }

    /** Takes an entry off the timer list (no effect when it is not on it) and clears its request count. */
    void stopAsking(final NeighbourEntry entry)
    {
        entry.requestsSent = 0;
        final int slot = entry.pendingSlot;
        if (slot < 0)
        {
            return;
        }
        final NeighbourEntry last = pending[--pendingCount];
        pending[slot] = last;
        last.pendingSlot = slot;
        pending[pendingCount] = null;
        entry.pendingSlot = -1;
    }

    /** Entries whose request timer runs. Removing entry {@code i} moves the last one into its place. */
    int pendingCount()
    {
        return pendingCount;
    }

    /** Timer-list entry {@code i}. */
    NeighbourEntry pendingAt(final int i)
    {
        return pending[i];
    }

    /** Entries in the cache. */
    int size()
    {
        return size;
    }

    /** Whether the cache holds all it can. */
    boolean full()
    {
        return freeCount == 0;
    }

    /** The non-static, non-asking entry confirmed longest ago (a scan, only when the cache is full). */
    private NeighbourEntry oldestEvictable()
    {
        NeighbourEntry oldest = null;
        for (int i = 0; i < size; i++)
        {
            final NeighbourEntry candidate = entries[i];
            if (candidate.state != NeighbourState.STATIC && candidate.state != NeighbourState.INCOMPLETE &&
                !candidate.asking() && (oldest == null || candidate.confirmedNs - oldest.confirmedNs < 0))
            {
                oldest = candidate;
            }
        }
        return oldest;
    }
}
