package io.ustack.tcp.buffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DESIGN.md "Data path": no object allocated per segment or per write on the steady-state path. */
class BufferAllocationTest
{
    private static final int CYCLES = 1_000_000;
    private static final int SEGMENT = 1000;
    private static final int HALF = SEGMENT / 2;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[2 * SEGMENT]);
    private final UnsafeBuffer packet = new UnsafeBuffer(new byte[2 * SEGMENT]);
    private final int[] left = new int[4];
    private final int[] right = new int[4];

    @Test
    @DisplayName("DESIGN.md: 1e6 offer/read and write/copyOut/ack cycles allocate ~0 bytes")
    void steadyStateAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final ReceiveBuffer receive = new ReceiveBuffer(1 << 16);
        final SendBuffer send = new SendBuffer(1 << 16);
        receive.start(0xFFFF_0000);
        send.start(0x7FFF_FF00);

        long sink = cycles(receive, send, 20_000); // warm up: JIT-compile, load classes
        threads.getThreadAllocatedBytes(threadId);
        final long before = threads.getThreadAllocatedBytes(threadId);
        sink += cycles(receive, send, CYCLES);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertTrue(sink != 0);
        assertEquals(0, receive.readable());
        assertEquals(0, send.size());
        assertTrue(allocated < 16 * 1024, allocated + " bytes allocated over " + CYCLES + " cycles");
    }

    /** Each cycle: one out-of-order segment, the segment that fills the hole, SACK, window, read; one send round. */
    private long cycles(final ReceiveBuffer receive, final SendBuffer send, final int count)
    {
        long sink = 0;
        for (int i = 0; i < count; i++)
        {
            final int nxt = receive.rcvNxt();
            sink += receive.offer(nxt + HALF, payload, HALF, SEGMENT);
            sink += receive.offer(nxt, payload, 0, HALF);
            sink += receive.lastOutcome().ordinal();
            sink += receive.sackBlocks(left, right, 4);
            sink += receive.windowToAdvertise(1460);
            sink += receive.read(packet, 0, packet.capacity());

            final int first = send.endSeq();
            sink += send.write(payload, 0, SEGMENT);
            sink += send.bytesAfter(first);
            sink += send.copyOut(first, packet, 0, SEGMENT);
            sink += send.acknowledge(first + SEGMENT);
        }
        return sink;
    }
}
