package io.ustack.sim;

import io.ustack.api.config.ThreadingMode;
import io.ustack.api.time.VirtualClock;
import io.ustack.runtime.Stack;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs {@link ThreadingMode#INVOKER} stacks in lockstep on one virtual clock: each step polls every stack at the
 * same instant, then moves time on by a fixed tick. Nothing depends on the machine's speed or scheduling, so the same
 * configuration and seeds give the same packets at the same virtual times, every run.
 *
 * <p>This is the first brick of the simulator; event-driven time (jumping to the next deadline) and topologies come
 * with the simulator issue.
 */
public final class LockstepSimulation
{
    private final VirtualClock clock;
    private final long tickNs;
    private final List<Stack> stacks = new ArrayList<>();
    private long steps;

    /**
     * @param clock  the clock every stack and wire of the simulation reads
     * @param tickNs virtual time between steps (the simulation's resolution), at least 1
     */
    public LockstepSimulation(final VirtualClock clock, final long tickNs)
    {
        if (tickNs < 1)
        {
            throw new IllegalArgumentException("tick " + tickNs + " ns: use at least 1 ns");
        }
        this.clock = clock;
        this.tickNs = tickNs;
    }

    /**
     * Adds and starts a stack.
     *
     * @throws IllegalArgumentException unless it is an unstarted INVOKER stack
     */
    public LockstepSimulation add(final Stack stack)
    {
        if (stack.config().threadingMode() != ThreadingMode.INVOKER)
        {
            throw new IllegalArgumentException("stack " + stack.config().name() + " is " +
                stack.config().threadingMode() + ": a simulation drives INVOKER stacks only");
        }
        stacks.add(stack.start());
        return this;
    }

    /**
     * Steps until {@code done} holds or {@code maxVirtualNs} of virtual time has passed.
     *
     * @return whether {@code done} held
     */
    public boolean runUntil(final BooleanSupplier done, final long maxVirtualNs)
    {
        final long deadlineNs = clock.nanoTime() + maxVirtualNs;
        while (!done.getAsBoolean())
        {
            if (clock.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            step();
        }
        return true;
    }

    /** One step: poll every stack at the current instant, then advance the clock by a tick. */
    public void step()
    {
        final long nowNs = clock.nanoTime();
        for (final Stack stack : stacks)
        {
            stack.poll(nowNs);
        }
        clock.advanceNs(tickNs);
        steps++;
    }

    /** Steps taken so far. */
    public long steps()
    {
        return steps;
    }

    /** The simulation's clock. */
    public VirtualClock clock()
    {
        return clock;
    }
}
