package io.ustack.tcp.cc;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionControl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CubicTest
{
    private static final int SMSS = 1000;
    private static final long MS = 1_000_000L;

    private final TestContext ctx = new TestContext();
    private final AckSample sample = new AckSample();
    private Cubic cc;

    @BeforeEach
    void start()
    {
        ctx.smss = SMSS;
        ctx.nowNs = 1_000 * MS;
        cc = new Cubic();
        cc.init(ctx);
    }

    private void ack(final long bytes)
    {
        cc.onAck(sample.reset().nowNs(ctx.nowNs).bytesAcked(bytes));
    }

    /** Slow start up to {@code segments}, then a loss with that window in flight. */
    private void lossAt(final int segments)
    {
        while (cc.cwnd() < (long)segments * SMSS)
        {
            ack(Math.min(SMSS, (long)segments * SMSS - cc.cwnd()));
        }
        ctx.flightSizeBytes = cc.cwnd();
        cc.onCongestionEvent(ctx.nowNs);
        cc.onStateChange(CongestionControl.RECOVERY);
        cc.onStateChange(CongestionControl.OPEN);
    }

    /** One round trip: a window's worth of 1-SMSS ACKs spread evenly over {@code rttNs}. */
    private void roundTrip(final long rttNs)
    {
        final long segments = Math.max(1, cc.cwnd() / SMSS);
        for (long i = 0; i < segments; i++)
        {
            ctx.nowNs += rttNs / segments;
            ack(SMSS);
        }
    }

    /** RFC 9438 §4.2 equation (1), in bytes. */
    private static double wCubic(final double t, final double k, final double wMaxBytes)
    {
        return Cubic.C * Math.pow(t - k, 3) * SMSS + wMaxBytes;
    }

    @Test
    @DisplayName("RFC 9438 §4.1: C = 0.4, β_cubic = 0.7, α_cubic = 3(1 - β)/(1 + β)")
    void constants()
    {
        assertEquals(0.4, Cubic.C);
        assertEquals(0.7, Cubic.BETA);
        assertEquals(0.9 / 1.7, Cubic.ALPHA, 1e-12);
        assertEquals("cubic", cc.name());
    }

    @Test
    @DisplayName("RFC 9438 §4.6: a loss sets W_max to cwnd, ssthresh and cwnd to β·cwnd; §4.2: K = cbrt(W_max(1-β)/C)")
    void multiplicativeDecrease_rfc9438s4_6()
    {
        lossAt(100);
        assertEquals(100_000, cc.wMax());
        assertEquals(70_000, cc.ssthresh());
        assertEquals(70_000, cc.cwnd());
        ctx.srttNs = 100 * MS;
        ack(SMSS); // the first ACK in congestion avoidance starts the epoch
        assertEquals(Math.cbrt(100 * 0.3 / 0.4), cc.k(), 1e-9, "K for W_max = 100 segments is cbrt(75) s");
    }

    @Test
    @DisplayName("RFC 9438 §4.2/§4.4: after a loss the window follows W_cubic(t), concave up to W_max, convex beyond")
    void windowFollowsTheCubicCurve_rfc9438s4_2()
    {
        lossAt(100);
        final long rtt = 100 * MS;
        ctx.srttNs = rtt;
        final long epochStart = ctx.nowNs;
        final double k = Math.cbrt(100 * 0.3 / 0.4);
        long previousGrowth = Long.MAX_VALUE / 2;
        long previous = cc.cwnd();
        for (int round = 1; round <= 70; round++)
        {
            roundTrip(rtt);
            final double t = (ctx.nowNs - epochStart) / 1e9;
            // §4.4: each RTT aims at W_cubic one RTT ahead, so cwnd lies between W_cubic(t) and W_cubic(t + RTT),
            // give or take the segments of one round.
            final double behind = wCubic(t, k, 100_000) - 2.5 * SMSS;
            final double ahead = wCubic(t + rtt / 1e9, k, 100_000) + 2.5 * SMSS;
            // Never below the curve; above it only once the Reno-friendly W_est (§4.3), about one segment per RTT
            // past W_max, overtakes it, which on this path happens after some 5 s.
            assertTrue(cc.cwnd() >= behind && (t > 5 || cc.cwnd() <= ahead), "round " + round + ", t = " + t +
                " s: cwnd " + cc.cwnd() + " outside [" + behind + ", " + ahead + "]");
            final long growth = cc.cwnd() - previous;
            if (t + 0.1 < k)
            {
                assertTrue(growth <= previousGrowth + SMSS / 10, "concave before K: round " + round);
            }
            previousGrowth = growth;
            previous = cc.cwnd();
        }
        // Past K + 2 s the window is well beyond W_max (convex region): C·(t - K)^3 segments above it.
        assertTrue(cc.cwnd() > 100_000 + 0.4 * 8 * SMSS, "convex beyond W_max: " + cc.cwnd());
    }

    @Test
    @DisplayName("RFC 9438 §4.7: fast convergence lowers W_max to cwnd(1 + β)/2 when a loss comes below the last W_max")
    void fastConvergence_rfc9438s4_7()
    {
        lossAt(100);
        ctx.flightSizeBytes = cc.cwnd();
        cc.onCongestionEvent(ctx.nowNs); // a second loss at cwnd 70 segments, below W_max 100
        assertEquals(59_500, cc.wMax());
        assertEquals(49_000, cc.ssthresh());
    }

    @Test
    @DisplayName("RFC 9438 §4.3: on a short-RTT path the Reno-friendly W_est wins over the slow cubic start")
    void renoFriendlyRegion_rfc9438s4_3()
    {
        lossAt(10);
        final long rtt = MS;
        ctx.srttNs = rtt;
        final long epochStart = ctx.nowNs;
        for (int round = 0; round < 200; round++)
        {
            roundTrip(rtt);
        }
        final double t = (ctx.nowNs - epochStart) / 1e9;
        final double cubic = cc.windowAt(t + rtt / 1e9, SMSS);
        // W_est: 7 segments + α per RTT below W_max (10 segments), then one per RTT: about 200 segments by now.
        assertTrue(cc.cwnd() > 2 * cubic, "W_est rules: cwnd " + cc.cwnd() + ", W_cubic " + cubic);
        assertTrue(cc.cwnd() > 150 * SMSS && cc.cwnd() < 220 * SMSS, "Reno's pace, about 1 SMSS per RTT: " +
            cc.cwnd());
    }

    @Test
    @DisplayName("RFC 9438 §4.8: a timeout reduces once (ssthresh = β·cwnd) and restarts from one segment")
    void timeout_rfc9438s4_8()
    {
        lossAt(40);
        while (cc.cwnd() < 50_000)
        {
            ctx.nowNs += MS;
            ack(SMSS);
        }
        final long before = cc.cwnd();
        cc.onRetransmitTimeout(ctx.nowNs);
        assertEquals(SMSS, cc.cwnd());
        final long ssthresh = cc.ssthresh();
        assertEquals(before * 0.7, ssthresh, 1.0);
        cc.onRetransmitTimeout(ctx.nowNs);
        assertEquals(ssthresh, cc.ssthresh(), "a repeated timeout keeps ssthresh");
        ack(SMSS);
        assertEquals(2 * SMSS, cc.cwnd(), "slow start again below ssthresh");
    }

    @Test
    @DisplayName("DESIGN.md Policies: CUBIC allocates nothing per onAck")
    void noAllocationPerAck()
    {
        lossAt(100);
        ctx.srttNs = 10 * MS;
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        final long threadId = Thread.currentThread().getId();
        for (int i = 0; i < 10_000; i++)
        {
            ctx.nowNs += 1000;
            ack(SMSS);
        }
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < 1_000_000; i++)
        {
            ctx.nowNs += 1000;
            cc.onAck(sample.reset().nowNs(ctx.nowNs).bytesAcked(SMSS));
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(allocated < 1024, "CUBIC allocated " + allocated + " bytes over a million ACKs");
    }
}
