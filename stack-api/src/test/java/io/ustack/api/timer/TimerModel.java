package io.ustack.api.timer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives one {@link TimerService} beside a reference model (a {@link TreeMap} ordered by deadline, then schedule
 * order) and checks after every step: same pending set, same next deadline, polls fire exactly the due timers (the
 * earliest ones when a limit cuts the poll), never early, each once.
 */
final class TimerModel implements TimerHandler
{
    /** Model key: deadline relative to the start (so wrapped absolute times still sort), then schedule sequence. */
    private record Key(long relNs, long sequence) implements Comparable<Key>
    {
        @Override
        public int compareTo(final Key other)
        {
            final int byDeadline = Long.compare(relNs, other.relNs);
            return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
        }
    }

    private final TimerService service;
    private final long startNs;
    /** Wheel tick shift for order checks, or -1 for exact (heap) order. */
    private final int tickShift;
    private final TreeMap<Key, Long> pendingByKey = new TreeMap<>();
    private final Map<Long, Key> keyByContext = new HashMap<>();
    private final Map<Long, Long> idByContext = new HashMap<>();
    /** Timers scheduled with a deadline at or before the last poll's tick: the wheel files them in its current tick. */
    private final Map<Long, Boolean> lateByContext = new HashMap<>();
    private final List<Long> issuedIds = new ArrayList<>();
    private final List<Long> firedContexts = new ArrayList<>();
    private long nowNs;
    private long sequence;
    private long nextContext;
    private int totalFired;

    TimerModel(final TimerService service, final long startNs, final int tickShift)
    {
        this.service = service;
        this.startNs = startNs;
        this.nowNs = startNs;
        this.tickShift = tickShift;
    }

    void schedule(final long deltaNs)
    {
        final long deadlineNs = nowNs + deltaNs;
        final long context = nextContext++;
        final long id = service.schedule(deadlineNs, this, context);
        assertNotEquals(TimerService.NULL_TIMER_ID, id);
        assertFalse(issuedIds.contains(id), "ids are never reused");
        issuedIds.add(id);
        track(context, id, deadlineNs);
        check();
    }

    void cancel(final int pick)
    {
        if (issuedIds.isEmpty())
        {
            return;
        }
        final long id = issuedIds.get(Math.floorMod(pick, issuedIds.size()));
        final Long context = contextOf(id);
        assertEquals(context != null, service.cancel(id), "cancel is true exactly for pending timers");
        if (context != null)
        {
            untrack(context);
        }
        check();
    }

    void reschedule(final int pick, final long deltaNs)
    {
        if (issuedIds.isEmpty())
        {
            return;
        }
        final long id = issuedIds.get(Math.floorMod(pick, issuedIds.size()));
        final Long context = contextOf(id);
        final long newId = service.reschedule(id, nowNs + deltaNs);
        if (context == null)
        {
            assertEquals(TimerService.NULL_TIMER_ID, newId, "a stale id cannot be rescheduled");
        }
        else
        {
            assertNotEquals(id, newId);
            assertFalse(issuedIds.contains(newId), "ids are never reused");
            issuedIds.add(newId);
            untrack(context);
            track(context, newId, nowNs + deltaNs);
        }
        check();
    }

    void poll(final long advanceNs, final int limit)
    {
        nowNs += advanceNs;
        final List<Key> due = new ArrayList<>(pendingByKey.headMap(new Key(nowNs - startNs, Long.MAX_VALUE)).keySet());
        firedContexts.clear();
        final int fired = service.poll(nowNs, limit);
        assertEquals(Math.min(limit, due.size()), fired, "fires every due timer up to the limit");
        assertEquals(fired, firedContexts.size());
        if (tickShift < 0)
        {
            for (int i = 0; i < fired; i++)
            {
                assertEquals(due.get(i), keyOfFired(i), "exact deadline order, ties in schedule order");
            }
        }
        else
        {
            checkTickOrder(due);
        }
        for (final long context : firedContexts)
        {
            untrack(context);
        }
        check();
    }

    int totalFired()
    {
        return totalFired;
    }

    @Override
    public void onTimer(final long context, final long timerId, final long nowNs)
    {
        final Key key = keyByContext.get(context);
        assertTrue(key != null && !firedContexts.contains(context), "fires only pending timers, once: " + context);
        assertEquals(idByContext.get(context), timerId);
        assertEquals(this.nowNs, nowNs);
        assertTrue(key.relNs - (nowNs - startNs) <= 0, "never early");
        assertFalse(service.cancel(timerId), "a firing timer is no longer pending");
        firedContexts.add(context);
        totalFired++;
    }

    private Key keyOfFired(final int i)
    {
        return keyByContext.get(firedContexts.get(i));
    }

    /** The wheel: fired timers go tick by tick, and none waits while a later tick's timer fired. */
    private void checkTickOrder(final List<Key> due)
    {
        long lastTick = Long.MIN_VALUE;
        long maxFiredTick = Long.MIN_VALUE;
        for (final long context : firedContexts)
        {
            if (!lateByContext.get(context))
            {
                final long tick = keyByContext.get(context).relNs >> tickShift;
                assertTrue(tick >= lastTick, "tick order within a poll");
                lastTick = tick;
                maxFiredTick = Math.max(maxFiredTick, tick);
            }
        }
        for (final Key key : due)
        {
            final long context = pendingByKey.get(key);
            if (!firedContexts.contains(context) && !lateByContext.get(context))
            {
                assertTrue(key.relNs >> tickShift >= maxFiredTick, "a due timer waits only behind its own tick");
            }
        }
    }

    private void track(final long context, final long id, final long deadlineNs)
    {
        final Key key = new Key(deadlineNs - startNs, sequence++);
        pendingByKey.put(key, context);
        keyByContext.put(context, key);
        idByContext.put(context, id);
        lateByContext.put(context, tickShift >= 0 && (key.relNs >> tickShift) <= ((nowNs - startNs) >> tickShift));
    }

    private void untrack(final long context)
    {
        pendingByKey.remove(keyByContext.remove(context));
        idByContext.remove(context);
    }

    private Long contextOf(final long id)
    {
        for (final Map.Entry<Long, Long> entry : idByContext.entrySet())
        {
            if (entry.getValue() == id)
            {
                return entry.getKey();
            }
        }
        return null;
    }

    private void check()
    {
        assertEquals(pendingByKey.size(), service.pending());
        final long expectedNext = pendingByKey.isEmpty() ? Long.MAX_VALUE : startNs + pendingByKey.firstKey().relNs;
        assertEquals(expectedNext, service.nextDeadlineNs());
    }
}
