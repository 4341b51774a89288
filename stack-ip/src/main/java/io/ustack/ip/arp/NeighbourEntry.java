package io.ustack.ip.arp;

/**
 * One neighbour: (interface, IPv4 address) → MAC, its state, its request timer and its queue of packets waiting for
 * resolution. Entries are made once and recycled by the {@link NeighbourCache}; the queue arrays are made on the
 * first packet an entry holds and kept with the entry afterwards, so steady state allocates nothing.
 */
final class NeighbourEntry
{
    int interfaceIndex;
    int address;
    long key;
    long mac;
    NeighbourState state;
    /** Last time the mapping was confirmed by an ARP packet (REACHABLE until this plus the lifetime). */
    long confirmedNs;
    /** Requests sent since the entry started asking (INCOMPLETE) or re-validating (STALE); 0 when not asking. */
    int requestsSent;
    /** When the next request, or the verdict after the last one, is due. */
    long nextRequestNs;
    /** Position in the cache's dense array of entries. */
    int slot = -1;
    /** Position in the cache's array of entries with a running request timer, or -1. */
    int pendingSlot = -1;

    private int[] heldBuffers;
    private int[] heldLengths;
    private int heldCount;

    /** Whether a request timer runs: resolving, or re-validating a stale entry. */
    boolean asking()
    {
        return pendingSlot >= 0;
    }

    /**
     * Appends a packet to the queue.
     *
     * @return false when {@code capacity} packets are already held
     */
    boolean hold(final int bufferId, final int frameLength, final int capacity)
    {
        if (heldBuffers == null)
        {
            heldBuffers = new int[capacity];
            heldLengths = new int[capacity];
        }
        if (heldCount >= capacity)
        {
            return false;
        }
        heldBuffers[heldCount] = bufferId;
        heldLengths[heldCount] = frameLength;
        heldCount++;
        return true;
    }

    /** Packets held, oldest first at index 0. */
    int heldCount()
    {
        return heldCount;
    }

    /** Buffer of held packet {@code i}. */
    int heldBuffer(final int i)
    {
        return heldBuffers[i];
    }

    /** Frame length of held packet {@code i}. */
    int heldLength(final int i)
    {
        return heldLengths[i];
    }

    /** Forgets the held packets (whoever took them now owns their buffers). */
    void clearHeld()
    {
        heldCount = 0;
    }

    /** Makes the entry describe a new neighbour. */
    void reset(final int interfaceIndex, final int address, final long key)
    {
        this.interfaceIndex = interfaceIndex;
        this.address = address;
        this.key = key;
        this.mac = 0;
        this.state = NeighbourState.INCOMPLETE;
        this.confirmedNs = 0;
        this.requestsSent = 0;
        this.nextRequestNs = 0;
        this.heldCount = 0;
    }
}
