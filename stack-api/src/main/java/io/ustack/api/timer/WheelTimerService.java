package io.ustack.api.timer;

import org.agrona.BitUtil;
import org.agrona.DeadlineTimerWheel;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TimerService} over Agrona's {@link DeadlineTimerWheel}: O(1) schedule and cancel, the default for agents
 * that poll every duty cycle.
 *
 * <p><b>Ticks and deadlines.</b> The wheel hashes each timer into the spoke of its deadline's tick
 * ({@code (deadline - start) >> log2(tickNs)}); the tick length must be a power of two nanoseconds, so the default
 * "1 ms" tick is {@link #DEFAULT_TICK_NS} = 2<sup>20</sup> ns ≈ 1.05 ms. Ticks only group timers: a timer fires on
 * the first poll whose {@code nowNs} reaches its exact deadline, never rounded to the tick — neither early nor a
 * tick late. Within one poll, timers fire tick by tick (this class walks the ticks between polls one at a time and
 * shows the wheel only the part of {@code nowNs} inside each tick, so a later tick never fires first); inside one
 * tick the order is the wheel's slot order, not deadline order. Use {@link HeapTimerService} when exact order
 * matters.
 *
 * <p><b>Far-future deadlines.</b> A spoke holds every timer whose tick is congruent to it modulo
 * {@code ticksPerWheel}; a deadline more than one rotation ({@code ticksPerWheel × tickNs}, ≈ 1.07 s by default)
 * away stays in its spoke and is skipped on each pass until its own rotation comes (a 2-hour keepalive is looked at
 * ≈ 6,700 times). The wheel allocates the same number of slots to every spoke, the most any spoke has needed, so
 * memory is {@code ticksPerWheel × (most timers ever in one spoke) × 8} bytes: many timers with one deadline tick cost
 * far more than spread ones.
 *
 * <p><b>Gaps between polls.</b> Within one rotation the ticks are walked one by one. When a poll comes more than a
 * rotation after the wheel's position (a simulator jumping its clock) the wheel jumps to the earliest pending
 * deadline's tick instead. The earliest deadline is cached; when that timer fires or is cancelled, the next
 * {@link #nextDeadlineNs()} (or long gap) rescans the side table, O(timers): cheap for an agent polling in real time,
 * linear per event for a simulator with many timers, which should use {@link HeapTimerService}.
 *
 * <p>Times are kept relative to the start given at construction, so {@code nowNs} may wrap past
 * {@link Long#MAX_VALUE}. Per timer the wheel's own slot plus a side table (handler, context, deadline, generation)
 * in preallocated arrays; nothing allocates per schedule, cancel or expiry once the tables are big enough. Not
 * thread-safe: one agent owns it.
 */
public final class WheelTimerService implements TimerService
{
    /** Default tick: 2<sup>20</sup> ns ≈ 1.05 ms (the wheel needs a power of two). */
    public static final long DEFAULT_TICK_NS = 1L << 20;
    /** Default spokes: 1024, one rotation ≈ 1.07 s, covering RTO, delayed-ACK and persist timers. */
    public static final int DEFAULT_TICKS_PER_WHEEL = 1024;
    /** Timers preallocated in the side table by the short constructor. */
    public static final int DEFAULT_INITIAL_TIMERS = 1024;

    private final long startNs;
    private final int tickShift;
    private final int ticksPerWheel;
    private final DeadlineTimerWheel wheel;
    private final DeadlineTimerWheel.TimerHandler expiryHandler = this::onExpiry;
    private final TimerSlots slots;
    private long[] wheelIdBySlot;
    /** Slot of each wheel position: row {@code spoke}, column {@code index in spoke}, row length 2^columnShift. */
    private int[] slotByWheelPosition;
    private int columnShift;

    private long earliestRelNs;
    private boolean earliestKnown;
    private boolean polling;
    private boolean scheduledIntoCurrentTick;
    private long pollNowNs;

    /**
     * A wheel with the default tick, spokes and initial capacity.
     *
     * @param startNs the time the wheel starts at; deadlines are kept relative to it
     */
    public WheelTimerService(final long startNs)
    {
        this(startNs, DEFAULT_TICK_NS, DEFAULT_TICKS_PER_WHEEL, DEFAULT_INITIAL_TIMERS);
    }

    /**
     * A wheel with the given shape.
     *
     * @param startNs       the time the wheel starts at; deadlines are kept relative to it
     * @param tickNs        tick length, a power of two nanoseconds
     * @param ticksPerWheel spokes, a power of two
     * @param initialTimers timers the side table holds before it grows; also sizes the wheel's spokes
     */
    public WheelTimerService(final long startNs, final long tickNs, final int ticksPerWheel, final int initialTimers)
    {
        if (!BitUtil.isPowerOfTwo(tickNs) || !BitUtil.isPowerOfTwo(ticksPerWheel))
        {
            throw new IllegalArgumentException("tickNs (" + tickNs + ") and ticksPerWheel (" + ticksPerWheel +
                ") must be powers of two, e.g. tickNs 1048576 (≈1 ms) and 1024 ticks");
        }
        final int perSpoke = BitUtil.findNextPositivePowerOfTwo(Math.max(4, 2 * initialTimers / ticksPerWheel));
        this.startNs = startNs;
        this.tickShift = Long.numberOfTrailingZeros(tickNs);
        this.ticksPerWheel = ticksPerWheel;
        this.wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, 0, tickNs, ticksPerWheel, perSpoke);
        this.slots = new TimerSlots(initialTimers);
        this.wheelIdBySlot = new long[initialTimers];
        this.columnShift = Integer.numberOfTrailingZeros(perSpoke);
        this.slotByWheelPosition = new int[ticksPerWheel << columnShift];
    }

    @Override
    public long schedule(final long deadlineNs, final TimerHandler handler, final long context)
    {
        Objects.requireNonNull(handler, "handler");
        final long relNs = deadlineNs - startNs;
        final long wheelId = wheel.scheduleTimer(relNs);
        final int slot = slots.allocate(handler, context, deadlineNs);
        if (slots.capacity() > wheelIdBySlot.length)
        {
            wheelIdBySlot = Arrays.copyOf(wheelIdBySlot, slots.capacity());
        }
        place(slot, wheelId);
        onScheduled(relNs, slots.live() == 1);
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
        wheel.cancelTimer(wheelIdBySlot[slot]);
        onRemoved(slots.deadlineNs(slot) - startNs);
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
        wheel.cancelTimer(wheelIdBySlot[slot]);
        onRemoved(slots.deadlineNs(slot) - startNs);
        final long relNs = newDeadlineNs - startNs;
        place(slot, wheel.scheduleTimer(relNs));
        onScheduled(relNs, slots.live() == 1);
        return slots.renew(slot, newDeadlineNs);
    }

    @Override
    public int poll(final long nowNs, final int limit)
    {
        final long nowRelNs = nowNs - startNs;
        final long nowTick = nowRelNs >> tickShift;
        int fired = 0;
        pollNowNs = nowNs;
        polling = true;
        try
        {
            while (fired < limit && wheel.timerCount() > 0)
            {
                long tick = currentTick();
                if (tick > nowTick)
                {
                    break;
                }
                if (nowTick - tick > ticksPerWheel)
                {
                    // More than a rotation behind: no timer lies before the earliest deadline's tick, jump there.
                    final long target = Math.min(earliestRelNs() >> tickShift, nowTick);
                    if (target > tick)
                    {
                        wheel.currentTickTime(target << tickShift);
                        tick = target;
                    }
                }
                // Show the wheel only the part of now inside this tick, so a timer of a later rotation in the same
                // spoke waits for its own tick (tick order), and the wheel never advances by itself.
                final long tickNowRelNs = tick == nowTick ? nowRelNs : ((tick + 1) << tickShift) - 1;
                scheduledIntoCurrentTick = false;
                fired += wheel.poll(tickNowRelNs, expiryHandler, limit - fired);
                if (fired >= limit)
                {
                    break;
                }
                if (scheduledIntoCurrentTick)
                {
                    continue; // a handler armed a timer in this tick, perhaps in a slot already passed: look again
                }
                if (tick == nowTick)
                {
                    break;
                }
                wheel.currentTickTime((tick + 1) << tickShift);
            }
            if (wheel.timerCount() == 0)
            {
                wheel.currentTickTime(nowRelNs);
            }
        }
        finally
        {
            polling = false;
        }
        return fired;
    }

    @Override
    public int pending()
    {
        return slots.live();
    }

    @Override
    public long nextDeadlineNs()
    {
        return slots.live() == 0 ? Long.MAX_VALUE : startNs + earliestRelNs();
    }

    /** Tick length in nanoseconds. */
    public long tickNs()
    {
        return 1L << tickShift;
    }

    /** Spokes of the wheel. */
    public int ticksPerWheel()
    {
        return ticksPerWheel;
    }

    private boolean onExpiry(final TimeUnit timeUnit, final long nowRelNs, final long wheelId)
    {
        final int slot = slotByWheelPosition[position(wheelId)];
        final TimerHandler handler = slots.handler(slot);
        final long context = slots.context(slot);
        final long timerId = slots.id(slot);
        onRemoved(slots.deadlineNs(slot) - startNs);
        slots.release(slot);
        handler.onTimer(context, timerId, pollNowNs);
        return true;
    }

    private long currentTick()
    {
        return (wheel.currentTickTime() >> tickShift) - 1; // the wheel reports the end of its current tick
    }

    private void place(final int slot, final long wheelId)
    {
        final int column = (int)wheelId;
        if (column >= (1 << columnShift))
        {
            growColumns(column);
        }
        wheelIdBySlot[slot] = wheelId;
        slotByWheelPosition[position(wheelId)] = slot;
    }

    private int position(final long wheelId)
    {
        return ((int)(wheelId >>> 32) << columnShift) + (int)wheelId;
    }

    /** The wheel gave a spoke more slots: widen every row of the reverse map to match. */
    private void growColumns(final int column)
    {
        final int newShift = 32 - Integer.numberOfLeadingZeros(column);
        final int oldWidth = 1 << columnShift;
        final int[] wider = new int[ticksPerWheel << newShift];
        for (int spoke = 0; spoke < ticksPerWheel; spoke++)
        {
            System.arraycopy(slotByWheelPosition, spoke << columnShift, wider, spoke << newShift, oldWidth);
        }
        slotByWheelPosition = wider;
        columnShift = newShift;
    }

    private void onScheduled(final long relNs, final boolean onlyTimer)
    {
        if (onlyTimer)
        {
            earliestRelNs = relNs;
            earliestKnown = true;
        }
        else if (earliestKnown && relNs < earliestRelNs)
        {
            earliestRelNs = relNs;
        }
        if (polling && relNs >> tickShift <= currentTick())
        {
            scheduledIntoCurrentTick = true;
        }
    }

    private void onRemoved(final long relNs)
    {
        if (relNs == earliestRelNs)
        {
            earliestKnown = false;
        }
    }

    private long earliestRelNs()
    {
        if (!earliestKnown)
        {
            long earliest = Long.MAX_VALUE;
            for (int slot = 0, capacity = slots.capacity(); slot < capacity; slot++)
            {
                if (slots.isLive(slot))
                {
                    earliest = Math.min(earliest, slots.deadlineNs(slot) - startNs);
                }
            }
            earliestRelNs = earliest;
            earliestKnown = true;
        }
        return earliestRelNs;
    }
}
