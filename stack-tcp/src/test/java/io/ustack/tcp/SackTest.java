package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("SACK (RFC 2018, RFC 2883) and SACK-based loss recovery (RFC 6675)")
class SackTest
{
    private static final int MSS = 1460;

    @Nested
    @DisplayName("negotiation, RFC 2018 §2")
    class Negotiation
    {
        @Test
        @DisplayName("RFC 2018 §2: the SYN-ACK carries SACK-permitted only when the SYN did")
        void sackPermittedOnlyWhenBothSynsCarryIt_rfc2018s2()
        {
            final TcpHarness with = new TcpHarness();
            assertTrue(with.synReceived(8, with.in().flags(TcpHeader.SYN).mss(MSS).sackPermitted()).sackPermitted());
            final TcpHarness without = new TcpHarness();
            assertFalse(without.synReceived(8).sackPermitted());
        }

        @Test
        @DisplayName("RFC 2018 §2: an active open offers SACK-permitted; a SYN-ACK without it leaves SACK off")
        void activeOpenOffersSack_rfc2018s2()
        {
            final TcpHarness h = new TcpHarness();
            h.connId = h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, h.nowNs);
            final Seg syn = h.drain().get(0);
            assertTrue(syn.sackPermitted(), syn.toString());
            assertEquals(1460, syn.mss());
            final TcpHarness off = new TcpHarness();
            off.activeEstablished(); // the peer's SYN-ACK has no SACK-permitted
            off.send(off.in().ack(off.stackNxt).seq(SeqNum.add(off.peerNxt, 1000)).data(100));
            final List<Seg> out = off.send(off.in().ack(off.stackNxt).seq(SeqNum.add(off.peerNxt, 3000)).data(100));
            assertEquals(1, out.size());
            assertEquals(0, out.get(0).sackBlocks().length, "no SACK blocks unless both SYNs agreed");
        }

        @Test
        @DisplayName("RFC 2018 §2: SACK off in the settings: neither offered nor accepted")
        void sackOffInSettings_rfc2018s2()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential").sack(false).build());
            assertFalse(h.synReceived(8, h.in().flags(TcpHeader.SYN).mss(MSS).sackPermitted()).sackPermitted());
            h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT + 1, 0, h.nowNs);
            assertFalse(h.drain().get(0).sackPermitted());
        }
    }

    @Nested
    @DisplayName("generating SACK blocks, RFC 2018 §3-§4")
    class Generating
    {
        @Test
        @DisplayName("RFC 2018 §4: the first block holds the segment that triggered the ACK, then the others by recency")
        void sackBlocksReportMostRecentFirst_rfc2018s4()
        {
            final TcpHarness h = new TcpHarness();
            h.establishedWithSack();
            final int base = h.peerNxt;
            final Seg first = only(h.send(h.in().ack(h.stackNxt).seq(SeqNum.add(base, 1000)).data(100)));
            assertArrayEquals(new int[] {SeqNum.add(base, 1000), SeqNum.add(base, 1100)}, first.sackBlocks());
            final Seg second = only(h.send(h.in().ack(h.stackNxt).seq(SeqNum.add(base, 3000)).data(100)));
            assertArrayEquals(new int[] {SeqNum.add(base, 3000), SeqNum.add(base, 3100), SeqNum.add(base, 1000),
                SeqNum.add(base, 1100)}, second.sackBlocks());
            final Seg third = only(h.send(h.in().ack(h.stackNxt).seq(SeqNum.add(base, 1100)).data(100)));
            assertArrayEquals(new int[] {SeqNum.add(base, 1000), SeqNum.add(base, 1200), SeqNum.add(base, 3000),
                SeqNum.add(base, 3100)}, third.sackBlocks(), "the grown range comes first again");
            assertEquals(h.peerNxt, third.ack(), "SACK never moves the cumulative ACK");
        }

        @Test
        @DisplayName("RFC 2018 §3: at most four blocks fit in the 40 option bytes; the oldest range is left out")
        void atMostFourBlocks_rfc2018s3()
        {
            final TcpHarness h = new TcpHarness();
            h.establishedWithSack();
            final int base = h.peerNxt;
            Seg last = null;
            for (int i = 1; i <= 5; i++)
            {
                last = only(h.send(h.in().ack(h.stackNxt).seq(SeqNum.add(base, i * 1000)).data(100)));
            }
            assertEquals(8, last.sackBlocks().length);
            assertEquals(SeqNum.add(base, 5000), last.sackBlocks()[0]);
            assertEquals(SeqNum.add(base, 2000), last.sackBlocks()[6], "the range at 1000 is the oldest");
            assertEquals(4 + 4 * 8, last.optionsLength());
        }

        @Test
        @DisplayName("RFC 2018 §4: once the gap fills, ACKs carry no SACK option")
        void noBlocksWhenInOrder_rfc2018s4()
        {
            final TcpHarness h = new TcpHarness();
            h.establishedWithSack();
            final int base = h.peerNxt;
            h.send(h.in().ack(h.stackNxt).seq(SeqNum.add(base, 100)).data(100));
            final Seg filled = only(h.send(h.in().ack(h.stackNxt).seq(base).data(100)));
            assertEquals(SeqNum.add(base, 200), filled.ack());
            assertEquals(0, filled.sackBlocks().length);
        }
    }

    @Nested
    @DisplayName("sending with SACK, RFC 6675")
    class Recovery
    {
        /** Established with SACK, NODELAY, 20 segments written, the first three ACKed: nine segments were sent. */
        private List<Seg> inFlight(final TcpHarness h)
        {
            h.establishedWithSack();
            h.tcp.noDelay(h.connId, true);
            final List<Seg> first = h.write(20 * MSS);
            final List<Seg> all = new ArrayList<>(first);
            for (final Seg s : first)
            {
                all.addAll(h.send(h.ack().ack(s.seqEnd())));
            }
            h.stackNxt = first.get(2).seqEnd();
            return all.subList(3, all.size());
        }

        private static int at(final List<Seg> segs, final int i)
        {
            return segs.get(i).seq();
        }

        @Test
        @DisplayName("RFC 6675 §5: three SACK duplicates start recovery and resend the first hole; SACKed data is not resent")
        void sackRecoveryRetransmitsHolesOnly_rfc6675s5()
        {
            final TcpHarness h = rfc6675();
            final List<Seg> flight = inFlight(h);
            assertEquals(6, flight.size());
            final int una = at(flight, 0);
            // Segments 0 and 2 of the flight are lost; 1, 3, 4, 5 arrive and are SACKed one by one.
            final List<Seg> out = new ArrayList<>();
            out.addAll(h.send(h.ack().ack(una).sack(at(flight, 1), at(flight, 2))));
            out.addAll(h.send(h.ack().ack(una).sack(at(flight, 3), at(flight, 4), at(flight, 1), at(flight, 2))));
            assertTrue(out.stream().noneMatch(s -> SeqNum.lt(s.seq(), flight.get(5).seqEnd())),
                "no retransmission before DupThresh: " + out);
            out.clear();
            out.addAll(h.send(h.ack().ack(una).sack(at(flight, 3), at(flight, 5), at(flight, 1), at(flight, 2))));
            assertEquals(una, out.get(0).seq(), "RFC 6675 §5 (4.3): the first unSACKed segment goes first: " + out);
            assertEquals(1, h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS));
            out.addAll(h.send(h.ack().ack(una).sack(at(flight, 3), flight.get(5).seqEnd(), at(flight, 1),
                at(flight, 2))));
            assertTrue(out.stream().anyMatch(s -> s.seq() == at(flight, 2)), "the second hole is resent: " + out);
            for (final int sacked : new int[] {1, 3, 4, 5})
            {
                assertTrue(out.stream().noneMatch(s -> s.seq() == at(flight, sacked)), "SACKed segment " + sacked +
                    " resent: " + out);
            }
            assertEquals(2, h.counters.get(CounterDescriptor.TCP_RETRANSMITS), out.toString());
            // The cumulative ACK of everything sent before recovery ends it.
            final int highest = out.stream().mapToInt(Seg::seqEnd).reduce(flight.get(5).seqEnd(),
                (a, b) -> SeqNum.gt(a, b) ? a : b);
            h.send(h.ack().ack(highest));
            assertTrue(h.tcp.info(h.connId).contains("ESTABLISHED"));
            assertEquals(0, h.drops(io.ustack.api.counter.DropReason.TCP_ACK_OUT_OF_RANGE));
        }

        @Test
        @DisplayName("RFC 2883 §4: D-SACK blocks below the cumulative ACK neither count as duplicates nor start recovery")
        void dsackDoesNotStartRecovery_rfc2883s4()
        {
            final TcpHarness h = rfc6675();
            final List<Seg> flight = inFlight(h);
            final int una = at(flight, 0);
            final int below = SeqNum.add(una, -MSS);
            for (int i = 0; i < 5; i++)
            {
                final List<Seg> out = h.send(h.ack().ack(una).window(65_535 - i).sack(below, una));
                assertTrue(out.stream().noneMatch(s -> s.seq() == una), "retransmitted on a D-SACK: " + out);
            }
            assertEquals(0, h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS));
        }

        /** Established with SACK and an SRTT of about 10 ms (one timed exchange), NODELAY. */
        private TcpHarness withSrtt()
        {
            return rfc6675().establishedWithSackAndSrtt();
        }

        @Test
        @DisplayName("RFC 8985 §7.3: with no ACK for 2·SRTT, a tail loss probe sends new data, long before the RTO")
        void tailLossProbeSendsNewData_rfc8985s7_3()
        {
            final TcpHarness h = withSrtt();
            final List<Seg> flight = h.write(6 * MSS);
            assertEquals(3, flight.size(), "cwnd-limited: " + flight);
            final List<Seg> probe = h.advanceMs(50);
            assertEquals(1, probe.size(), probe.toString());
            assertEquals(flight.get(2).seqEnd(), probe.get(0).seq(), "the probe is the next new segment");
            assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS));
            assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMITS));
        }

        @Test
        @DisplayName("RFC 8985 §7.3: with nothing new to send the probe resends the last segment; one probe, then the RTO")
        void tailLossProbeResendsLastSegment_rfc8985s7_3()
        {
            final TcpHarness h = withSrtt();
            final List<Seg> flight = h.write(3 * MSS);
            final List<Seg> probe = h.advanceMs(50);
            assertEquals(1, probe.size(), probe.toString());
            assertEquals(flight.get(2).seq(), probe.get(0).seq(), "the last segment again");
            assertEquals(1, h.counters.get(CounterDescriptor.TCP_RETRANSMITS));
            final List<Seg> later = h.advanceMs(1000);
            assertEquals(flight.get(0).seq(), later.get(0).seq(), "no second probe: the RTO resends from SND.UNA");
            assertEquals(1, h.counters.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS));
        }

        @Test
        @DisplayName("RFC 6675 §5.1: after a retransmission timeout, SACKed segments are skipped when resending")
        void timeoutSkipsSacked_rfc6675s5_1()
        {
            final TcpHarness h = rfc6675();
            final List<Seg> flight = inFlight(h);
            final int una = at(flight, 0);
            h.send(h.ack().ack(una).sack(at(flight, 2), at(flight, 3)));
            final List<Seg> timeout = h.advanceMs(1100);
            // RFC 8985 §7.3: a tail loss probe (new data) went first, unanswered; then the RTO, with cwnd one segment.
            assertEquals(2, timeout.size(), timeout.toString());
            assertTrue(SeqNum.geq(timeout.get(0).seq(), flight.get(5).seqEnd()), "the probe is new data: " + timeout);
            assertEquals(una, timeout.get(1).seq());
            final List<Seg> resent = h.send(h.ack().ack(at(flight, 1)).sack(at(flight, 2), at(flight, 3)));
            assertEquals(List.of(at(flight, 1), at(flight, 3)), resent.stream().map(Seg::seq).toList(),
                "segment 1 resent, SACKed segment 2 skipped, then segment 3: " + resent);
        }
    }

    /** A harness whose connections use RFC 6675 recovery (the default is RACK, RackTest covers it). */
    private static TcpHarness rfc6675()
    {
        return new TcpHarness(TcpSettings.builder().isnGenerator("sequential").lossRecovery("rfc6675").build());
    }

    private static Seg only(final List<Seg> out)
    {
        assertEquals(1, out.size(), out.toString());
        return out.get(0);
    }
}
