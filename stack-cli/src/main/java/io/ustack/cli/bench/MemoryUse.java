package io.ustack.cli.bench;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Heap and direct-buffer memory in use, as the JVM's management beans report them: {@code MemoryMXBean} heap used
 * and the {@code direct} {@link BufferPoolMXBean}'s memory used (every off-heap buffer ustack allocates is a direct
 * {@link java.nio.ByteBuffer}).
 *
 * @param heapBytes   heap in use
 * @param directBytes direct buffers in use
 */
record MemoryUse(long heapBytes, long directBytes)
{
    private static final int GC_ROUNDS = 3;

    /**
     * Measures after {@value #GC_ROUNDS} full collections with short pauses, so unreachable objects are gone and
     * the cleaners of unreachable direct buffers have run.
     */
    static MemoryUse afterGc()
    {
        for (int i = 0; i < GC_ROUNDS; i++)
        {
            System.gc();
            try
            {
                Thread.sleep(100);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return now();
    }

    /** Measures without collecting. */
    static MemoryUse now()
    {
        final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                direct = pool.getMemoryUsed();
            }
        }
        return new MemoryUse(heap, direct);
    }

    MemoryUse minus(final MemoryUse earlier)
    {
        return new MemoryUse(heapBytes - earlier.heapBytes, directBytes - earlier.directBytes);
    }

    long total()
    {
        return heapBytes + directBytes;
    }
}
