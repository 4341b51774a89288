package io.ustack.tcp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DESIGN.md "Data path" MUST: no object allocated per segment once a connection is in steady state. */
class EngineAllocationTest
{
    private final UnsafeBuffer source = new UnsafeBuffer(new byte[64 * 1024]);
    private final UnsafeBuffer sink = new UnsafeBuffer(new byte[64 * 1024]);
    private long nowNs = 1_000_000_000L;

    @Test
    @DisplayName("DESIGN.md: a bulk transfer in steady state allocates ~0 bytes per segment")
    void steadyStateTransferAllocatesNothing()
    {
        final TcpSettings settings = TcpSettings.builder().build();
        final TcpModule a = new TcpModule(StackConfig.builder().randomSeed(1).build(), StackCounters.inMemory("a"),
            settings);
        final TcpModule b = new TcpModule(StackConfig.builder().randomSeed(2).build(), StackCounters.inMemory("b"),
            settings);
        final DirectLink ab = new DirectLink(LoopbackNet.A, LoopbackNet.B);
        final DirectLink ba = new DirectLink(LoopbackNet.B, LoopbackNet.A);
        ab.target = b;
        ba.target = a;
        a.onAttach(ab, null);
        b.onAttach(ba, null);
        final int listener = b.listen(LoopbackNet.B, 9, 4);
        final int client = a.connect(LoopbackNet.B, 9, 0, nowNs);
        for (int i = 0; i < 10; i++)
        {
            cycle(a, b, ab, ba, -1, -1);
        }
        final int server = b.accept(listener);
        assertEquals(TcpState.ESTABLISHED, a.state(client));
        long moved = cycles(a, b, ab, ba, client, server, 20_000); // warm up: JIT, timer heap growth
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        threads.getThreadAllocatedBytes(threadId);
        final long before = threads.getThreadAllocatedBytes(threadId);
        moved += cycles(a, b, ab, ba, client, server, 50_000);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(moved > 50L << 20, "moved only " + moved + " bytes");
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated while moving " + moved + " bytes");
    }

    private long cycles(final TcpModule a, final TcpModule b, final DirectLink ab, final DirectLink ba,
        final int client, final int server, final int count)
    {
        long moved = 0;
        for (int i = 0; i < count; i++)
        {
            moved += cycle(a, b, ab, ba, client, server);
        }
        return moved;
    }

    private int cycle(final TcpModule a, final TcpModule b, final DirectLink ab, final DirectLink ba,
        final int client, final int server)
    {
        nowNs += 10_000;
        if (client >= 0)
        {
            a.write(client, source, 0, source.capacity(), nowNs);
        }
        a.doWork(nowNs);
        ab.deliver(nowNs);
        int read = 0;
        if (server >= 0)
        {
            read = Math.max(0, b.read(server, sink, 0, sink.capacity(), nowNs));
        }
        b.doWork(nowNs);
        ba.deliver(nowNs);
        return read;
    }
}
