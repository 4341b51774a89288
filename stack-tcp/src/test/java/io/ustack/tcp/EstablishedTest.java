package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.tcp.buffer.ReceiveBuffer;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("ESTABLISHED (RFC 9293 §3.10.7.4, RFC 5961)")
class EstablishedTest
{
    @Nested
    @DisplayName("segment acceptability and RFC 5961")
    class Checks
    {
        @Test
        @DisplayName("RFC 9293 §3.10.7.4: a segment wholly before RCV.NXT is unacceptable and draws an ACK")
        void oldSegmentDrawsAck()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            final List<Seg> out = h.send(h.in().seq(SeqNum.add(h.peerNxt, -100)).ack(h.stackNxt).data(50));
            assertEquals(1, out.size());
            assertTrue(out.get(0).only(TcpHeader.ACK));
            assertEquals(h.peerNxt, out.get(0).ack());
            assertEquals(h.stackNxt, out.get(0).seq());
            assertEquals(1, h.drops(DropReason.TCP_OUT_OF_WINDOW));
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.4: a zero-length segment is acceptable only inside the window")
        void zeroLengthBeyondWindow()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            assertEquals(1, h.send(h.in().seq(SeqNum.add(h.peerNxt, 70_000)).ack(h.stackNxt)).size());
            assertEquals(1, h.drops(DropReason.TCP_OUT_OF_WINDOW));
            assertEquals(List.of(), h.send(h.in().seq(SeqNum.add(h.peerNxt, 100)).ack(h.stackNxt)));
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.4: an unacceptable RST is dropped silently")
        void unacceptableRst()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            assertEquals(List.of(), h.send(h.in().flags(TcpHeader.RST).seq(SeqNum.add(h.peerNxt, 100_000))));
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(id));
        }

        @Test
        @DisplayName("RFC 5961 §3.2: a RST exactly at RCV.NXT resets the connection (ECONNRESET)")
        void exactRstResets()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            assertEquals(List.of(), h.send(h.in().flags(TcpHeader.RST).seq(h.peerNxt)));
            assertEquals(TcpState.CLOSED, h.tcp.state(id));
            assertEquals(TcpError.RESET, h.tcp.error(id));
            assertEquals(0, h.tcp.connectionCount());
            assertTrue(h.events.contains("closed " + id + " connection reset"));
            h.tcp.close(id, h.nowNs);
            assertEquals(0, h.tcp.blocksInUse());
        }

        @Test
        @DisplayName("RFC 5961 §3.2: an in-window RST not at RCV.NXT draws a challenge ACK and changes nothing")
        void inWindowRstChallenged()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            final List<Seg> out = h.send(h.in().flags(TcpHeader.RST).seq(SeqNum.add(h.peerNxt, 10)));
            assertEquals(1, out.size());
            assertTrue(out.get(0).only(TcpHeader.ACK));
            assertEquals(h.peerNxt, out.get(0).ack());
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(id));
            assertEquals(1, h.drops(DropReason.TCP_RST_CHALLENGED));
            assertEquals(1, h.counters.get(CounterDescriptor.TCP_CHALLENGE_ACKS_SENT));
        }

        @Test
        @DisplayName("RFC 5961 §4.2: a SYN on an established connection draws a challenge ACK")
        void synChallenged()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            final List<Seg> out = h.send(h.in().flags(TcpHeader.SYN).seq(h.peerNxt));
            assertEquals(1, out.size());
            assertTrue(out.get(0).only(TcpHeader.ACK));
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(id));
            assertEquals(1, h.drops(DropReason.TCP_SYN_CHALLENGED));
        }

        @Test
        @DisplayName("RFC 5961 §5.2: an ACK of data never sent draws a challenge ACK and is dropped")
        void ackBeyondSndNxt()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            final List<Seg> out = h.send(h.in().ack(SeqNum.add(h.stackNxt, 1000)).data(10));
            assertEquals(1, out.size());
            assertEquals(h.peerNxt, out.get(0).ack(), "the data of a dropped segment is not taken");
            assertEquals(1, h.drops(DropReason.TCP_ACK_OUT_OF_RANGE));
        }

        @Test
        @DisplayName("RFC 5961 §7: challenge ACKs are rate-limited per second")
        void challengeAckRateLimit()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential")
                .challengeAcksPerSecond(2).build());
            h.established();
            int acks = 0;
            for (int i = 0; i < 5; i++)
            {
                acks += h.send(h.in().flags(TcpHeader.SYN).seq(h.peerNxt)).size();
            }
            assertEquals(2, acks);
            assertEquals(3, h.counters.get(CounterDescriptor.TCP_CHALLENGE_ACKS_SUPPRESSED));
            h.advanceMs(1000);
            assertEquals(1, h.send(h.in().flags(TcpHeader.SYN).seq(h.peerNxt)).size());
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.4 fifth: a segment without ACK on a synchronized connection is dropped")
        void noAckDropped()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            assertEquals(List.of(), h.send(h.in().flags(TcpHeader.PSH).data(10)));
            assertEquals(1, h.drops(DropReason.TCP_NO_ACK));
            assertEquals(0, h.tcp.readable(h.connId));
        }
    }

    @Nested
    @DisplayName("receiving")
    class Receiving
    {
        @Test
        @DisplayName("RFC 9293 §3.10.7.4 seventh: in-order text is readable; ACKs within the delayed-ACK timeout (MUST-40)")
        void inOrderDataAndDelayedAck()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            // The delayed-ACK policy quick-ACKs the first 16 segments; then every second full segment.
            for (int i = 0; i < 16; i++)
            {
                h.peerData(100);
            }
            h.advanceMs(200);
            assertEquals(List.of(), h.peerData(1460), "first full segment: ACK delayed");
            final List<Seg> second = h.peerData(1460);
            assertEquals(1, second.size(), "RFC 9293 §3.8.6.3: at least every second full segment is ACKed");
            assertEquals(h.peerNxt, second.get(0).ack());
            assertEquals(List.of(), h.peerData(100));
            final List<Seg> timeout = h.advanceMs(200);
            assertEquals(1, timeout.size(), "the delayed ACK leaves within 200 ms");
            assertEquals(h.peerNxt, timeout.get(0).ack());
            assertEquals(1600 + 2 * 1460 + 100, h.readAll().length);
        }

        @Test
        @DisplayName("RFC 5681 §4.2: out-of-order text draws an immediate duplicate ACK; the gap filled is ACKed at once")
        void outOfOrderDupAck()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            final int base = h.peerNxt;
            final byte[] first = TcpHarness.bytes(100, 1);
            final byte[] second = TcpHarness.bytes(100, 2);
            final List<Seg> dup = h.send(h.in().seq(SeqNum.add(base, 100)).ack(h.stackNxt).data(second));
            assertEquals(1, dup.size());
            assertEquals(base, dup.get(0).ack());
            final List<Seg> filled = h.send(h.in().seq(base).ack(h.stackNxt).data(first));
            assertEquals(1, filled.size());
            assertEquals(SeqNum.add(base, 200), filled.get(0).ack());
            final byte[] all = h.readAll();
            assertArrayEquals(first, Arrays.copyOfRange(all, 0, 100));
            assertArrayEquals(second, Arrays.copyOfRange(all, 100, 200));
        }

        @Test
        @DisplayName("RFC 5681 §4.2: three out-of-order segments in one duty cycle draw three duplicate ACKs, not one")
        void everyOutOfOrderSegmentInACycleGetsItsDupAck()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            final int base = h.peerNxt;
            // The segment at base is lost; the next three arrive before the stack's next duty cycle.
            for (int i = 1; i <= 3; i++)
            {
                h.deliver(h.in().seq(SeqNum.add(base, 100 * i)).ack(h.stackNxt).data(TcpHarness.bytes(100, i))
                    .encode());
            }
            final List<Seg> acks = h.drain();
            assertEquals(3, acks.size(), "one duplicate ACK per out-of-order segment, so the sender can count three");
            for (final Seg ack : acks)
            {
                assertEquals(base, ack.ack());
            }
            assertTrue(h.work().isEmpty(), "nothing more owed at the end of the cycle");
        }

        @Test
        @DisplayName("out-of-order text needing more ranges than the buffer tracks is dropped and counted")
        void tooManyRanges()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            for (int i = 0; i <= ReceiveBuffer.DEFAULT_MAX_RANGES; i++)
            {
                h.send(h.in().seq(SeqNum.add(h.peerNxt, 10 + i * 20)).ack(h.stackNxt).data(10));
            }
            assertEquals(1, h.drops(DropReason.TCP_RECEIVE_RANGES_FULL));
        }

        @Test
        @DisplayName("issue 4: when several ACKs are owed in one duty cycle only the latest goes out")
        void ackCoalescing()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            final int base = h.peerNxt;
            h.deliver(h.in().seq(base).ack(h.stackNxt).data(100).encode());
            h.deliver(h.in().seq(SeqNum.add(base, 100)).ack(h.stackNxt).data(100).encode());
            h.deliver(h.in().seq(SeqNum.add(base, 200)).ack(h.stackNxt).data(100).encode());
            final List<Seg> out = h.work();
            assertEquals(1, out.size(), out.toString());
            assertEquals(SeqNum.add(base, 300), out.get(0).ack());
        }

        @Test
        @DisplayName("RFC 9293 §3.8.6.3: an owed ACK rides on outgoing data instead of a separate segment")
        void ackPiggybacksOnData()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            h.tcp.noDelay(h.connId, true);
            h.deliver(h.in().ack(h.stackNxt).data(100).encode());
            h.tcp.write(h.connId, new org.agrona.concurrent.UnsafeBuffer(new byte[50]), 0, 50, h.nowNs);
            final List<Seg> out = h.work();
            assertEquals(1, out.size(), out.toString());
            assertEquals(50, out.get(0).length());
            assertEquals(SeqNum.add(h.peerNxt, 100), out.get(0).ack());
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.4: with RCV.WND = 0 the ACK of a segment at RCV.NXT is still taken; its text is not")
        void zeroWindowStillTakesAcks()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential")
                .receiveBufferBytes(4096).build());
            h.established();
            h.tcp.noDelay(h.connId, true);
            for (int i = 0; i < 4; i++)
            {
                h.peerData(1024);
            }
            final List<Seg> closed = h.work();
            final Seg sent = h.write(1000).get(0);
            assertEquals(0, sent.window(), "receive buffer full: window 0");
            final int free = h.tcp.writable(h.connId);
            final List<Seg> out = h.send(h.in().ack(sent.seqEnd()).data(1).flags(TcpHeader.ACK | TcpHeader.PSH));
            assertEquals(free + 1000, h.tcp.writable(h.connId), "the ACK freed our 1000 bytes");
            assertEquals(1, out.size());
            assertEquals(h.peerNxt, out.get(0).ack(), "the byte beyond the zero window is not taken");
            assertEquals(0, out.get(0).window());
            assertTrue(closed.size() <= 1);
        }

        @Test
        @DisplayName("RFC 9293 §3.8.6.2.2: the window shrinks as data waits and a window update follows the read")
        void windowUpdateAfterRead()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential")
                .receiveBufferBytes(8192).build());
            h.established();
            Seg last = null;
            for (int i = 0; i < 5; i++)
            {
                final List<Seg> out = h.peerData(1460);
                if (!out.isEmpty())
                {
                    last = out.get(out.size() - 1);
                }
            }
            assertTrue(last != null && last.window() < 8192 - 1460 * 4, String.valueOf(last));
            h.readAll();
            final List<Seg> update = h.work();
            assertEquals(1, update.size());
            assertEquals(8192, update.get(0).window());
        }
    }

    @Nested
    @DisplayName("sending and retransmission")
    class Sending
    {
        @Test
        @DisplayName("RFC 9293 §3.7.1: writes are cut at Eff.snd.MSS; PSH on the last segment; within the initial window")
        void segmentation()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            final List<Seg> out = h.write(5000);
            // RFC 5681 IW for SMSS 1460 is 3 segments.
            assertEquals(3, out.size(), out.toString());
            for (final Seg s : out)
            {
                assertEquals(1460, s.length());
            }
            assertEquals(h.stackNxt, out.get(0).seq());
            final List<Seg> more = h.send(h.ack().ack(out.get(2).seqEnd()));
            assertEquals(1, more.size());
            assertEquals(5000 - 3 * 1460, more.get(0).length());
            assertTrue(more.get(0).has(TcpHeader.PSH));
        }

        @Test
        @DisplayName("RFC 9293 §3.8.6.2.1: never send beyond the peer's window")
        void peerWindowRespected()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            h.send(h.ack().window(1000));
            final List<Seg> out = h.write(5000);
            assertEquals(1, out.size());
            assertEquals(1000, out.get(0).length());
        }

        @Test
        @DisplayName("RFC 6298 §5: retransmission after RTO (1 s), backoff doubles it, Karn takes no sample")
        void rtoBackoff()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            h.tcp.noDelay(h.connId, true);
            final Seg data = h.write(100).get(0);
            assertEquals(List.of(), h.advanceMs(999));
            final List<Seg> first = h.advanceMs(1);
            assertEquals(1, first.size());
            assertEquals(data.seq(), first.get(0).seq());
            assertEquals(100, first.get(0).length());
            assertEquals(List.of(), h.advanceMs(1999));
            assertEquals(1, h.advanceMs(1).size());
            assertEquals(2, h.counters.get(CounterDescriptor.TCP_RETRANSMITS));
            h.send(h.ack().ack(data.seqEnd()));
            assertTrue(h.tcp.info(h.connId).contains("srtt:0us"), "Karn: no RTT sample from a retransmitted segment");
        }

        @Test
        @DisplayName("RFC 9293 §3.8.3: after R2 retransmissions the connection aborts with ETIMEDOUT")
        void r2Abort()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential").r1(3).r2(4)
                .build());
            h.established();
            h.write(100);
            h.advanceMs(1000 + 2000 + 4000 + 8000);
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(h.connId));
            h.advanceMs(16_000);
            assertEquals(TcpState.CLOSED, h.tcp.state(h.connId));
            assertEquals(TcpError.TIMED_OUT, h.tcp.error(h.connId));
            assertEquals(0, h.tcp.connectionCount());
        }

        @Test
        @DisplayName("RFC 5681 §3.2, RFC 3042: limited transmit, fast retransmit at the third duplicate ACK, NewReno")
        void fastRetransmit()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            h.tcp.noDelay(h.connId, true);
            final List<Seg> first = h.write(20 * 1460);
            assertEquals(3, first.size());
            int sentAfter = 0;
            for (final Seg s : first)
            {
                sentAfter += h.send(h.ack().ack(s.seqEnd())).size(); // slow start: each ACK releases two
            }
            assertEquals(6, sentAfter);
            final int una = first.get(2).seqEnd();
            h.stackNxt = una;
            // Segment 1 lost: the peer ACKs una three times with no window change. RFC 3042 §2: each of the first two
            // duplicates releases one new segment beyond cwnd, nothing is resent yet.
            final int highest = SeqNum.add(una, 6 * 1460);
            final List<Seg> firstDuplicate = h.send(h.ack().ack(una));
            assertEquals(1, firstDuplicate.size(), "first duplicate: " + firstDuplicate);
            assertEquals(highest, firstDuplicate.get(0).seq(), "limited transmit sends new data only");
            final List<Seg> secondDuplicate = h.send(h.ack().ack(una));
            assertEquals(1, secondDuplicate.size(), "second duplicate: " + secondDuplicate);
            assertEquals(SeqNum.add(highest, 1460), secondDuplicate.get(0).seq());
            assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMITS));
            final List<Seg> retransmit = h.send(h.ack().ack(una));
            assertTrue(retransmit.size() >= 1);
            assertEquals(una, retransmit.get(0).seq());
            assertEquals(1, h.counters.get(CounterDescriptor.TCP_FAST_RETRANSMITS));
            // Partial ACK (RFC 6582): the next hole is resent at once.
            final int partial = SeqNum.add(una, 1460);
            final List<Seg> next = h.send(h.ack().ack(partial));
            assertTrue(next.stream().anyMatch(s -> s.seq() == partial), next.toString());
        }

    }
}
