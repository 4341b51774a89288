package io.ustack.tcp.rto;

import io.ustack.api.tcp.RtoEstimator;
import io.ustack.api.tcp.TcpPolicySettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FixedRtoEstimatorTest
{
    private static final long MS = 1_000_000L;

    @Test
    @DisplayName("fixed RTO: samples do not move it; expiries double it (RFC 6298 §5.5) until the next sample")
    void fixed()
    {
        final RtoEstimator rto = new FixedRtoEstimator.Factory().create(TcpPolicySettings.parse("rtoMs=250"));
        rto.onRttSample(10 * MS, 0);
        assertEquals(250 * MS, rto.rtoNs());
        assertEquals(10 * MS, rto.srttNs());
        rto.onTimeout();
        rto.onTimeout();
        assertEquals(1_000 * MS, rto.rtoNs());
        rto.onRttSample(20 * MS, 1);
        assertEquals(250 * MS, rto.rtoNs());
        assertEquals(0, rto.backoffs());
    }

    @Test
    @DisplayName("fixed RTO: backoff=false keeps it constant through expiries")
    void noBackoff()
    {
        final RtoEstimator rto = new FixedRtoEstimator.Factory().create(
            TcpPolicySettings.parse("rtoMs=300,backoff=false"));
        rto.onTimeout();
        assertEquals(300 * MS, rto.rtoNs());
        assertEquals(0, rto.backoffs());
    }
}
