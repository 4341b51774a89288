package io.ustack.api.timer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Timer services")
class TimerServiceTest
{
    private static final long MS = 1_000_000L;

    /** Both implementations in their default shape. */
    enum Kind
    {
        HEAP, WHEEL;

        TimerService create(final long startNs)
        {
            return this == HEAP ? new HeapTimerService() : new WheelTimerService(startNs);
        }
    }

    /** Records what fired; each context may carry a re-entrant action. */
    private static final class Recorder implements TimerHandler
    {
        final List<Long> fired = new ArrayList<>();
        TimerService service;
        long peerToCancel = TimerService.NULL_TIMER_ID;
        long peerToReschedule = TimerService.NULL_TIMER_ID;
        boolean cancelled;

        @Override
        public void onTimer(final long context, final long timerId, final long nowNs)
        {
            fired.add(context);
            if (context == 1)
            {
                service.schedule(nowNs, this, 10);
                service.schedule(nowNs + 5 * MS, this, 11);
                cancelled = service.cancel(peerToCancel);
                peerToReschedule = service.reschedule(peerToReschedule, 30 * MS);
            }
            else if (context == 4)
            {
                service.schedule(nowNs - 1, this, 12);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    @DisplayName("a handler may schedule, cancel and reschedule during poll; due new timers fire in the same poll")
    void reentrantHandlers(final Kind kind)
    {
        final TimerService service = kind.create(0);
        final Recorder recorder = new Recorder();
        recorder.service = service;
        service.schedule(10 * MS, recorder, 1);
        recorder.peerToCancel = service.schedule(12 * MS, recorder, 2);
        recorder.peerToReschedule = service.schedule(15 * MS, recorder, 3);
        service.schedule(20 * MS, recorder, 4);

        assertEquals(4, service.poll(20 * MS, Integer.MAX_VALUE));
        assertTrue(recorder.cancelled);
        assertEquals(1L, recorder.fired.get(0), "tick order: 10 ms before 20 ms");
        assertEquals(Set.of(10L, 4L, 12L), Set.copyOf(recorder.fired.subList(1, 4)));
        assertTrue(recorder.fired.indexOf(4L) < recorder.fired.indexOf(12L));
        assertEquals(2, service.pending());
        assertEquals(25 * MS, service.nextDeadlineNs());

        recorder.fired.clear();
        assertEquals(2, service.poll(40 * MS, Integer.MAX_VALUE));
        assertEquals(List.of(11L, 3L), recorder.fired);
        assertEquals(0, service.pending());
        assertEquals(Long.MAX_VALUE, service.nextDeadlineNs());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    @DisplayName("stale ids: a fired, cancelled or rescheduled id can no longer cancel or reschedule anything")
    void staleIds(final Kind kind)
    {
        final TimerService service = kind.create(0);
        final Recorder recorder = new Recorder();
        final long fired = service.schedule(MS, recorder, 5);
        service.poll(MS, 10);
        final long replacement = service.schedule(2 * MS, recorder, 6);
        assertNotEquals(fired, replacement, "a slot's next timer gets a new id");
        assertFalse(service.cancel(fired));
        assertEquals(TimerService.NULL_TIMER_ID, service.reschedule(fired, 9 * MS));
        assertFalse(service.cancel(TimerService.NULL_TIMER_ID));
        assertFalse(service.cancel(0));
        final long moved = service.reschedule(replacement, 3 * MS);
        assertFalse(service.cancel(replacement));
        assertEquals(3 * MS, service.nextDeadlineNs());
        assertTrue(service.cancel(moved));
        assertFalse(service.cancel(moved));
        assertEquals(0, service.pending());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    @DisplayName("a simulator jumping to nextDeadlineNs fires each timer at exactly its deadline, across hours")
    void simulatorJumps(final Kind kind)
    {
        final long startNs = 5_000 * MS;
        final TimerService service = kind.create(startNs);
        final long[] deadlines = {startNs + 3, startNs + 200 * MS, startNs + 7_200_000 * MS, startNs + 7_200_001 * MS};
        final long[] firedAt = new long[deadlines.length];
        final TimerHandler handler = (context, timerId, nowNs) -> firedAt[(int)context] = nowNs;
        for (int i = deadlines.length - 1; i >= 0; i--)
        {
            service.schedule(deadlines[i], handler, i);
        }
        long nowNs = startNs;
        while (service.pending() > 0)
        {
            final long next = service.nextDeadlineNs();
            assertTrue(next - nowNs >= 0);
            nowNs = next;
            assertEquals(1, service.poll(nowNs, Integer.MAX_VALUE));
        }
        assertEquals(Arrays.toString(deadlines), Arrays.toString(firedAt));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    @DisplayName("100k pending timers: half cancelled, the rest fire once each, in order, never early")
    void hundredThousandTimers(final Kind kind)
    {
        final int count = 100_000;
        final TimerService service = kind.create(0);
        final SplittableRandom random = new SplittableRandom(42);
        final long[] deadlines = new long[count];
        final long[] ids = new long[count];
        final int[] firedTimes = new int[count];
        final long[] lastOrderKey = {Long.MIN_VALUE};
        final long tickNs = kind == Kind.WHEEL ? WheelTimerService.DEFAULT_TICK_NS : 1;
        final TimerHandler check = (context, id, nowNs) ->
        {
            final int i = (int)context;
            assertTrue(deadlines[i] <= nowNs, "never early");
            final long orderKey = deadlines[i] / tickNs;
            assertTrue(orderKey >= lastOrderKey[0], "order");
            lastOrderKey[0] = orderKey;
            firedTimes[i]++;
        };
        for (int i = 0; i < count; i++)
        {
            deadlines[i] = 1 + random.nextLong(10_000 * MS);
            ids[i] = service.schedule(deadlines[i], check, i);
        }
        assertEquals(count, service.pending());
        for (int i = 0; i < count; i += 2)
        {
            assertTrue(service.cancel(ids[i]));
        }
        for (int i = 1; i < count; i += 2)
        {
            ids[i] = service.reschedule(ids[i], deadlines[i]);
        }
        assertEquals(count / 2, service.pending());
        int fired = 0;
        for (long nowNs = 0; nowNs <= 10_001 * MS; nowNs += MS)
        {
            fired += service.poll(nowNs, Integer.MAX_VALUE);
        }
        assertEquals(count / 2, fired);
        for (int i = 0; i < count; i++)
        {
            assertEquals(i % 2, firedTimes[i], "timer " + i);
        }
        assertEquals(0, service.pending());
    }

    @Test
    @DisplayName("the wheel refuses shapes Agrona cannot do, saying what to use")
    void wheelShapeChecked()
    {
        final IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> new WheelTimerService(0, 1_000_000, 1024, 16));
        assertTrue(e.getMessage().contains("powers of two"));
        assertThrows(IllegalArgumentException.class, () -> new WheelTimerService(0, 1 << 20, 1000, 16));
        assertEquals(1L << 20, new WheelTimerService(0).tickNs());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    @DisplayName("allocation: 1e6 schedule/cancel cycles and expiries allocate nothing")
    void noAllocation(final Kind kind)
    {
        final TimerService service = kind.create(0);
        final long[] sink = new long[1];
        final TimerHandler handler = (context, timerId, nowNs) -> sink[0] += context;
        for (int i = 0; i < 2_000; i++)
        {
            service.schedule(i * MS, handler, i); // a standing population, as in a busy agent
        }
        final long warmNs = cycles(service, handler, 200_000, 0);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long nowNs = cycles(service, handler, 1_000_000, warmNs);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
        assertTrue(nowNs > 0 && sink[0] > 0);
    }

    /** Schedule + cancel, schedule + reschedule + cancel, and one expiry per 16 cycles while time moves. */
    private static long cycles(final TimerService service, final TimerHandler handler, final int count, final long from)
    {
        long nowNs = from;
        for (int i = 0; i < count; i++)
        {
            final long id = service.schedule(nowNs + 200 * MS + (i & 1023) * 1_000, handler, i);
            if ((i & 15) == 0)
            {
                service.schedule(nowNs + 1_000, handler, i);
                nowNs += 2_000;
                service.poll(nowNs, Integer.MAX_VALUE);
            }
            final long moved = service.reschedule(id, nowNs + 300 * MS);
            service.cancel(moved);
        }
        return nowNs;
    }
}
