package io.ustack.tcp.socket;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.tcp.DirectLink;
import io.ustack.tcp.TcpModule;
import io.ustack.tcp.TcpSettings;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md "Data path" MUST, for the socket layer: once connected, writeNow/readNow on the application side and
 * the pump on the stack side allocate nothing per call. Both layers and the application run on this one thread
 * (non-blocking calls work anywhere); only the handshake, whose calls block, has a helper thread drive the stacks.
 */
class SocketAllocationTest
{
    private static final int A = 0xC612_0001;
    private static final int B = 0xC612_0002;

    private long nowNs = 1_000_000_000L;

    @Test
    @DisplayName("DESIGN.md: a bulk transfer through the sockets' rings allocates ~0 bytes per read and write")
    void steadyStateSocketTransferAllocatesNothing() throws Exception
    {
        final TcpSettings settings = TcpSettings.builder().build();
        final SystemNanoClock clock = new SystemNanoClock();
        final TcpSocketLayer a = new TcpSocketLayer(new TcpModule(StackConfig.builder().randomSeed(1).build(),
            StackCounters.inMemory("a"), settings), settings, clock, 1 << 16);
        final TcpSocketLayer b = new TcpSocketLayer(new TcpModule(StackConfig.builder().randomSeed(2).build(),
            StackCounters.inMemory("b"), settings), settings, clock, 1 << 16);
        final DirectLink ab = new DirectLink(A, B);
        final DirectLink ba = new DirectLink(B, A);
        ab.target = b;
        ba.target = a;
        a.onAttach(ab, null);
        b.onAttach(ba, null);

        final AtomicBoolean driving = new AtomicBoolean(true);
        final Thread driver = new Thread(() ->
        {
            while (driving.get())
            {
                cycle(a, b, ab, ba);
                Thread.onSpinWait();
            }
        });
        driver.start();
        final TcpListener listener = b.listen(B, 9, 4);
        final TcpSocket client = a.connect(B, 9, Duration.ofSeconds(5));
        final TcpSocket server = listener.accept(Duration.ofSeconds(5));
        driving.set(false);
        driver.join();

        final ByteBuffer source = ByteBuffer.allocateDirect(64 * 1024);
        final ByteBuffer sink = ByteBuffer.allocateDirect(64 * 1024);
        long moved = transfer(a, b, ab, ba, client, server, source, sink, 20_000); // warm up
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        threads.getThreadAllocatedBytes(threadId);
        final long before = threads.getThreadAllocatedBytes(threadId);
        moved += transfer(a, b, ab, ba, client, server, source, sink, 50_000);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(moved > 50L << 20, "moved only " + moved + " bytes");
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated while moving " + moved + " bytes");
        assertEquals(0, client.readNow(ByteBuffer.allocate(1)), "nothing came back the other way");
    }

    private long transfer(final TcpSocketLayer a, final TcpSocketLayer b, final DirectLink ab, final DirectLink ba,
        final TcpSocket client, final TcpSocket server, final ByteBuffer source, final ByteBuffer sink,
        final int cycles) throws Exception
    {
        long moved = 0;
        for (int i = 0; i < cycles; i++)
        {
            source.clear();
            client.writeNow(source);
            cycle(a, b, ab, ba);
            sink.clear();
            moved += Math.max(0, server.readNow(sink));
        }
        return moved;
    }

    private void cycle(final TcpSocketLayer a, final TcpSocketLayer b, final DirectLink ab, final DirectLink ba)
    {
        nowNs += 10_000;
        a.doWork(nowNs);
        ab.deliver(nowNs);
        b.doWork(nowNs);
        ba.deliver(nowNs);
    }
}
