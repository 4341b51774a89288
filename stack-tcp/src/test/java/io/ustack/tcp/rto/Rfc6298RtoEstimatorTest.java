package io.ustack.tcp.rto;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.RtoEstimator;
import io.ustack.api.tcp.TcpPolicySettings;
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

class Rfc6298RtoEstimatorTest
{
    private static final long MS = 1_000_000L;

    private final Rfc6298RtoEstimator rto = new Rfc6298RtoEstimator();

    @Test
    @DisplayName("RFC 6298 §2.1: before any sample the RTO is 1 s")
    void initial()
    {
        assertEquals(1_000 * MS, rto.rtoNs());
        assertFalse(rto.hasSample());
        assertEquals(0, rto.srttNs());
        assertEquals("rfc6298", rto.name());
    }

    @Test
    @DisplayName("RFC 6298 §2.2: first sample R gives SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4·RTTVAR)")
    void firstSample()
    {
        rto.onRttSample(500 * MS, 0);
        assertTrue(rto.hasSample());
        assertEquals(500 * MS, rto.srttNs());
        assertEquals(250 * MS, rto.rttVarNs());
        assertEquals(1_500 * MS, rto.rtoNs());
    }

    @Test
    @DisplayName("RFC 6298 §2.3: RTTVAR = 3/4·RTTVAR + 1/4·|SRTT − R'| (old SRTT), then SRTT = 7/8·SRTT + 1/8·R'")
    void subsequentSample()
    {
        rto.onRttSample(500 * MS, 0);
        rto.onRttSample(700 * MS, 1);
        assertEquals(237_500_000L, rto.rttVarNs()); // 3/4·250 + 1/4·200 ms
        assertEquals(525 * MS, rto.srttNs()); // 7/8·500 + 1/8·700 ms
        assertEquals(525 * MS + 4 * 237_500_000L, rto.rtoNs());
    }

    @Test
    @DisplayName("RFC 6298 §2.4: an RTO below 1 s is rounded up to 1 s")
    void minimum()
    {
        rto.onRttSample(10 * MS, 0);
        assertEquals(1_000 * MS, rto.rtoNs());
        for (int i = 0; i < 100; i++)
        {
            rto.onRttSample(10 * MS, i);
        }
        assertEquals(1_000 * MS, rto.rtoNs());
    }

    @Test
    @DisplayName("RFC 6298 §2.2/§4: with RTTVAR near zero the clock granularity G still pads the RTO")
    void granularity()
    {
        final Rfc6298RtoEstimator fine = new Rfc6298RtoEstimator(1_000 * MS, MS, 60_000 * MS, 5 * MS, 0);
        for (int i = 0; i < 200; i++)
        {
            fine.onRttSample(10 * MS, i);
        }
        assertEquals(0, fine.rttVarNs());
        assertEquals(15 * MS, fine.rtoNs());
    }

    @Test
    @DisplayName("RFC 6298 §5.5: each expiry doubles the RTO, capped at the §2.5 maximum of 60 s")
    void backoff()
    {
        long expected = 1_000 * MS;
        for (int i = 1; i <= 10; i++)
        {
            rto.onTimeout();
            expected = Math.min(expected * 2, 60_000 * MS);
            assertEquals(expected, rto.rtoNs());
            assertEquals(i, rto.backoffs());
        }
        assertEquals(60_000 * MS, rto.rtoNs());
    }

    @Test
    @DisplayName("RFC 6298 §5 (note after 5.7): a new valid sample collapses the backed-off RTO")
    void sampleEndsBackoff()
    {
        rto.onRttSample(500 * MS, 0);
        rto.onTimeout();
        rto.onTimeout();
        assertEquals(6_000 * MS, rto.rtoNs());
        rto.onNewAckAfterBackoff();
        assertEquals(6_000 * MS, rto.rtoNs(), "an ACK without a sample keeps the backoff (Karn)");
        rto.onRttSample(500 * MS, 1);
        assertEquals(0, rto.backoffs());
        assertEquals(500 * MS + 4 * 187_500_000L, rto.rtoNs());
    }

    @Test
    @DisplayName("RFC 6298 §3 (Karn): rttNs = −1 is no sample and changes nothing")
    void karn()
    {
        rto.onRttSample(AckSample.NO_RTT_SAMPLE, 0);
        assertFalse(rto.hasSample());
        assertEquals(1_000 * MS, rto.rtoNs());
        rto.onRttSample(500 * MS, 0);
        rto.onTimeout();
        rto.onRttSample(AckSample.NO_RTT_SAMPLE, 1);
        assertEquals(1, rto.backoffs());
        assertEquals(3_000 * MS, rto.rtoNs());
    }

    @Test
    @DisplayName("RFC 6298 §5.7: after a SYN timeout the data phase starts with RTO = 3 s")
    void synTimeoutFallback()
    {
        rto.onTimeout(); // SYN retransmitted: 2 s
        rto.onHandshakeComplete(true);
        assertEquals(3_000 * MS, rto.rtoNs());
        assertEquals(0, rto.backoffs());

        final RtoEstimator quiet = new Rfc6298RtoEstimator();
        quiet.onHandshakeComplete(false);
        assertEquals(1_000 * MS, quiet.rtoNs(), "no SYN timeout: no change");

        final RtoEstimator off = new Rfc6298RtoEstimator.Factory().create(TcpPolicySettings.parse("synFallbackRtoMs=0"));
        off.onTimeout();
        off.onHandshakeComplete(true);
        assertEquals(2_000 * MS, off.rtoNs(), "the rule can be turned off");
    }

    @Test
    @DisplayName("RFC 6298: settings change the bounds")
    void settings()
    {
        final RtoEstimator e = new Rfc6298RtoEstimator.Factory().create(
            TcpPolicySettings.parse("minRtoMs=200,maxRtoMs=120000,initialRtoMs=500,granularityUs=0"));
        assertEquals(500 * MS, e.rtoNs());
        e.onRttSample(10 * MS, 0);
        assertEquals(200 * MS, e.rtoNs());
    }

    @Property(tries = 500)
    @Label("RFC 6298 §2.4/§2.5: the RTO always lies within [1 s, 60 s], and SRTT within the samples' range")
    void bounds(@ForAll @Size(min = 1, max = 50) final List<@LongRange(min = 0, max = 100_000_000_000L) Long> rtts)
    {
        final Rfc6298RtoEstimator e = new Rfc6298RtoEstimator();
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (final long r : rtts)
        {
            e.onRttSample(r, 0);
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
            assertTrue(e.rtoNs() >= 1_000 * MS && e.rtoNs() <= 60_000 * MS, "RTO " + e.rtoNs());
            assertTrue(e.srttNs() >= lo - 8 && e.srttNs() <= hi, "SRTT " + e.srttNs());
        }
    }
}
