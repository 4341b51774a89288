package io.ustack.cli.bench;

import java.util.List;

/**
 * How much each part of the run measures.
 *
 * @param quick              the small matrix and sizes of {@code --quick}
 * @param shape              how the axes combine into cases
 * @param warmupNs           throughput warm-up before the first window
 * @param windowNs           length of one throughput window (one sample)
 * @param repeats            throughput windows and request/response repeats per case
 * @param rrWarmupMessages   round trips before the latency repeats
 * @param rrMessages         round trips per latency repeat
 * @param idleTargets        idle-connection counts to measure memory at, ascending; empty to skip
 * @param memoryBudgetBytes  most heap plus off-heap the idle connections may take before the run stops adding more
 * @param garbageBytes       bytes of the long transfer for allocation and GC counts; 0 to skip
 * @param kernelReference    measure the Linux kernel's TCP over a veth in the same run (needs root)
 * @param idleRingBytes      socket ring size of the small idle-connection profile
 * @param idleBufferBytes    TCP send and receive buffer of the small idle-connection profile
 */
record BenchSettings(boolean quick, BenchMatrix.Shape shape, long warmupNs, long windowNs, int repeats,
    int rrWarmupMessages, int rrMessages, List<Integer> idleTargets, long memoryBudgetBytes, long garbageBytes,
    boolean kernelReference, int idleRingBytes, int idleBufferBytes)
{
    /** Time the kernel reference takes beyond its measured windows and round trips (namespaces, two JVMs each part). */
    static final double KERNEL_REFERENCE_SET_UP_SECONDS = 4;

    /** Bytes of the long transfer treated as warm-up: a tenth, at most 1 GiB. */
    long garbageWarmupBytes()
    {
        return Math.min(1L << 30, garbageBytes / 10);
    }

    /** A rough duration of one case, for the first time estimate: set-up, windows, round trips. */
    double plannedCaseSeconds()
    {
        return 1.5 + (warmupNs + windowNs * (double)repeats) / 1e9 + (rrWarmupMessages + rrMessages * repeats) * 2e-4;
    }

    /** These settings with the kernel reference off (it needs root). */
    BenchSettings withoutKernelReference()
    {
        return new BenchSettings(quick, shape, warmupNs, windowNs, repeats, rrWarmupMessages, rrMessages,
            idleTargets, memoryBudgetBytes, garbageBytes, false, idleRingBytes, idleBufferBytes);
    }

    /** A rough duration of the kernel reference, for the first time estimate. */
    double plannedKernelSeconds()
    {
        return kernelReference ? KERNEL_REFERENCE_SET_UP_SECONDS + plannedCaseSeconds() : 0;
    }
}
