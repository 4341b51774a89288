package io.ustack.api.counter;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;

/**
 * The counters of one stack: one per {@link CounterDescriptor} and one per {@link DropReason}, allocated in an
 * Agrona {@link CountersManager} so a separate process can read them from a mapped file while the stack runs.
 *
 * <p>Updates allocate nothing. Traffic counters have one writer each (release stores); drops may come from any
 * thread (atomic adds).
 */
public final class StackCounters
{
    private static final int COUNTER_COUNT = CounterDescriptor.values().length + DropReason.values().length;

    private final CountersManager manager;
    private final AtomicCounter[] traffic = new AtomicCounter[CounterDescriptor.values().length];
    private final AtomicCounter[] drops = new AtomicCounter[DropReason.values().length];

    /**
     * Allocates every counter in {@code manager}, labelled with the stack name.
     *
     * @param manager   where the counters live (on heap, or in a mapped file for {@code ustack stat})
     * @param stackName prefix of every label
     */
    public StackCounters(final CountersManager manager, final String stackName)
    {
        this.manager = manager;
        for (final CounterDescriptor d : CounterDescriptor.values())
        {
            traffic[d.ordinal()] = manager.newCounter(stackName + ": " + d.label(), d.typeId());
        }
        for (final DropReason r : DropReason.values())
        {
            drops[r.ordinal()] = manager.newCounter(stackName + ": drop: " + r.label(), r.typeId());
        }
    }

    /** Counters in direct memory of this process, sized for every descriptor and drop reason. */
    public static StackCounters inMemory(final String stackName)
    {
        final int valuesLength = COUNTER_COUNT * CountersReader.COUNTER_LENGTH;
        final int metaLength = COUNTER_COUNT * CountersReader.METADATA_LENGTH;
        final AtomicBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(metaLength));
        final AtomicBuffer values = new UnsafeBuffer(ByteBuffer.allocateDirect(valuesLength));
        return new StackCounters(new CountersManager(meta, values), stackName);
    }

    /** Adds one to a traffic counter. */
    public void increment(final CounterDescriptor descriptor)
    {
        traffic[descriptor.ordinal()].incrementRelease();
    }

    /** Adds {@code delta} to a traffic counter. */
    public void add(final CounterDescriptor descriptor, final long delta)
    {
        traffic[descriptor.ordinal()].getAndAddRelease(delta);
    }

    /** Counts one unit dropped for {@code reason}. */
    public void drop(final DropReason reason)
    {
        drops[reason.ordinal()].increment();
    }

    /** Counts {@code count} units dropped for {@code reason}. */
    public void drop(final DropReason reason, final long count)
    {
        drops[reason.ordinal()].getAndAdd(count);
    }

    /** Current value of a traffic counter. */
    public long get(final CounterDescriptor descriptor)
    {
        return traffic[descriptor.ordinal()].get();
    }

    /** Units dropped so far for {@code reason}. */
    public long drops(final DropReason reason)
    {
        return drops[reason.ordinal()].get();
    }

    /** Units dropped so far for any reason. */
    public long totalDrops()
    {
        long sum = 0;
        for (final AtomicCounter c : drops)
        {
            sum += c.get();
        }
        return sum;
    }

    /** A reader over every counter, as {@code ustack stat} sees them. */
    public CountersReader reader()
    {
        return manager;
    }

    /**
     * A multi-line table of every non-zero counter, traffic first, then drops by reason.
     */
    public String describeNonZero()
    {
        final StringBuilder out = new StringBuilder();
        for (final CounterDescriptor d : CounterDescriptor.values())
        {
            final long v = get(d);
            if (v != 0)
            {
                out.append(String.format("  %-45s %,15d%n", d.label(), v));
            }
        }
        for (final DropReason r : DropReason.values())
        {
            final long v = drops(r);
            if (v != 0)
            {
                out.append(String.format("  drop: %-39s %,15d%n", r.label(), v));
            }
        }
        return out.toString();
    }
}
