package io.ustack.tcp.rto;

import io.ustack.api.tcp.AckSample;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinuxRtoEstimatorTest
{
    private static final long MS = 1_000_000L;

    @Test
    @DisplayName("Linux tcp_rtt_estimator: a 1 ms path gets RTO = SRTT + 200 ms, not RFC 6298's 1 s")
    void floor200ms()
    {
        final LinuxRtoEstimator rto = new LinuxRtoEstimator();
        long now = 0;
        for (int i = 0; i < 1000; i++)
        {
            rto.onRttSample(MS, now);
            now += MS;
            assertTrue(rto.rtoNs() >= 200 * MS, "RTO " + rto.rtoNs());
        }
        assertEquals(201 * MS, rto.rtoNs());
        assertEquals("linux", rto.name());
    }

    @Test
    @DisplayName("Linux tcp_rtt_estimator: the first sample gives RTO = 3·RTT when 2·RTT exceeds rto_min")
    void firstSample()
    {
        final LinuxRtoEstimator rto = new LinuxRtoEstimator();
        assertEquals(1_000 * MS, rto.rtoNs(), "TCP_TIMEOUT_INIT");
        rto.onRttSample(500 * MS, 0);
        assertEquals(1_500 * MS, rto.rtoNs());
        assertEquals(500 * MS, rto.srttNs());
        assertEquals(250 * MS, rto.rttVarNs());
    }

    @Test
    @DisplayName("Linux tcp_rtt_estimator: a falling RTT lowers the RTO only slowly (rttvar decays once per window)")
    void fallingRtt()
    {
        final LinuxRtoEstimator rto = new LinuxRtoEstimator();
        rto.onRttSample(500 * MS, 0);
        final long before = rto.rtoNs();
        rto.onRttSample(100 * MS, MS); // still inside the first window: rttvar holds
        assertTrue(rto.rtoNs() < before);
        assertTrue(rto.rtoNs() >= rto.srttNs() + 200 * MS);
        assertTrue(rto.rtoNs() - rto.srttNs() >= 1_000 * MS, "rttvar kept the first sample's 4·mdev");
    }

    @Test
    @DisplayName("Linux tcp_retransmit_timer: backoff doubles up to TCP_RTO_MAX = 120 s; a valid sample resets it")
    void backoff()
    {
        final LinuxRtoEstimator rto = new LinuxRtoEstimator();
        for (int i = 0; i < 10; i++)
        {
            rto.onTimeout();
        }
        assertEquals(120_000 * MS, rto.rtoNs());
        assertEquals(10, rto.backoffs());
        rto.onRttSample(AckSample.NO_RTT_SAMPLE, 0);
        assertEquals(10, rto.backoffs(), "RFC 6298 §3: no sample, no reset");
        assertFalse(rto.hasSample());
        rto.onRttSample(10 * MS, 0);
        assertEquals(0, rto.backoffs());
        assertEquals(210 * MS, rto.rtoNs());
    }

    @Test
    @DisplayName("Linux tcp_init_transfer (RFC 6298 §5.7): no RTT sample from the handshake means RTO = 3 s")
    void fallback()
    {
        final LinuxRtoEstimator rto = new LinuxRtoEstimator();
        rto.onTimeout();
        rto.onHandshakeComplete(true);
        assertEquals(3_000 * MS, rto.rtoNs());
        final LinuxRtoEstimator sampled = new LinuxRtoEstimator();
        sampled.onRttSample(10 * MS, 0);
        sampled.onHandshakeComplete(false);
        assertEquals(210 * MS, sampled.rtoNs());
    }

    @Property(tries = 500)
    @Label("Linux tcp_rtt_estimator: RTO ≥ SRTT + 200 ms (rto_min) and ≤ 120 s for any samples")
    void floorHolds(@ForAll @Size(min = 1, max = 60) final List<@LongRange(min = 0, max = 5_000_000_000L) Long> rtts)
    {
        final LinuxRtoEstimator rto = new LinuxRtoEstimator();
        long now = 0;
        for (final long r : rtts)
        {
            now += r / 2 + 1;
            rto.onRttSample(r, now);
            assertTrue(rto.rtoNs() >= Math.min(rto.srttNs() + 200 * MS, 120_000 * MS), rto.toString());
            assertTrue(rto.rtoNs() <= 120_000 * MS, rto.toString());
        }
    }
}
