package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.tcp.wire.SeqNum;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("RACK-TLP loss detection (RFC 8985), the default loss recovery")
class RackTest
{
    /** Every exchange takes this long: min_RTT, so the reordering window is 2.5 ms (RFC 8985 §6.2 step 4). */
    private static final long RTT_MS = 10;

    /**
     * Established with SACK and RACK (the default), NODELAY, after eight timed exchanges of {@link #RTT_MS} (SRTT
     * about 7 ms, so the probe timeout is about 14 ms); then 20 segments written, of which the congestion window
     * lets a few go at once. Returns what went.
     */
    private static List<Seg> flight(final TcpHarness h)
    {
        h.establishedWithSack();
        assertTrue(h.tcp.info(h.connId).endsWith("recovery:rack"), h.tcp.info(h.connId));
        h.tcp.noDelay(h.connId, true);
        for (int i = 0; i < 8; i++)
        {
            final Seg timed = h.write(100).get(0);
            h.advanceMs(RTT_MS);
            h.send(h.ack().ack(timed.seqEnd()));
            h.stackNxt = timed.seqEnd();
        }
        final List<Seg> flight = h.write(20 * 1460);
        assertTrue(flight.size() >= 3, "cwnd-limited flight: " + flight);
        return flight;
    }

    private static boolean resends(final List<Seg> out, final int seq)
    {
        return out.stream().anyMatch(s -> s.seq() == seq);
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 4: a segment SACKed past a hole within the reordering window is not loss")
    void reorderingWithinWindowIsNotLoss_rfc8985s6_2()
    {
        final TcpHarness h = new TcpHarness();
        final List<Seg> flight = flight(h);
        final int una = flight.get(0).seq();
        h.advanceMs(RTT_MS);
        // Segment 1 overtook segment 0; segment 0 may still come within min_RTT/4.
        final List<Seg> out = h.send(h.ack().ack(una).sack(flight.get(1).seq(), flight.get(1).seqEnd()));
        assertFalse(resends(out, una), "called loss inside the window: " + out);
        out.addAll(h.advanceMs(1));
        // Segment 0 arrives late: the cumulative ACK covers both; no recovery ever began.
        out.addAll(h.send(h.ack().ack(flight.get(1).seqEnd())));
        out.addAll(h.advanceMs(5));
        assertFalse(resends(out, una), out.toString());
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS));
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMITS));
    }

    @Test
    @DisplayName("RFC 8985 §6.2-6.3: when the reordering window runs out the unSACKed segment is lost and resent")
    void reorderingTimerDeclaresLoss_rfc8985s6_3()
    {
        final TcpHarness h = new TcpHarness();
        final List<Seg> flight = flight(h);
        final int una = flight.get(0).seq();
        h.advanceMs(RTT_MS);
        final List<Seg> sacked = h.send(h.ack().ack(una).sack(flight.get(1).seq(), flight.get(1).seqEnd()));
        assertFalse(resends(sacked, una), sacked.toString());
        // One SACK, no DupThresh: the reordering timer (min_RTT/4 = 2.5 ms) declares segment 0 lost.
        final List<Seg> timer = h.advanceMs(3);
        assertEquals(una, timer.get(0).seq(), timer.toString());
        assertEquals(1, h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS));
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS));
    }

    @Test
    @DisplayName("RFC 8985 §6.2: a lost retransmission is found by time from later deliveries, without an RTO")
    void lostRetransmissionDetectedWithoutRto_rfc8985s6_2()
    {
        final TcpHarness h = new TcpHarness();
        final List<Seg> flight = flight(h);
        final int una = flight.get(0).seq();
        final int flightEnd = flight.get(flight.size() - 1).seqEnd();
        h.advanceMs(RTT_MS);
        final List<Seg> first = new ArrayList<>(h.send(h.ack().ack(una).sack(flight.get(1).seq(), flightEnd)));
        first.addAll(h.advanceMs(3));
        assertTrue(resends(first, una), "the first retransmission: " + first);
        // That retransmission is lost; everything else arrives and is SACKed a round trip after it left. Once
        // data sent after the retransmission is SACKed, RACK sees the retransmission is overdue.
        int highest = first.stream().mapToInt(Seg::seqEnd).reduce(flightEnd, (a, b) -> SeqNum.gt(a, b) ? a : b);
        int round = 0;
        boolean resentAgain = false;
        while (!resentAgain && round++ < 3)
        {
            h.advanceMs(RTT_MS);
            final List<Seg> out = h.send(h.ack().ack(una).sack(flight.get(1).seq(), highest));
            resentAgain = resends(out, una);
            highest = out.stream().mapToInt(Seg::seqEnd).reduce(highest, (a, b) -> SeqNum.gt(a, b) ? a : b);
        }
        assertTrue(resentAgain, "the lost retransmission is resent within three round trips");
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS), "no RTO was needed");
        assertEquals(1, h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS), "one recovery episode");
    }

    @Test
    @DisplayName("RFC 8985 §7, RFC 6298 §5.4: with nothing answered, the probes back off and the RTO still fires")
    void rtoStillFiresAfterProbes_rfc8985s7()
    {
        final TcpHarness h = new TcpHarness();
        final List<Seg> flight = flight(h);
        final int una = flight.get(0).seq();
        final List<Seg> probes = h.advanceMs(500); // PTO ~14 ms, then doubled twice: three probes, well before 1 s
        assertEquals(3, probes.size(), probes.toString());
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS));
        final List<Seg> timeout = h.advanceMs(1000);
        assertEquals(1, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS), timeout.toString());
        assertEquals(una, timeout.get(0).seq(), "go-back-N from SND.UNA: " + timeout);
        // The resend is answered: everything is acknowledged and the connection carries on.
        final int end = probes.stream().mapToInt(Seg::seqEnd).reduce(flight.get(flight.size() - 1).seqEnd(),
            (a, b) -> SeqNum.gt(a, b) ? a : b);
        h.send(h.ack().ack(end));
        assertTrue(h.tcp.info(h.connId).contains("ESTABLISHED"), h.tcp.info(h.connId));
    }

    @Test
    @DisplayName("RFC 8985 §7.3: RACK lets a probe go during recovery, so a lost last ACK does not wait for the RTO")
    void probeDuringRecovery_rfc8985s7_3()
    {
        final TcpHarness h = new TcpHarness();
        final List<Seg> flight = flight(h);
        final int una = flight.get(0).seq();
        h.advanceMs(RTT_MS);
        final int flightEnd = flight.get(flight.size() - 1).seqEnd();
        final List<Seg> recovery = new ArrayList<>(h.send(h.ack().ack(una).sack(flight.get(1).seq(), flightEnd)));
        recovery.addAll(h.advanceMs(3));
        assertTrue(resends(recovery, una), recovery.toString());
        // No further ACK arrives: a probe (not the 1 s RTO) draws the next one.
        final List<Seg> probe = h.advanceMs(100);
        assertFalse(probe.isEmpty(), "a probe went");
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS));
    }
}
