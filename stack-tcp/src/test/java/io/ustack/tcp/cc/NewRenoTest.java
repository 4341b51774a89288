package io.ustack.tcp.cc;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionContext;
import io.ustack.api.tcp.CongestionControl;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NewRenoTest
{
    private static final int SMSS = 1000;

    private final TestContext ctx = new TestContext();
    private final AckSample sample = new AckSample();
    private NewReno cc;

    @BeforeEach
    void start()
    {
        ctx.smss = SMSS;
        cc = new NewReno();
        cc.init(ctx);
    }

    private void ack(final long bytes)
    {
        cc.onAck(sample.reset().bytesAcked(bytes));
    }

    private void dupAck()
    {
        cc.onAck(sample.reset().duplicate(true));
    }

    /** Fast recovery from a flight of {@code flight} bytes, then a full ACK leaving {@code flightAfter}. */
    private void recoverOnce(final long flight, final long flightAfter)
    {
        ctx.flightSizeBytes = flight;
        cc.onCongestionEvent(0);
        cc.onStateChange(CongestionControl.RECOVERY);
        ctx.flightSizeBytes = flightAfter;
        cc.onRecoveryExit(0);
        cc.onStateChange(CongestionControl.OPEN);
    }

    @Test
    @DisplayName("RFC 5681 §3.1: IW per equation (1) and an arbitrarily high ssthresh")
    void initialWindow()
    {
        assertEquals(4 * SMSS, cc.cwnd());
        assertEquals(CongestionControl.INFINITE_SSTHRESH, cc.ssthresh());
        assertEquals(3 * 1460, CongestionContext.rfc5681InitialWindow(1460));
        assertEquals(2 * 4000, CongestionContext.rfc5681InitialWindow(4000));
        assertEquals(14_600, CongestionContext.rfc6928InitialWindow(1460));
        assertEquals("newreno", cc.name());
        assertEquals(0, cc.pacingRateBps());
    }

    @Test
    @DisplayName("RFC 5681 §3.1: slow start grows cwnd by one SMSS per ACK of one SMSS")
    void slowStartPerAck()
    {
        for (int i = 1; i <= 10; i++)
        {
            ack(SMSS);
            assertEquals((4 + i) * SMSS, cc.cwnd());
        }
    }

    @Test
    @DisplayName("RFC 3465 §2.2: slow start counts bytes, limited to L = 2·SMSS per ACK")
    void slowStartByteCounting()
    {
        ack(2 * SMSS);
        assertEquals(6 * SMSS, cc.cwnd());
        ack(10 * SMSS); // a stretch ACK: still only L
        assertEquals(8 * SMSS, cc.cwnd());
        ack(300);
        assertEquals(8 * SMSS + 300, cc.cwnd());
    }

    @Test
    @DisplayName("RFC 5681 §3.1: duplicate ACKs and ACKs of nothing do not grow cwnd")
    void noGrowthWithoutNewData()
    {
        dupAck();
        ack(0);
        assertEquals(4 * SMSS, cc.cwnd());
    }

    @Test
    @DisplayName("RFC 5681 §3.1 eq. (3): congestion avoidance grows cwnd by about one SMSS per RTT")
    void congestionAvoidancePerRtt()
    {
        recoverOnce(40 * SMSS, 30 * SMSS);
        assertEquals(20 * SMSS, cc.ssthresh());
        assertEquals(20 * SMSS, cc.cwnd());
        for (int rtt = 0; rtt < 5; rtt++)
        {
            final long before = cc.cwnd();
            for (long acked = 0; acked < before; acked += SMSS)
            {
                ack(SMSS);
            }
            final long growth = cc.cwnd() - before;
            assertTrue(growth >= SMSS * 9 / 10 && growth <= SMSS, "growth in one RTT was " + growth);
        }
    }

    @Test
    @DisplayName("RFC 3465 §2.1: an ACK every second segment grows cwnd as fast as an ACK per segment")
    void congestionAvoidanceWithDelayedAcks()
    {
        recoverOnce(40 * SMSS, 30 * SMSS);
        final NewReno perSegment = new NewReno();
        perSegment.init(ctx);
        ctx.flightSizeBytes = 40 * SMSS;
        perSegment.onCongestionEvent(0);
        ctx.flightSizeBytes = 30 * SMSS;
        perSegment.onRecoveryExit(0);
        for (int i = 0; i < 200; i++)
        {
            ack(2 * SMSS);
            perSegment.onAck(sample.reset().bytesAcked(SMSS));
            perSegment.onAck(sample.reset().bytesAcked(SMSS));
        }
        assertTrue(Math.abs(cc.cwnd() - perSegment.cwnd()) <= SMSS / 10,
            cc.cwnd() + " (ACK per 2 segments) vs " + perSegment.cwnd() + " (ACK per segment)");
        assertTrue(cc.cwnd() > 30 * SMSS, "grew by more than ten segments over ~18 RTTs: " + cc.cwnd());
    }

    @Test
    @DisplayName("RFC 5681 §3.2: third duplicate ACK sets ssthresh = FlightSize/2 and cwnd = ssthresh + 3·SMSS")
    void fastRecoveryEntry()
    {
        ctx.flightSizeBytes = 20 * SMSS;
        cc.onCongestionEvent(0);
        cc.onStateChange(CongestionControl.RECOVERY);
        assertEquals(10 * SMSS, cc.ssthresh());
        assertEquals(13 * SMSS, cc.cwnd());
    }

    @Test
    @DisplayName("RFC 5681 §3.2 step 4: each further duplicate ACK in recovery inflates cwnd by SMSS")
    void fastRecoveryInflation()
    {
        ctx.flightSizeBytes = 20 * SMSS;
        cc.onCongestionEvent(0);
        cc.onStateChange(CongestionControl.RECOVERY);
        dupAck();
        dupAck();
        assertEquals(15 * SMSS, cc.cwnd());
        assertEquals(10 * SMSS, cc.ssthresh());
    }

    @Test
    @DisplayName("RFC 6582 §3.2 step 3: a partial ACK deflates cwnd by the bytes acked, adding back SMSS if ≥ SMSS")
    void partialAck()
    {
        ctx.flightSizeBytes = 20 * SMSS;
        cc.onCongestionEvent(0);
        cc.onStateChange(CongestionControl.RECOVERY);
        dupAck(); // 14 SMSS
        ack(3 * SMSS);
        assertEquals(14 * SMSS - 3 * SMSS + SMSS, cc.cwnd());
        ack(500); // less than one SMSS: no add-back
        assertEquals(12 * SMSS - 500, cc.cwnd());
        assertEquals(10 * SMSS, cc.ssthresh(), "ssthresh is untouched by partial ACKs");
    }

    @Test
    @DisplayName("RFC 6582 §3.2 step 3: a full ACK deflates cwnd to min(ssthresh, max(FlightSize, SMSS) + SMSS)")
    void recoveryExit()
    {
        recoverOnce(20 * SMSS, 12 * SMSS);
        assertEquals(10 * SMSS, cc.cwnd(), "a full flight: cwnd = ssthresh (RFC 5681 §3.2 step 6)");
        recoverOnce(20 * SMSS, 2 * SMSS);
        assertEquals(3 * SMSS, cc.cwnd(), "little in flight: no burst, slow start back up to ssthresh");
        assertEquals(10 * SMSS, cc.ssthresh());
        ack(SMSS);
        assertEquals(4 * SMSS, cc.cwnd(), "below ssthresh again: slow start");
    }

    @Test
    @DisplayName("RFC 5681 §3.1: a retransmission timeout sets ssthresh = FlightSize/2 and cwnd = LW = 1 SMSS")
    void retransmitTimeout()
    {
        ctx.flightSizeBytes = 30 * SMSS;
        cc.onRetransmitTimeout(0);
        cc.onStateChange(CongestionControl.LOSS);
        assertEquals(SMSS, cc.cwnd());
        assertEquals(15 * SMSS, cc.ssthresh());
        ack(SMSS);
        assertEquals(2 * SMSS, cc.cwnd(), "slow start again after the timeout");
    }

    @Test
    @DisplayName("RFC 5681 §3.1: a repeated timeout of the same segment holds ssthresh constant")
    void repeatedTimeoutHoldsSsthresh()
    {
        ctx.flightSizeBytes = 30 * SMSS;
        cc.onRetransmitTimeout(0);
        ctx.flightSizeBytes = SMSS; // only the retransmission is in flight now
        cc.onRetransmitTimeout(0);
        assertEquals(15 * SMSS, cc.ssthresh());
        assertEquals(SMSS, cc.cwnd());
        ack(SMSS); // progress: the next timeout is a new loss
        ctx.flightSizeBytes = 8 * SMSS;
        cc.onRetransmitTimeout(0);
        assertEquals(4 * SMSS, cc.ssthresh());
    }

    @Test
    @DisplayName("RFC 5681 §3.1 eq. (4): ssthresh never falls below 2·SMSS")
    void ssthreshFloor()
    {
        ctx.flightSizeBytes = SMSS;
        cc.onCongestionEvent(0);
        assertEquals(2 * SMSS, cc.ssthresh());
        assertEquals(5 * SMSS, cc.cwnd());
        final NewReno other = new NewReno();
        other.init(ctx);
        ctx.flightSizeBytes = 0;
        other.onRetransmitTimeout(0);
        assertEquals(2 * SMSS, other.ssthresh());
        assertEquals(SMSS, other.cwnd());
    }

    @Test
    @DisplayName("Linux tcp_reno_undo_cwnd: undo after a spurious fast retransmit restores cwnd and ssthresh")
    void undo()
    {
        for (int i = 0; i < 16; i++)
        {
            ack(SMSS);
        }
        final long cwnd = cc.cwnd();
        ctx.flightSizeBytes = cwnd;
        cc.onCongestionEvent(0);
        assertTrue(cc.undo());
        assertEquals(cwnd, cc.cwnd());
        assertEquals(CongestionControl.INFINITE_SSTHRESH, cc.ssthresh());
    }

    @Property(tries = 300)
    @Label("RFC 5681: whatever the events, cwnd ≥ 1 SMSS and ssthresh ≥ 2·SMSS")
    void invariants(@ForAll("events") final List<Integer> events)
    {
        final NewReno reno = new NewReno();
        final TestContext c = new TestContext();
        c.smss = SMSS;
        reno.init(c);
        final AckSample s = new AckSample();
        for (final int e : events)
        {
            c.flightSizeBytes = Math.min(reno.cwnd(), (long)(e & 0xffff) * 16);
            switch (e % 6)
            {
                case 0 -> reno.onAck(s.reset().bytesAcked(e & 0x3fff));
                case 1 -> reno.onAck(s.reset().duplicate(true));
                case 2 ->
                {
                    reno.onCongestionEvent(0);
                    reno.onStateChange(CongestionControl.RECOVERY);
                }
                case 3 ->
                {
                    reno.onRecoveryExit(0);
                    reno.onStateChange(CongestionControl.OPEN);
                }
                case 4 ->
                {
                    reno.onRetransmitTimeout(0);
                    reno.onStateChange(CongestionControl.LOSS);
                }
                default -> reno.onAck(s.reset().bytesAcked(SMSS));
            }
            assertTrue(reno.cwnd() >= SMSS, "cwnd " + reno.cwnd());
            assertTrue(reno.ssthresh() >= 2 * SMSS, "ssthresh " + reno.ssthresh());
        }
    }

    @Provide
    Arbitrary<List<Integer>> events()
    {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMaxSize(200);
    }
}
