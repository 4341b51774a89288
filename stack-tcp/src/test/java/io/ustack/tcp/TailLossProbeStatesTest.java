package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 8985 §7: the tail loss probe guards every state in which our segments are in flight, not only ESTABLISHED.
 * Once the peer had sent its FIN (CLOSE-WAIT) a lost tail waited for the RTO; at 10% loss that was one 200 ms RTO
 * every few dozen segments, and a transfer whose other direction had finished crawled.
 */
@DisplayName("Tail loss probes after either side's FIN (RFC 8985 §7.2-7.3)")
class TailLossProbeStatesTest
{
    private static final int MSS = 1460;

    private static TcpHarness withSrtt(final String recovery)
    {
        return new TcpHarness(TcpSettings.builder().isnGenerator("sequential").lossRecovery(recovery).build())
            .establishedWithSackAndSrtt();
    }

    /** What leaves in the next {@code ms} with no ACK: at least one probe, and no retransmission timeout yet. */
    private static List<Seg> probesBeforeTheRto(final TcpHarness h, final long ms)
    {
        final List<Seg> probes = h.advanceMs(ms);
        assertTrue(!probes.isEmpty(), "a probe within " + ms + " ms, well before the 1 s RTO");
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS));
        return probes;
    }

    @ParameterizedTest(name = "loss recovery {0}")
    @ValueSource(strings = {"rack", "rfc6675"})
    @DisplayName("RFC 8985 §7.3: in CLOSE-WAIT an unanswered tail is probed after 2·SRTT, not left to the RTO")
    void closeWaitTailIsProbed_rfc8985s7_3(final String recovery)
    {
        final TcpHarness h = withSrtt(recovery);
        h.send(h.ack().flags(TcpHeader.FIN | TcpHeader.ACK));
        h.peerNxt = SeqNum.add(h.peerNxt, 1);
        assertEquals(TcpState.CLOSE_WAIT, h.tcp.state(h.connId));
        final List<Seg> flight = h.write(3 * MSS);
        assertEquals(3, flight.size(), flight.toString());

        for (final Seg probe : probesBeforeTheRto(h, 50))
        {
            assertEquals(flight.get(2).seq(), probe.seq(), "the last segment again: " + probe);
        }
    }

    @ParameterizedTest(name = "loss recovery {0}")
    @ValueSource(strings = {"rack", "rfc6675"})
    @DisplayName("RFC 8985 §7.3: after our FIN (FIN-WAIT-1) the probe resends the last segment with the FIN")
    void finWaitTailIsProbedWithItsFin_rfc8985s7_3(final String recovery)
    {
        final TcpHarness h = withSrtt(recovery);
        final List<Seg> flight = h.write(2 * MSS);
        h.tcp.close(h.connId, h.nowNs);
        final List<Seg> fin = h.work();
        assertEquals(TcpState.FIN_WAIT_1, h.tcp.state(h.connId));
        assertTrue(fin.get(fin.size() - 1).has(TcpHeader.FIN), "FIN sent: " + fin);

        for (final Seg probe : probesBeforeTheRto(h, 50))
        {
            assertTrue(probe.has(TcpHeader.FIN), "the probe carries the FIN: " + probe);
            assertEquals(flight.get(1).seq(), probe.seq(), "with the last segment's data: " + probe);
        }
    }

    @ParameterizedTest(name = "loss recovery {0}")
    @ValueSource(strings = {"rack", "rfc6675"})
    @DisplayName("RFC 8985 §7.3: a FIN alone in flight (LAST-ACK) is probed too")
    void lastAckFinIsProbed_rfc8985s7_3(final String recovery)
    {
        final TcpHarness h = withSrtt(recovery);
        h.send(h.ack().flags(TcpHeader.FIN | TcpHeader.ACK));
        h.peerNxt = SeqNum.add(h.peerNxt, 1);
        h.tcp.close(h.connId, h.nowNs);
        final List<Seg> fin = h.work();
        assertEquals(TcpState.LAST_ACK, h.tcp.state(h.connId));
        assertEquals(1, fin.size(), fin.toString());

        final Seg probe = probesBeforeTheRto(h, 250).get(0); // one segment in flight: PTO + 200 ms delayed-ACK allowance
        assertTrue(probe.only(TcpHeader.FIN | TcpHeader.ACK), probe.toString());
        assertEquals(fin.get(0).seq(), probe.seq());
    }
}
