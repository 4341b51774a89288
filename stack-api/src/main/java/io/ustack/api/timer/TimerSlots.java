package io.ustack.api.timer;

import java.util.Arrays;

/**
 * The side table both timer services keep: per slot the handler, context and deadline, plus a generation that makes
 * timer ids unique over time. A timer id is {@code generation << 32 | slot}, generation in 1..2<sup>31</sup>−1, so an
 * id is always positive and never {@link TimerService#NULL_TIMER_ID}. Free slots are a stack of ints; nothing
 * allocates except when every slot is taken and the arrays double.
 */
final class TimerSlots
{
    static final int NO_SLOT = -1;

    private TimerHandler[] handlers;
    private long[] contexts;
    private long[] deadlines;
    private int[] generations;
    private int[] freeSlots;
    private int freeCount;
    private int live;

    TimerSlots(final int initialCapacity)
    {
        if (initialCapacity < 1)
        {
            throw new IllegalArgumentException("initial timer capacity must be at least 1: " + initialCapacity);
        }
        handlers = new TimerHandler[initialCapacity];
        contexts = new long[initialCapacity];
        deadlines = new long[initialCapacity];
        generations = new int[initialCapacity];
        freeSlots = new int[initialCapacity];
        Arrays.fill(generations, 1);
        pushFree(0, initialCapacity);
    }

    /** Takes a free slot (doubling the table if none is left) and fills it. */
    int allocate(final TimerHandler handler, final long context, final long deadlineNs)
    {
        if (freeCount == 0)
        {
            grow();
        }
        final int slot = freeSlots[--freeCount];
        handlers[slot] = handler;
        contexts[slot] = context;
        deadlines[slot] = deadlineNs;
        live++;
        return slot;
    }

    /** Gives a slot back; its current id becomes stale. */
    void release(final int slot)
    {
        handlers[slot] = null;
        generations[slot] = nextGeneration(generations[slot]);
        freeSlots[freeCount++] = slot;
        live--;
    }

    /** Gives a live slot a new deadline and a new id (the old id becomes stale); returns the new id. */
    long renew(final int slot, final long deadlineNs)
    {
        deadlines[slot] = deadlineNs;
        generations[slot] = nextGeneration(generations[slot]);
        return id(slot);
    }

    /** The slot a pending timer's id names, or {@link #NO_SLOT} if the id is stale or was never issued. */
    int slotOf(final long timerId)
    {
        final int slot = (int)timerId;
        if (timerId < 0 || slot < 0 || slot >= handlers.length || handlers[slot] == null ||
            generations[slot] != (int)(timerId >>> 32))
        {
            return NO_SLOT;
        }
        return slot;
    }

    long id(final int slot)
    {
        return ((long)generations[slot] << 32) | slot;
    }

    boolean isLive(final int slot)
    {
        return handlers[slot] != null;
    }

    TimerHandler handler(final int slot)
    {
        return handlers[slot];
    }

    long context(final int slot)
    {
        return contexts[slot];
    }

    long deadlineNs(final int slot)
    {
        return deadlines[slot];
    }

    int live()
    {
        return live;
    }

    int capacity()
    {
        return handlers.length;
    }

    private void grow()
    {
        final int oldCapacity = handlers.length;
        if (oldCapacity > (1 << 29))
        {
            throw new IllegalStateException("timer table full at " + oldCapacity + " pending timers");
        }
        final int newCapacity = oldCapacity << 1;
        handlers = Arrays.copyOf(handlers, newCapacity);
        contexts = Arrays.copyOf(contexts, newCapacity);
        deadlines = Arrays.copyOf(deadlines, newCapacity);
        generations = Arrays.copyOf(generations, newCapacity);
        Arrays.fill(generations, oldCapacity, newCapacity, 1);
        freeSlots = new int[newCapacity];
        pushFree(oldCapacity, newCapacity);
    }

    /** Pushes slots so that the lowest is handed out first (keeps the live slots dense for scans). */
    private void pushFree(final int fromInclusive, final int toExclusive)
    {
        for (int slot = toExclusive - 1; slot >= fromInclusive; slot--)
        {
            freeSlots[freeCount++] = slot;
        }
    }

    private static int nextGeneration(final int generation)
    {
        return generation == Integer.MAX_VALUE ? 1 : generation + 1;
    }
}
