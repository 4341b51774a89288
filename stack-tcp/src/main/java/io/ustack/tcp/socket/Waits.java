package io.ustack.tcp.socket;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * How an application thread waits for the stack's thread: spin, then yield, then park for short slices, re-checking
 * a volatile field each round. Time comes from the stack's {@link org.agrona.concurrent.NanoClock}.
 */
final class Waits
{
    private static final int SPIN_ROUNDS = 100;
    private static final int YIELD_ROUNDS = 200;
    private static final long MAX_PARK_NS = 50_000;

    private Waits()
    {
    }

    /** One round of backoff; {@code remainingNs} caps the park. */
    static void idle(final int round, final long remainingNs)
    {
        if (round < SPIN_ROUNDS)
        {
            Thread.onSpinWait();
        }
        else if (round < YIELD_ROUNDS)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(Math.max(1, Math.min(MAX_PARK_NS, remainingNs)));
        }
    }

    /**
     * One round of waiting for a full send ring to drain: {@link #idle}'s spin, then its park, without the yield
     * rounds between them. The ring still holds a quarter of its bytes or more for the stack thread to send, so
     * nothing waits on this thread; yielding instead took a third of a CPU away from the stack thread and the
     * receiver (benchmarks/results/2026-11-26-gso-notes.txt).
     */
    static void idleWhileQueued(final int round, final long remainingNs)
    {
        idle(round < SPIN_ROUNDS ? round : YIELD_ROUNDS, remainingNs);
    }

    /** {@code timeout} in nanoseconds, saturated at {@link Long#MAX_VALUE}, never negative. */
    static long nanos(final Duration timeout)
    {
        try
        {
            return Math.max(0, timeout.toNanos());
        }
        catch (final ArithmeticException tooLong)
        {
            return Long.MAX_VALUE;
        }
    }
}
