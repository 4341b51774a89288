package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.tcp.wire.SeqNum;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The retransmission timer while loss recovery runs (RFC 8985 §7.2, RFC 6298 §5)")
class RecoveryTimerTest
{
    private static final int MSS = 1460;
    /** RFC 6675 recovery, which sends no tail loss probe during recovery and one in a row (RFC 8985 §7.2-7.3). */
    private static final TcpSettings RFC6675 = TcpSettings.builder().isnGenerator("sequential")
        .lossRecovery("rfc6675").build();

    private static TcpHarness withSrtt()
    {
        return new TcpHarness(RFC6675).establishedWithSackAndSrtt();
    }

    @Test
    @DisplayName("RFC 8985 §7.2: a probe timeout that finds recovery under way is no RTO: no backoff, no go-back-N")
    void probeTimeoutDuringRecoveryIsNotAnRto_rfc8985s7_2()
    {
        final TcpHarness h = withSrtt();
        final List<Seg> flight = h.write(8 * MSS);
        assertEquals(3, flight.size(), "cwnd-limited: " + flight);
        // Two more segments leave as the first is ACKed (slow start), re-arming the probe timer.
        final List<Seg> more = h.send(h.ack().ack(flight.get(0).seqEnd()));
        assertTrue(more.size() >= 2, more.toString());
        final int una = flight.get(1).seq();
        // Segment 1 is lost; three ACKs SACK what followed it: RFC 6675 recovery resends it.
        h.send(h.ack().ack(una).sack(flight.get(2).seq(), flight.get(2).seqEnd()));
        h.send(h.ack().ack(una).sack(flight.get(2).seq(), more.get(0).seqEnd()));
        final List<Seg> fast = h.send(h.ack().ack(una).sack(flight.get(2).seq(), more.get(1).seqEnd()));
        assertEquals(una, fast.get(0).seq(), fast.toString());
        assertEquals(1, h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS));
        final long cwndBefore = cwnd(h);

        final List<Seg> quiet = h.advanceMs(100); // five PTOs, a tenth of the RTO
        assertEquals(List.of(), quiet, "nothing is resent before the RTO");
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS));
        assertEquals(cwndBefore, cwnd(h), "cwnd untouched");

        final List<Seg> timeout = h.advanceMs(1000);
        assertEquals(1, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS), "the real RTO still fires");
        assertEquals(una, timeout.get(0).seq(), "and resends from SND.UNA: " + timeout);
        assertTrue(SeqNum.lt(una, more.get(1).seqEnd()));
    }

    @Test
    @DisplayName("RFC 6298 §3, RFC 7323 §4.1: an echo older than the last retransmission gives no RTT sample")
    void staleEchoAfterRetransmissionsGivesNoSample_rfc6298s3()
    {
        final TcpHarness h = new TcpHarness(RFC6675);
        h.established(h.in().mss(MSS).sackPermitted().timestamps(100, 0));
        h.tcp.noDelay(h.connId, true);
        h.write(100);
        h.advanceMs(201); // RFC 8985 §7.3: the tail loss probe resends it
        final Seg firstRto = h.advanceMs(1000).get(0); // RFC 6298 §5.4: the RTO resends it; its ACK is lost
        final List<Seg> secondRto = h.advanceMs(2000); // and again after the backed-off RTO
        assertEquals(firstRto.seq(), secondRto.get(0).seq(), secondRto.toString());
        assertEquals(2, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS));
        // The peer had the data from the first RTO; the second copy is a duplicate, and the ACK it draws echoes the
        // TSval of the first (RFC 7323 §4.3): measured from it, the "RTT" would be 2 s of ACK loss, not the path.
        h.send(h.ack().ack(firstRto.seqEnd()).timestamps(300, firstRto.tsVal()));
        assertTrue(field(h, "srtt:", "us") < 1_000, "no sample from the stale echo: " + h.tcp.info(h.connId));
        assertEquals(4_000, field(h, "rto:", "ms"), "the backoff stays until a valid sample: " + h.tcp.info(h.connId));

        final Seg fresh = h.write(100).get(0);
        h.advanceMs(5);
        h.send(h.ack().ack(fresh.seqEnd()).timestamps(400, fresh.tsVal()));
        assertEquals(1_000, field(h, "rto:", "ms"), "a fresh echo is a sample and ends the backoff: " +
            h.tcp.info(h.connId));
    }

    private static long cwnd(final TcpHarness h)
    {
        return field(h, "cwnd:", "");
    }

    /** A number from the connection's ss-like info line, e.g. {@code field(h, "srtt:", "us")}. */
    private static long field(final TcpHarness h, final String name, final String unit)
    {
        final String info = h.tcp.info(h.connId);
        final int at = info.indexOf(name) + name.length();
        return Long.parseLong(info.substring(at, info.indexOf(unit + ' ', at)));
    }
}
