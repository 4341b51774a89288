package io.ustack.api.time;

import org.agrona.concurrent.NanoClock;

/**
 * A clock that only moves when told to: the time source of tests and of the simulator.
 *
 * <p>No layer reads the system clock (DESIGN.md, "Time and timers"); production stacks inject Agrona's
 * {@code SystemNanoClock}/{@code CachedNanoClock}, tests inject this one and call {@link #advanceNs(long)}.
 * Not thread-safe for writers: one thread advances it; readers on other threads see a coherent value.
 */
public final class VirtualClock implements NanoClock
{
    private volatile long nowNs;

    /** Starts at {@code startNs}. */
    public VirtualClock(final long startNs)
    {
        this.nowNs = startNs;
    }

    /** Starts at zero. */
    public VirtualClock()
    {
        this(0);
    }

    @Override
    public long nanoTime()
    {
        return nowNs;
    }

    /**
     * Moves time forward.
     *
     * @param deltaNs how far; must not be negative
     * @return the new time
     */
    public long advanceNs(final long deltaNs)
    {
        if (deltaNs < 0)
        {
            throw new IllegalArgumentException("a clock cannot go back: advanceNs(" + deltaNs + ")");
        }
        final long next = nowNs + deltaNs;
        nowNs = next;
        return next;
    }

    /** Moves time forward by whole milliseconds. */
    public long advanceMs(final long deltaMs)
    {
        return advanceNs(deltaMs * 1_000_000L);
    }

    /** Sets the time; it may not move backwards. */
    public void setNs(final long timeNs)
    {
        if (timeNs - nowNs < 0)
        {
            throw new IllegalArgumentException("a clock cannot go back: from " + nowNs + " to " + timeNs);
        }
        nowNs = timeNs;
    }
}
