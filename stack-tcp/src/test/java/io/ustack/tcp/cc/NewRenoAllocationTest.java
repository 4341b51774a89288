package io.ustack.tcp.cc;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionControl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NewRenoAllocationTest
{
    private static final int CALLS = 1_000_000;

    @Test
    @DisplayName("DESIGN.md Policies: NewReno allocates nothing per onAck, over a million ACKs")
    void onAckAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
        final long threadId = Thread.currentThread().getId();

        final TestContext ctx = new TestContext();
        final NewReno cc = new NewReno();
        cc.init(ctx);
        final AckSample sample = new AckSample();
        drive(cc, ctx, sample, CALLS / 10); // warm up: let the JIT compile onAck first

        final long before = threads.getThreadAllocatedBytes(threadId);
        final long checksum = drive(cc, ctx, sample, CALLS);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertTrue(checksum > 0);
        // The two getThreadAllocatedBytes calls themselves may account a few bytes; one object per call would be
        // at least 16 MB.
        assertTrue(allocated < 1024, "NewReno allocated " + allocated + " bytes over " + CALLS + " calls");
        assertEquals(CongestionControl.OPEN, cc.state());
    }

    private static long drive(final NewReno cc, final TestContext ctx, final AckSample sample, final int calls)
    {
        long checksum = 0;
        for (int i = 0; i < calls; i++)
        {
            if ((i & 0xfff) == 0)
            {
                ctx.flightSizeBytes = cc.cwnd();
                cc.onCongestionEvent(i);
                cc.onStateChange(CongestionControl.RECOVERY);
            }
            else if ((i & 0xfff) == 8)
            {
                cc.onRecoveryExit(i);
                cc.onStateChange(CongestionControl.OPEN);
            }
            sample.reset().nowNs(i).bytesAcked((i & 7) == 0 ? 0 : 1460).duplicate((i & 7) == 0).rttNs(1_000_000)
                .inFlightBytes(cc.cwnd());
            cc.onAck(sample);
            checksum += cc.cwnd();
        }
        return checksum;
    }
}
