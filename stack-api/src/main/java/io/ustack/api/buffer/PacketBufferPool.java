package io.ustack.api.buffer;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Fixed-size off-heap packet buffers, identified by an int so a descriptor can name one (DESIGN.md, "Data path").
 *
 * <p>One direct, cache-line aligned allocation holds every slot; each slot has its own pre-made view, so neither
 * {@link #acquire()} nor {@link #buffer(int)} allocates. Any thread may acquire and release (the free list is a
 * lock-free MPMC queue). Each slot's state is tracked, so releasing a free slot fails loudly rather than handing one
 * buffer to two owners, and {@link #leakedSlots()} lists slots still held (tests assert it is empty at the end).
 *
 * <p>A slot's state is its holder count: {@link #acquire()} makes it 1, {@link #retain(int)} adds a holder (an agent
 * passing a received packet on to another agent's ring keeps it alive past its own release), and the slot is free
 * again when the last holder releases it.
 *
 * <p>A pool may also hold a few large buffers ({@link #acquireLarge()}), numbered after the regular ones: a transport
 * building one datagram that the link device cuts into segments (segmentation offload) needs one of up to 64 KiB.
 * They share the regular buffers' ids, states and release; only their size and free list are their own.
 */
public final class PacketBufferPool
{
    private static final int FREE = 0;
    private static final int ONE_HOLDER = 1;

    private final int slotSize;
    private final int slots;
    private final ByteBuffer memory;
    private final UnsafeBuffer[] views;
    private final AtomicIntegerArray states;
    private final IntMpmcQueue freeList;
    private final int largeSlotSize;
    private final int largeSlots;
    private final ByteBuffer largeMemory;
    private final IntMpmcQueue largeFreeList;

    /**
     * @param slots    number of buffers (at least 1)
     * @param slotSize bytes in each (a positive multiple of 64)
     */
    public PacketBufferPool(final int slots, final int slotSize)
    {
        this(slots, slotSize, 0, 0);
    }

    /**
     * @param slots         number of regular buffers (at least 1)
     * @param slotSize      bytes in each (a positive multiple of 64)
     * @param largeSlots    number of large buffers (0 for none)
     * @param largeSlotSize bytes in each large buffer (a multiple of 64, at least {@code slotSize}; ignored when
     *                      there are none)
     */
    public PacketBufferPool(final int slots, final int slotSize, final int largeSlots, final int largeSlotSize)
    {
        if (slots < 1 || slotSize < 64 || (slotSize & 63) != 0 || (long)slots * slotSize > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("packet buffer pool of " + slots + " x " + slotSize +
                " bytes: use at least one slot, a slot size that is a multiple of 64, and under 2 GiB in all");
        }
        if (largeSlots < 0 || largeSlots > 0 && (largeSlotSize < slotSize || (largeSlotSize & 63) != 0 ||
            (long)largeSlots * largeSlotSize > Integer.MAX_VALUE))
        {
            throw new IllegalArgumentException("large packet buffers " + largeSlots + " x " + largeSlotSize +
                " bytes: use 0 or more, each a multiple of 64 no smaller than a regular buffer (" + slotSize +
                "), under 2 GiB in all");
        }
        this.slotSize = slotSize;
        this.slots = slots;
        this.largeSlots = largeSlots;
        this.largeSlotSize = largeSlots > 0 ? largeSlotSize : 0;
        this.memory = BufferUtil.allocateDirectAligned(slots * slotSize, 64);
        this.largeMemory = largeSlots > 0 ? BufferUtil.allocateDirectAligned(largeSlots * largeSlotSize, 64) : null;
        this.views = new UnsafeBuffer[slots + largeSlots];
        this.states = new AtomicIntegerArray(slots + largeSlots);
        this.freeList = new IntMpmcQueue(Integer.highestOneBit(slots - 1 | 1) << 1);
        this.largeFreeList = new IntMpmcQueue(Integer.highestOneBit(Math.max(1, largeSlots) - 1 | 1) << 1);
        for (int i = 0; i < slots; i++)
        {
            views[i] = new UnsafeBuffer(memory, i * slotSize, slotSize);
            freeList.offer(i);
        }
        for (int i = 0; i < largeSlots; i++)
        {
            views[slots + i] = new UnsafeBuffer(largeMemory, i * largeSlotSize, largeSlotSize);
            largeFreeList.offer(slots + i);
        }
    }

    /**
     * Takes a free buffer.
     *
     * @return its id, or -1 when every buffer is in use (the caller counts a drop)
     */
    public int acquire()
    {
        return take(freeList.poll());
    }

    /**
     * Takes a free large buffer ({@link #largeSlotSize()} bytes).
     *
     * @return its id, or -1 when there are none or all are in use (the caller sends in regular buffers instead)
     */
    public int acquireLarge()
    {
        return largeSlots == 0 ? -1 : take(largeFreeList.poll());
    }

    private int take(final int id)
    {
        if (id >= 0 && !states.compareAndSet(id, FREE, ONE_HOLDER))
        {
            throw new IllegalStateException("packet buffer " + id + " was on the free list while in use");
        }
        return id;
    }

    /**
     * Gives a buffer back: the slot is free again once every holder has released it.
     *
     * @throws IllegalStateException if it was not in use: a double release is a bug that would corrupt packets
     */
    public void release(final int id)
    {
        checkId(id);
        while (true)
        {
            final int holders = states.get(id);
            if (holders == FREE)
            {
                throw new IllegalStateException("packet buffer " + id + " released twice");
            }
            if (states.compareAndSet(id, holders, holders - 1))
            {
                if (holders == ONE_HOLDER)
                {
                    (id < slots ? freeList : largeFreeList).offer(id);
                }
                return;
            }
        }
    }

    /**
     * Adds a holder to a buffer in use, so it survives one more {@link #release(int)}: how a packet passes to another
     * agent while the agent that received it still releases it as usual.
     *
     * @throws IllegalStateException if the buffer is free
     */
    public void retain(final int id)
    {
        checkId(id);
        while (true)
        {
            final int holders = states.get(id);
            if (holders == FREE)
            {
                throw new IllegalStateException("packet buffer " + id + " retained while free");
            }
            if (states.compareAndSet(id, holders, holders + 1))
            {
                return;
            }
        }
    }

    /**
     * The id of the buffer whose view is {@code buffer} (as returned by {@link #buffer(int)}), or -1 when it is not
     * one of this pool's views.
     */
    public int idOf(final DirectBuffer buffer)
    {
        final int regular = slotIn(buffer, 0, slots, slotSize);
        return regular >= 0 || largeSlots == 0 ? regular : slotIn(buffer, slots, largeSlots, largeSlotSize);
    }

    private int slotIn(final DirectBuffer buffer, final int firstId, final int count, final int size)
    {
        final long distance = buffer.addressOffset() - views[firstId].addressOffset();
        if (distance < 0 || distance % size != 0 || distance / size >= count)
        {
            return -1;
        }
        final int id = firstId + (int)(distance / size);
        return views[id] == buffer ? id : -1;
    }

    private void checkId(final int id)
    {
        if (id < 0 || id >= views.length)
        {
            throw new IllegalArgumentException("packet buffer id " + id + " outside 0.." + (views.length - 1));
        }
    }

    /** The view of buffer {@code id}: offset 0 is the slot start, capacity is {@link #capacity(int)}. */
    public MutableDirectBuffer buffer(final int id)
    {
        return views[id];
    }

    /** Bytes per regular buffer. */
    public int slotSize()
    {
        return slotSize;
    }

    /** Number of regular buffers. */
    public int slots()
    {
        return slots;
    }

    /** Bytes per large buffer, 0 when the pool has none. */
    public int largeSlotSize()
    {
        return largeSlotSize;
    }

    /** Number of large buffers. */
    public int largeSlots()
    {
        return largeSlots;
    }

    /** Bytes buffer {@code id} holds: {@link #slotSize()}, or {@link #largeSlotSize()} for a large one. */
    public int capacity(final int id)
    {
        return id < slots ? slotSize : largeSlotSize;
    }

    /** Buffers currently held by someone (a scan: for tests and reports, not the data path). */
    public int inUse()
    {
        int count = 0;
        for (int i = 0; i < views.length; i++)
        {
            count += states.get(i) == FREE ? 0 : 1;
        }
        return count;
    }

    /** Ids of buffers currently held: after a clean shutdown, an empty list, or those buffers leaked. */
    public List<Integer> leakedSlots()
    {
        final List<Integer> held = new ArrayList<>();
        for (int i = 0; i < views.length; i++)
        {
            if (states.get(i) != FREE)
            {
                held.add(i);
            }
        }
        return held;
    }
}
