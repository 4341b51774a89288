package io.ustack.api.timer;

import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link TimerService} on a binary min-heap of slots with an index from slot to heap position, so schedule, cancel
 * and reschedule are O(log n) and {@link #nextDeadlineNs()} is O(1). Timers fire in exact deadline order, equal
 * deadlines in the order they were scheduled (or last rescheduled): the deterministic choice for the simulator,
 * where the clock jumps straight to {@link #nextDeadlineNs()}. The alternative to {@link WheelTimerService} that
 * DESIGN.md asks to benchmark.
 *
 * <p>Deadlines compare as {@code a - b < 0}, so time may wrap past {@link Long#MAX_VALUE} as long as pending
 * deadlines lie within 2<sup>62</sup> ns of one another. Storage grows by doubling when every slot is taken and never
 * shrinks; nothing else allocates. Not thread-safe: one agent owns it.
 */
public final class HeapTimerService implements TimerService
{
    /** Slots preallocated by {@link #HeapTimerService()}. */
    public static final int DEFAULT_INITIAL_TIMERS = 1024;

    private final TimerSlots slots;
    private int[] heap;
    private int[] heapIndexBySlot;
    private long[] sequenceBySlot;
    private int size;
    private long nextSequence;

    /** A heap with room for {@link #DEFAULT_INITIAL_TIMERS} timers before it grows. */
    public HeapTimerService()
    {
        this(DEFAULT_INITIAL_TIMERS);
    }

    /**
     * A heap with room for {@code initialTimers} before it grows.
     *
     * @param initialTimers timers preallocated; at least 1
     */
    public HeapTimerService(final int initialTimers)
    {
        slots = new TimerSlots(initialTimers);
        heap = new int[initialTimers];
        heapIndexBySlot = new int[initialTimers];
        sequenceBySlot = new long[initialTimers];
    }

    @Override
    public long schedule(final long deadlineNs, final TimerHandler handler, final long context)
    {
        Objects.requireNonNull(handler, "handler");
        final int slot = slots.allocate(handler, context, deadlineNs);
        if (slots.capacity() > heap.length)
        {
            growTo(slots.capacity());
        }
        sequenceBySlot[slot] = nextSequence++;
        heap[size] = slot;
        heapIndexBySlot[slot] = size;
        siftUp(size++);
        return slots.id(slot);
    }

    @Override
    public boolean cancel(final long timerId)
    {
        final int slot = slots.slotOf(timerId);
        if (slot == TimerSlots.NO_SLOT)
        {
            return false;
        }
        removeAt(heapIndexBySlot[slot]);
        slots.release(slot);
        return true;
    }

    @Override
    public long reschedule(final long timerId, final long newDeadlineNs)
    {
        final int slot = slots.slotOf(timerId);
        if (slot == TimerSlots.NO_SLOT)
        {
            return NULL_TIMER_ID;
        }
        final long newId = slots.renew(slot, newDeadlineNs);
        sequenceBySlot[slot] = nextSequence++;
        final int index = heapIndexBySlot[slot];
        siftDown(index);
        siftUp(heapIndexBySlot[slot]);
        return newId;
    }

    @Override
    public int poll(final long nowNs, final int limit)
    {
        int fired = 0;
        while (fired < limit && size > 0)
        {
            final int slot = heap[0];
            if (slots.deadlineNs(slot) - nowNs > 0)
            {
                break;
            }
            removeAt(0);
            final TimerHandler handler = slots.handler(slot);
            final long context = slots.context(slot);
            final long timerId = slots.id(slot);
            slots.release(slot);
            fired++;
            handler.onTimer(context, timerId, nowNs);
        }
        return fired;
    }

    @Override
    public int pending()
    {
        return size;
    }

    @Override
    public long nextDeadlineNs()
    {
        return size == 0 ? Long.MAX_VALUE : slots.deadlineNs(heap[0]);
    }

    private void removeAt(final int index)
    {
        final int last = --size;
        if (index != last)
        {
            final int moved = heap[last];
            heap[index] = moved;
            heapIndexBySlot[moved] = index;
            siftDown(index);
            siftUp(heapIndexBySlot[moved]);
        }
    }

    private void siftUp(final int start)
    {
        int index = start;
        final int slot = heap[index];
        while (index > 0)
        {
            final int parentIndex = (index - 1) >>> 1;
            final int parent = heap[parentIndex];
            if (!earlier(slot, parent))
            {
                break;
            }
            heap[index] = parent;
            heapIndexBySlot[parent] = index;
            index = parentIndex;
        }
        heap[index] = slot;
        heapIndexBySlot[slot] = index;
    }

    private void siftDown(final int start)
    {
        int index = start;
        final int slot = heap[index];
        final int half = size >>> 1;
        while (index < half)
        {
            int childIndex = (index << 1) + 1;
            int child = heap[childIndex];
            final int rightIndex = childIndex + 1;
            if (rightIndex < size && earlier(heap[rightIndex], child))
            {
                childIndex = rightIndex;
                child = heap[rightIndex];
            }
            if (!earlier(child, slot))
            {
                break;
            }
            heap[index] = child;
            heapIndexBySlot[child] = index;
            index = childIndex;
        }
        heap[index] = slot;
        heapIndexBySlot[slot] = index;
    }

    /** Deadline order, wrap-safe; ties go to the timer scheduled first. */
    private boolean earlier(final int a, final int b)
    {
        final long difference = slots.deadlineNs(a) - slots.deadlineNs(b);
        return difference < 0 || (difference == 0 && sequenceBySlot[a] - sequenceBySlot[b] < 0);
    }

    private void growTo(final int capacity)
    {
        heap = Arrays.copyOf(heap, capacity);
        heapIndexBySlot = Arrays.copyOf(heapIndexBySlot, capacity);
        sequenceBySlot = Arrays.copyOf(sequenceBySlot, capacity);
    }
}
