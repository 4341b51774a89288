package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.socket.TcpConnectionStats;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("D-SACK reception (RFC 2883 §4) and RACK's reordering window adapting to it (RFC 8985 §6.2)")
class DsackReceptionTest
{
    /** Every exchange takes this long: min_RTT and SRTT, so one quarter of it is 2.5 ms. */
    private static final long RTT_MS = 10;
    private static final int MSS = 1460;

    private final TcpHarness h = new TcpHarness();
    /** The first byte of the stream's data, some of which the fixtures' D-SACKs report as received twice. */
    private int dataStart;

    /**
     * Established with SACK and RACK, NODELAY, eight timed exchanges of two segments each {@link #RTT_MS}; after each of the last
     * {@code dsackRounds} the peer reports the first exchange's byte as a duplicate (each in its own round trip).
     * Then 20 segments written; returns the cwnd-limited flight that went.
     */
    private List<Seg> flight(final int dsackRounds)
    {
        // The handshake takes a round trip too, so SRTT starts at it and the probe timeout (2·SRTT) stays beyond it.
        h.synReceived(8, h.in().flags(TcpHeader.SYN).seq(TcpHarness.PEER_ISS).mss(MSS).sackPermitted());
        h.advanceMs(RTT_MS);
        h.send(h.ack());
        h.connId = h.tcp.accept(0);
        h.tcp.noDelay(h.connId, true);
        dataStart = h.stackNxt;
        for (int i = 0; i < 8; i++)
        {
            final List<Seg> exchange = h.write(2 * MSS); // two segments, so slow start opens cwnd for the flight
            final int end = highest(exchange, exchange.get(0).seq());
            h.advanceMs(RTT_MS);
            h.send(h.ack().ack(end));
            h.stackNxt = end;
            if (i >= 8 - dsackRounds)
            {
                h.send(h.ack().sack(dataStart, SeqNum.add(dataStart, 100)));
            }
        }
        final List<Seg> flight = h.write(20 * MSS);
        assertTrue(flight.size() >= 5, "cwnd-limited flight: " + flight);
        return flight;
    }

    private TcpConnectionStats stats()
    {
        return h.tcp.stats(h.connId);
    }

    private static boolean resends(final List<Seg> out, final int seq)
    {
        return out.stream().anyMatch(s -> s.seq() == seq);
    }

    private static int highest(final List<Seg> out, final int from)
    {
        return out.stream().mapToInt(Seg::seqEnd).reduce(from, (a, b) -> SeqNum.gt(a, b) ? a : b);
    }

    /** After the flight's first round trip, segment 1 is SACKed past segment 0; true if 0 was resent by {@code ms}. */
    private boolean lostWithin(final List<Seg> flight, final long ms)
    {
        final int una = flight.get(0).seq();
        final List<Seg> out = new ArrayList<>(h.send(h.ack().ack(una).sack(flight.get(1).seq(),
            flight.get(1).seqEnd())));
        out.addAll(h.advanceMs(ms));
        return resends(out, una);
    }

    @Test
    @DisplayName("RFC 2883 §4: a first block below the cumulative ACK is a D-SACK: counted, no SACK, no recovery")
    void dsackBelowCumulativeAckIsCounted_rfc2883s4()
    {
        final List<Seg> flight = flight(0);
        final int una = flight.get(0).seq();
        h.advanceMs(RTT_MS);
        for (int i = 0; i < 4; i++)
        {
            final List<Seg> out = h.send(h.ack().ack(una).window(60_000 + i).sack(dataStart,
                SeqNum.add(dataStart, 100)));
            assertFalse(resends(out, una), out.toString());
        }
        assertEquals(4, stats().dsackReceived());
        assertEquals(0, stats().dsackIgnored());
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS));
        assertTrue(h.tcp.info(h.connId).contains("dsack_dups:4"), h.tcp.info(h.connId));
    }

    @Test
    @DisplayName("RFC 2883 §4: a first block inside the second is a D-SACK; the second block still counts as SACK")
    void dsackInsideSecondBlock_rfc2883s4()
    {
        final List<Seg> flight = flight(0);
        final int una = flight.get(0).seq();
        h.advanceMs(RTT_MS);
        // Segments 1-4 held, segment 2 received twice: D-SACK, then the block holding it.
        final List<Seg> out = new ArrayList<>(h.send(h.ack().ack(una).sack(flight.get(2).seq(),
            flight.get(2).seqEnd(), flight.get(1).seq(), flight.get(4).seqEnd())));
        assertEquals(1, stats().dsackReceived());
        // Four segments' worth SACKed and no reordering seen: DupThresh says segment 0 is lost at once.
        assertTrue(resends(out, una), "the second block was taken as SACK: " + out);
    }

    @Test
    @DisplayName("RFC 2883 §4: D-SACKs about data never sent, or far below SND.UNA, are ignored and counted apart")
    void implausibleDsackIsIgnored_rfc2883s4()
    {
        final List<Seg> flight = flight(0);
        final int una = flight.get(0).seq();
        final int end = highest(flight, una);
        h.send(h.ack().ack(una).sack(SeqNum.add(una, -100), SeqNum.add(end, 1000)));
        h.send(h.ack().ack(una).sack(SeqNum.add(una, -10_000_000), SeqNum.add(una, -9_999_000)));
        h.send(h.ack().ack(una).sack(SeqNum.add(una, -100), SeqNum.add(una, -200)));
        assertEquals(0, stats().dsackReceived());
        assertEquals(3, stats().dsackIgnored());
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 4: without D-SACK the reordering window is min_RTT/4")
    void windowIsOneQuarterWithoutDsack_rfc8985s6_2()
    {
        final List<Seg> flight = flight(0);
        h.advanceMs(RTT_MS);
        assertTrue(lostWithin(flight, 3), "2.5 ms window");
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 4: a D-SACK doubles the window; a second one in the same round trip does not grow it")
    void dsackGrowsWindowOncePerRound_rfc8985s6_2()
    {
        final List<Seg> flight = flight(0);
        h.advanceMs(RTT_MS);
        final int una = flight.get(0).seq();
        h.send(h.ack().ack(una).sack(dataStart, SeqNum.add(dataStart, 100)));
        h.send(h.ack().ack(una).sack(SeqNum.add(dataStart, 200), SeqNum.add(dataStart, 300)));
        assertEquals(2, stats().dsackReceived());
        assertFalse(lostWithin(flight, 3), "the window is no longer 2.5 ms");
        assertTrue(resends(h.advanceMs(3), una), "5 ms, not 7.5 ms: one growth per round trip");
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 4: each round trip with a D-SACK adds a quarter of min_RTT, up to SRTT")
    void dsackRoundsGrowWindowUpToSrtt_rfc8985s6_2()
    {
        final List<Seg> flight = flight(2);
        assertEquals(2, stats().dsackReceived());
        h.advanceMs(RTT_MS);
        assertFalse(lostWithin(flight, 7), "three quarters (7.5 ms)");
        assertTrue(resends(h.advanceMs(1), flight.get(0).seq()), "three quarters (7.5 ms)");
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 4: the reordering window never exceeds SRTT")
    void windowCappedAtSrtt_rfc8985s6_2()
    {
        final List<Seg> flight = flight(4);
        h.advanceMs(RTT_MS);
        // Five quarters would be 12.5 ms; SRTT (10 ms) is the cap.
        assertFalse(lostWithin(flight, 9), "not before SRTT");
        assertTrue(resends(h.advanceMs(2), flight.get(0).seq()), "at SRTT, not five quarters");
    }

    /**
     * Segment 0 is judged lost by the reordering timer and resent, then its late original and the resend both arrive:
     * the cumulative ACK covers the flight, more is written, and the next ACK carries a D-SACK: of the resend, or
     * (the control) of segment 1, which went once. Returns the new segments that went meanwhile.
     */
    private List<Seg> spuriousRetransmission(final List<Seg> flight, final boolean dsackOfTheResend)
    {
        final int una = flight.get(0).seq();
        h.advanceMs(RTT_MS);
        assertTrue(lostWithin(flight, 3));
        final List<Seg> out = new ArrayList<>();
        final int end = highest(flight, una);
        out.addAll(h.send(h.ack().ack(end)));
        h.stackNxt = end;
        out.addAll(h.write(10 * MSS));
        final int dsackFrom = dsackOfTheResend ? una : flight.get(1).seq();
        out.addAll(h.send(h.ack().ack(end).sack(dsackFrom, SeqNum.add(dsackFrom, MSS))));
        assertEquals(1, stats().dsackReceived());
        final List<Seg> fresh = out.stream().filter(s -> SeqNum.geq(s.seq(), end)).toList();
        assertTrue(fresh.size() >= 4, "new data after recovery: " + out);
        h.advanceMs(RTT_MS);
        return fresh;
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 3: a D-SACK for a resent segment whose original was delivered means reordering")
    void dsackOfSpuriousRetransmissionMeansReordering_rfc8985s6_2()
    {
        final List<Seg> fresh = spuriousRetransmission(flight(0), true);
        // Three segments SACKed past a hole: with reordering seen the window stays open (no DupThresh shortcut).
        final List<Seg> out = h.send(h.ack().ack(fresh.get(0).seq()).sack(fresh.get(1).seq(),
            fresh.get(3).seqEnd()));
        assertFalse(resends(out, fresh.get(0).seq()), "reordering seen: the window is not zero: " + out);
        assertTrue(resends(h.advanceMs(RTT_MS), fresh.get(0).seq()), "lost once the window passes");
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 3: a D-SACK of data sent once (the network duplicated it) is not reordering")
    void dsackOfDataSentOnceIsNotReordering_rfc8985s6_2()
    {
        final List<Seg> fresh = spuriousRetransmission(flight(0), false);
        final List<Seg> out = h.send(h.ack().ack(fresh.get(0).seq()).sack(fresh.get(1).seq(),
            fresh.get(3).seqEnd()));
        assertTrue(resends(out, fresh.get(0).seq()), "DupThresh: lost at once: " + out);
    }
}
