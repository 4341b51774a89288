package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Proportional Rate Reduction (RFC 6937, PRR-SSRB) during RACK and RFC 6675 fast recovery")
class PrrTest
{
    private static final long RTT_MS = 10;
    private static final int MSS = 1460;

    private TcpHarness h;
    private List<Seg> flight;

    /**
     * Established with SACK, NODELAY, SRTT and min_RTT of {@link #RTT_MS}, cwnd opened by eight exchanges of two
     * segments; then 40 segments written, of which a cwnd-limited flight goes; one round trip passes.
     */
    private void start(final String recovery)
    {
        h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential").lossRecovery(recovery).build());
        h.synReceived(8, h.in().flags(TcpHeader.SYN).seq(TcpHarness.PEER_ISS).mss(MSS).sackPermitted());
        h.advanceMs(RTT_MS);
        h.send(h.ack());
        h.connId = h.tcp.accept(0);
        h.tcp.noDelay(h.connId, true);
        for (int i = 0; i < 8; i++)
        {
            final List<Seg> exchange = h.write(2 * MSS);
            final int end = exchange.get(exchange.size() - 1).seqEnd();
            h.advanceMs(RTT_MS);
            h.send(h.ack().ack(end));
            h.stackNxt = end;
        }
        flight = h.write(40 * MSS);
        assertTrue(flight.size() >= 16, "cwnd-limited flight: " + flight);
        h.advanceMs(RTT_MS);
    }

    private int seq(final int segment)
    {
        return flight.get(segment).seq();
    }

    private int end(final int segment)
    {
        return flight.get(segment).seqEnd();
    }

    private static int bytes(final List<Seg> out)
    {
        return out.stream().mapToInt(Seg::length).sum();
    }

    private int highestSent(final List<Seg> out, final int from)
    {
        return out.stream().mapToInt(Seg::seqEnd).reduce(from, (a, b) -> SeqNum.gt(a, b) ? a : b);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rack", "rfc6675"})
    @DisplayName("RFC 6937 §3: while pipe > ssthresh, each ACK releases ssthresh/RecoverFS of what it delivered")
    void sendsInProportionToDelivery_rfc6937s3(final String recovery)
    {
        start(recovery);
        final int una = seq(0);
        // Segment 0 is lost; the others arrive one by one and are SACKed. Before recovery each SACK lets a new
        // segment go (RFC 6675 §5 (2.c) / what is not in flight); the third starts recovery.
        int sndMax = end(flight.size() - 1);
        int k = 1;
        List<Seg> out = List.of();
        while (h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS) == 0)
        {
            assertTrue(k < 4, "recovery by the third SACK");
            final int before = sndMax;
            out = h.send(h.ack().ack(una).sack(seq(1), end(k++)));
            sndMax = highestSent(out, before);
            if (h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS) == 0)
            {
                continue;
            }
            // The entering ACK: RecoverFS is the flight before what it released.
            sndMax = before;
        }
        final long recoverFs = SeqNum.diff(sndMax, una);
        final long ssthresh = h.tcp.stats(h.connId).ssthreshBytes();
        assertEquals(recoverFs / 2, ssthresh, "NewReno halves the flight");
        assertEquals(una, out.get(0).seq(), "the fast retransmit goes first: " + out);
        long sent = bytes(out);
        long delivered = MSS; // the entering ACK SACKed one segment
        final List<Integer> perAck = new ArrayList<>();
        // Ten more ACKs, each SACKing one more segment: pipe stays above ssthresh all along.
        for (int i = 0; i < 10; i++)
        {
            out = h.send(h.ack().ack(una).sack(seq(1), end(k++)));
            delivered += MSS;
            sent += bytes(out);
            perAck.add(out.size());
            final long proportional = (delivered * ssthresh + recoverFs - 1) / recoverFs;
            assertTrue(sent <= Math.max(MSS, proportional) && sent > proportional - MSS, "after " + (i + 1) +
                " ACKs: " + sent + " bytes sent, PRR allows " + proportional + "; per ACK " + perAck);
        }
        assertTrue(perAck.stream().allMatch(n -> n <= 1), "never a burst: " + perAck);
        // Eleven segments delivered since recovery began, times one half: the fast retransmit and four new ones.
        assertEquals(4, perAck.stream().mapToInt(Integer::intValue).sum(), "every other ACK sends one: " + perAck);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rack", "rfc6675"})
    @DisplayName("RFC 6937 §3 PRR-SSRB: after heavy loss, pipe < ssthresh grows no faster than slow start")
    void slowStartBoundAfterHeavyLoss_rfc6937s3(final String recovery)
    {
        start(recovery);
        final int una = seq(0);
        final int last = flight.size() - 1;
        // Only the last three segments arrive: everything before them is lost, pipe falls to nothing.
        final List<Seg> entry = h.send(h.ack().ack(una).sack(seq(last - 2), end(last)));
        assertEquals(1, h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS));
        final long ssthresh = h.tcp.stats(h.connId).ssthreshBytes();
        assertTrue(ssthresh >= 8L * MSS, "ssthresh " + ssthresh);
        // DeliveredData (3 segments) + 1 MSS, not ssthresh's worth at once.
        assertEquals(4, entry.size(), entry.toString());
        assertEquals(List.of(seq(0), seq(1), seq(2), seq(3)), entry.stream().map(Seg::seq).toList());
        // The first resend arrives: one segment delivered, two go (RFC 6937: MAX(prr_delivered - prr_out,
        // DeliveredData) + MSS, the slow-start bound).
        final List<Seg> next = h.send(h.ack().ack(end(0)).sack(seq(last - 2), end(last)));
        assertEquals(List.of(seq(4), seq(5)), next.stream().map(Seg::seq).toList(), next.toString());
    }
}
