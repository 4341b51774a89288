package io.ustack.link.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what one direction of a {@link DelayLine} did with its frames. Each counter has a single writer (the
 * producing or the consuming side) and is published with a release store, so any thread may read it.
 */
public final class WireStatistics
{
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong reordered = new AtomicLong();
    private final AtomicLong corrupted = new AtomicLong();
    private final AtomicLong refusedQueueFull = new AtomicLong();
    private final AtomicLong refusedBadLength = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong droppedBadFcs = new AtomicLong();

    /** Frames handed to the line for transmission, refused ones included. */
    public long offered()
    {
        return offered.get();
    }

    /** Frames the line lost on purpose (loss impairment). */
    public long lost()
    {
        return lost.get();
    }

    /** Extra copies the line queued (duplication impairment). */
    public long duplicated()
    {
        return duplicated.get();
    }

    /** Frames (copies included) held back behind a later frame (reordering impairment). */
    public long reordered()
    {
        return reordered.get();
    }

    /** Frames (copies included) with one bit flipped (corruption impairment). */
    public long corrupted()
    {
        return corrupted.get();
    }

    /** Frames refused because the queue was full. */
    public long refusedQueueFull()
    {
        return refusedQueueFull.get();
    }

    /** Frames refused for being longer than the line carries (or shorter than an Ethernet header). */
    public long refusedBadLength()
    {
        return refusedBadLength.get();
    }

    /** Frames handed to the receiver intact. */
    public long delivered()
    {
        return delivered.get();
    }

    /** Frames the receiver dropped because their FCS did not match (only on a line with an FCS). */
    public long droppedBadFcs()
    {
        return droppedBadFcs.get();
    }

    void onOffered()
    {
        increment(offered);
    }

    void onLost()
    {
        increment(lost);
    }

    void onDuplicated()
    {
        increment(duplicated);
    }

    void onReordered()
    {
        increment(reordered);
    }

    void onCorrupted()
    {
        increment(corrupted);
    }

    void onRefusedQueueFull()
    {
        increment(refusedQueueFull);
    }

    void onRefusedBadLength()
    {
        increment(refusedBadLength);
    }

    void onDelivered()
    {
        increment(delivered);
    }

    void onDroppedBadFcs()
    {
        increment(droppedBadFcs);
    }

    private static void increment(final AtomicLong counter)
    {
        counter.setRelease(counter.getPlain() + 1); // single writer: a release store is enough
    }

    @Override
    public String toString()
    {
        return "offered=" + offered() + " delivered=" + delivered() + " lost=" + lost() +
            " duplicated=" + duplicated() + " reordered=" + reordered() + " corrupted=" + corrupted() +
            " droppedBadFcs=" + droppedBadFcs() + " refusedQueueFull=" + refusedQueueFull() +
            " refusedBadLength=" + refusedBadLength();
    }
}
