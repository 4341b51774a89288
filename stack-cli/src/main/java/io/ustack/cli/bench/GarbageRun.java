package io.ustack.cli.bench;

import io.ustack.api.config.ThreadingMode;
import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Garbage during a long transfer: one connection a to b carries {@code garbageBytes}; after the first tenth (at
 * most 1 GiB) of warm-up, it takes the bytes allocated so far by each stack thread (threads named
 * {@code bench-a-*} and {@code bench-b-*}) and by the two application threads, from
 * {@link com.sun.management.ThreadMXBean#getThreadAllocatedBytes(long)}, and the collection counts of the JVM's
 * collectors; at the end it takes them again. The stacks run the baseline's configuration, in SHARED mode if the
 * baseline is INVOKER (whose stack work would run on the application thread and could not be told apart).
 */
final class GarbageRun
{
    private final BenchSettings settings;

    /**
     * @param mode                 the threading mode used
     * @param bytes                bytes measured (after warm-up)
     * @param seconds              time they took
     * @param stackAllocatedBytes  allocated by the stack threads while they moved them
     * @param appAllocatedBytes    allocated by the sender and receiver threads
     * @param youngGcs             young (minor) collections meanwhile
     * @param allGcs               collections of every collector meanwhile
     * @param stackThreads         how many stack threads were measured
     */
    record Outcome(String mode, long bytes, double seconds, long stackAllocatedBytes, long appAllocatedBytes,
        long youngGcs, long allGcs, int stackThreads)
    {
        double stackBytesPerSecond()
        {
            return stackAllocatedBytes / seconds;
        }

        double mbitPerSecond()
        {
            return bytes * 8 / seconds / 1e6;
        }
    }

    GarbageRun(final BenchSettings settings)
    {
        this.settings = settings;
    }

    Outcome run(final BenchCase baseline) throws IOException
    {
        final BenchCase benchCase = baseline.mode() == ThreadingMode.INVOKER ? new BenchCase(ThreadingMode.SHARED,
            baseline.ring(), baseline.idle(), baseline.mtu(), baseline.cc(), baseline.nagle(), baseline.ackPolicy(),
            baseline.link()) :
            baseline;
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (TwoStacks stacks = TwoStacks.of(benchCase))
        {
            final TcpSocket[] connection = stacks.connect(5003, benchCase.nagle());
            final long[] stackThreadIds = stacks.stackThreads().stream().mapToLong(Thread::getId).toArray();
            final AtomicReference<IOException> failure = new AtomicReference<>();
            final Thread sender = new Thread(() -> send(connection[0], settings.garbageBytes(), failure),
                "bench-garbage-sender");
            sender.setDaemon(true);
            sender.start();
            final long[] appThreadIds = {sender.getId(), Thread.currentThread().getId()};
            final ByteBuffer into = ByteBuffer.allocateDirect(Throughput.CHUNK);
            long total = 0;
            long[] stackAt = null;
            long[] appAt = null;
            long youngAt = 0;
            long allAt = 0;
            long startNs = 0;
            long measuredFrom = 0;
            while (true)
            {
                into.clear();
                final int n = connection[1].read(into, TwoStacks.WAIT);
                if (n < 0)
                {
                    break;
                }
                total += n;
                if (stackAt == null && total >= settings.garbageWarmupBytes())
                {
                    stackAt = threads.getThreadAllocatedBytes(stackThreadIds);
                    appAt = threads.getThreadAllocatedBytes(appThreadIds);
                    youngAt = gcCount(true);
                    allAt = gcCount(false);
                    startNs = stacks.clock.nanoTime();
                    measuredFrom = total;
                }
            }
            final long endNs = stacks.clock.nanoTime();
            final long stackAllocated = sum(threads.getThreadAllocatedBytes(stackThreadIds)) - sum(stackAt);
            final long appAllocated = sum(threads.getThreadAllocatedBytes(appThreadIds)) - sum(appAt);
            final long young = gcCount(true) - youngAt;
            final long all = gcCount(false) - allAt;
            TwoStacks.joinUninterruptibly(sender);
            if (failure.get() != null)
            {
                throw new IOException("the sender failed: " + failure.get().getMessage(), failure.get());
            }
            if (total != settings.garbageBytes())
            {
                throw new IOException("received " + total + " of " + settings.garbageBytes() + " bytes");
            }
            connection[0].close();
            connection[1].close();
            return new Outcome(benchCase.mode().name(), total - measuredFrom, (endNs - startNs) / 1e9, stackAllocated,
                appAllocated, young, all, stackThreadIds.length);
        }
    }

    private static void send(final TcpSocket socket, final long bytes, final AtomicReference<IOException> failure)
    {
        final ByteBuffer chunk = ByteBuffer.allocateDirect(Throughput.CHUNK);
        try
        {
            long sent = 0;
            while (sent < bytes)
            {
                chunk.clear().limit((int)Math.min(Throughput.CHUNK, bytes - sent));
                socket.write(chunk, TwoStacks.WAIT);
                sent += chunk.limit();
            }
            socket.shutdownOutput();
        }
        catch (final IOException e)
        {
            failure.set(e);
        }
    }

    /** Collections so far, of the young-generation collectors only or of all. */
    static long gcCount(final boolean youngOnly)
    {
        long count = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            if (!youngOnly || isYoung(gc.getName()))
            {
                count += Math.max(0, gc.getCollectionCount());
            }
        }
        return count;
    }

    /** G1 Young Generation, Copy (Serial), PS Scavenge (Parallel), ParNew, ZGC/Shenandoah minor and young cycles. */
    static boolean isYoung(final String collectorName)
    {
        final String name = collectorName.toLowerCase(java.util.Locale.ROOT);
        return name.contains("young") || name.contains("scavenge") || name.equals("copy") ||
            name.contains("parnew") || name.contains("minor");
    }

    private static long sum(final long[] values)
    {
        long total = 0;
        for (final long v : values)
        {
            total += Math.max(0, v);
        }
        return total;
    }
}
