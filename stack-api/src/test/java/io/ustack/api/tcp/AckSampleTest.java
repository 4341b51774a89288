package io.ustack.api.tcp;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AckSampleTest
{
    @Test
    @DisplayName("AckSample: fluent setters fill it, reset() clears it to 'no RTT sample' and zeros")
    void fillAndReset()
    {
        final AckSample s = new AckSample().nowNs(5).bytesAcked(1460).bytesSacked(2920).rttNs(1_000_000)
            .deliveredBytes(10_000).deliveryRateBps(1_000_000).inFlightBytes(4380).duplicate(true).ecnEcho(true);
        assertEquals(5, s.nowNs());
        assertEquals(1460, s.bytesAcked());
        assertEquals(2920, s.bytesSacked());
        assertEquals(1_000_000, s.rttNs());
        assertEquals(10_000, s.deliveredBytes());
        assertEquals(1_000_000, s.deliveryRateBps());
        assertEquals(4380, s.inFlightBytes());
        assertTrue(s.duplicate() && s.ecnEcho());
        s.reset();
        assertEquals(AckSample.NO_RTT_SAMPLE, s.rttNs());
        assertEquals(0, s.bytesAcked() + s.bytesSacked() + s.nowNs() + s.deliveredBytes() + s.inFlightBytes());
        assertFalse(s.duplicate() || s.ecnEcho());
    }

    @Test
    @DisplayName("RFC 5681 §3.1 eq. (1) and RFC 6928 §2: the initial-window helpers")
    void initialWindows()
    {
        assertEquals(4 * 536, CongestionContext.rfc5681InitialWindow(536));
        assertEquals(4 * 1095, CongestionContext.rfc5681InitialWindow(1095));
        assertEquals(3 * 1096, CongestionContext.rfc5681InitialWindow(1096));
        assertEquals(3 * 2190, CongestionContext.rfc5681InitialWindow(2190));
        assertEquals(2 * 2191, CongestionContext.rfc5681InitialWindow(2191));
        assertEquals(10 * 1460, CongestionContext.rfc6928InitialWindow(1460));
        assertEquals(14_600, CongestionContext.rfc6928InitialWindow(1500 * 2));
        assertEquals(2 * 9000, CongestionContext.rfc6928InitialWindow(9000));
    }

    @Test
    @DisplayName("TcpPolicies: with no implementation on the class path, the error says where to look")
    void nothingInstalled()
    {
        final TcpPolicies policies = TcpPolicies.installed();
        assertTrue(policies.congestionControlNames().isEmpty(), policies.toString());
        assertEquals("no congestion control named 'newreno'; available: none (is stack-tcp on the class path?)",
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> policies.congestionControl("newreno")).getMessage());
    }
}
