package io.ustack.bench.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the stack's agent thread (the one whose name holds {@code link-}: in {@code SHARED} mode it runs link,
 * IP and TCP) over a measurement. CPU per byte moved is far steadier than throughput on a shared machine, where
 * throughput mostly says how much of a core the thread was given: total (user + system, the system part being the
 * kernel's work inside our transmit kicks, including the kernel peer's receive processing of what we send) and user
 * (ustack's own Java code). Run to completion ({@code INVOKER}) there is no stack thread: the thread that polls the
 * stack and makes the socket calls does all of the work, and its time is measured.
 */
final class StackThreadCpu
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final boolean current;
    private long threadId = -1;
    private long startTotalNs;
    private long startUserNs;

    private StackThreadCpu(final boolean current)
    {
        this.current = current;
    }

    /** Measures the stack's agent thread (found by name at each {@link #start()}). */
    static StackThreadCpu stackThread()
    {
        return new StackThreadCpu(false);
    }

    /** Measures the thread that calls {@link #start()} and {@link #stop()} (which must be the same). */
    static StackThreadCpu currentThread()
    {
        return new StackThreadCpu(true);
    }

    /** Finds the stack thread and notes its CPU time so far. */
    void start()
    {
        threadId = current ? Thread.currentThread().getId() : -1;
        if (!current)
        {
            for (final Thread thread : Thread.getAllStackTraces().keySet())
            {
                if (thread.getName().contains("link-"))
                {
                    threadId = thread.getId();
                }
            }
        }
        startTotalNs = THREADS.getThreadCpuTime(threadId);
        startUserNs = THREADS.getThreadUserTime(threadId);
    }

    /** {total, user} CPU nanoseconds since {@link #start()}, or {-1, -1} when there was no stack thread. */
    long[] stop()
    {
        if (threadId < 0)
        {
            return new long[] {-1, -1};
        }
        return new long[] {THREADS.getThreadCpuTime(threadId) - startTotalNs,
            THREADS.getThreadUserTime(threadId) - startUserNs};
    }
}
