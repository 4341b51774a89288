package io.ustack.tcp;

import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Sender policies: persist, Nagle, cork, keepalive (RFC 9293 §3.7.4, §3.8.4, §3.8.6)")
class SenderPolicyTest
{
    @Nested
    @DisplayName("zero window")
    class ZeroWindow
    {
        @Test
        @DisplayName("RFC 9293 §3.8.6.1 MUST-36/37: zero-window probes back off and go on while answered")
        void probesWhileAnswered()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential").r1(3).r2(4).build());
            final int id = h.established();
            h.send(h.ack().window(0));
            assertEquals(List.of(), h.write(100), "nothing goes into a zero window");
            long probes = 0;
            for (int i = 0; i < 2 * 60 * 20; i++)
            {
                final List<Seg> out = h.advanceMs(500);
                for (final Seg s : out)
                {
                    assertEquals(0, s.length());
                    assertEquals(SeqNum.add(h.stackNxt, -1), s.seq(), "Linux-style probe: SND.UNA - 1");
                    probes++;
                    h.send(h.ack().window(0)); // answered, window still closed
                }
            }
            assertTrue(probes >= 20, "probes in 20 minutes: " + probes);
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(id), "MUST-37: never aborted while probes are answered");
            final List<Seg> data = h.send(h.ack().window(65_535));
            assertEquals(1, data.size());
            assertEquals(100, data.get(0).length());
        }

        @Test
        @DisplayName("RFC 9293 §3.8.6.1 MUST-37: a window closed on data in flight is waited out while the peer answers")
        void windowClosedOnDataInFlight()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential").r1(3).r2(4).build());
            final int id = h.established();
            h.tcp.noDelay(id, true);
            final Seg data = h.write(100).get(0);
            int answered = 0;
            for (int i = 0; i < 2 * 60 * 20; i++)
            {
                for (final Seg s : h.advanceMs(500))
                {
                    h.send(h.ack().window(0)); // nothing acknowledged, window closed
                    answered++;
                }
            }
            assertTrue(answered >= 10, "retransmissions answered: " + answered);
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(id));
            h.send(h.ack().ack(data.seqEnd()).window(65_535));
            assertEquals(65_536, h.tcp.writable(id), "the ACK freed the send buffer");
        }

        @Test
        @DisplayName("RFC 9293 §3.8.6.1: unanswered zero-window probes abort after R2")
        void unansweredProbesAbort()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential").r1(3).r2(4).build());
            final int id = h.established();
            h.send(h.ack().window(0));
            h.write(100);
            h.advanceMs(600_000);
            assertEquals(TcpState.CLOSED, h.tcp.state(id));
            assertEquals(TcpError.TIMED_OUT, h.tcp.error(id));
        }

        @Test
        @DisplayName("RFC 9293 §3.8.6.1: the persist interval backs off (1 s, 2 s, 4 s ...)")
        void persistBackoff()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            h.send(h.ack().window(0));
            h.write(100);
            assertEquals(1, h.advanceMs(1000).size());
            assertEquals(0, h.advanceMs(1999).size());
            assertEquals(1, h.advanceMs(1).size());
            assertEquals(0, h.advanceMs(3999).size());
            assertEquals(1, h.advanceMs(1).size());
        }
    }

    @Nested
    @DisplayName("Nagle, NODELAY, cork")
    class Nagle
    {
        @Test
        @DisplayName("RFC 9293 §3.7.4: with data in flight, small writes wait and coalesce until the ACK")
        void nagleCoalesces()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            final List<Seg> first = h.write(10);
            assertEquals(1, first.size(), "nothing in flight: the small segment goes");
            assertEquals(List.of(), writeMore(h, 10));
            assertEquals(List.of(), writeMore(h, 10));
            final List<Seg> after = h.send(h.ack().ack(first.get(0).seqEnd()));
            assertEquals(1, after.size());
            assertEquals(20, after.get(0).length(), "the two small writes left as one segment");
        }

        @Test
        @DisplayName("RFC 9293 §3.7.4 MUST-17: TCP_NODELAY sends small segments at once")
        void noDelay()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            h.tcp.noDelay(h.connId, true);
            assertEquals(1, h.write(10).size());
            assertEquals(1, writeMore(h, 10).size());
        }

        @Test
        @DisplayName("cork holds partial segments, sends full ones, and flushes on uncork")
        void cork()
        {
            final TcpHarness h = new TcpHarness();
            h.established();
            h.tcp.cork(h.connId, true);
            assertEquals(List.of(), h.write(100));
            final List<Seg> full = writeMore(h, 1460);
            assertEquals(1, full.size());
            assertEquals(1460, full.get(0).length());
            h.tcp.cork(h.connId, false);
            h.send(h.ack().ack(full.get(0).seqEnd()));
            final List<Seg> rest = h.work();
            assertTrue(rest.isEmpty() || rest.get(0).length() == 100);
        }

        private List<Seg> writeMore(final TcpHarness h, final int length)
        {
            assertEquals(length, h.tcp.write(h.connId, new UnsafeBuffer(new byte[length]), 0, length, h.nowNs));
            return h.work();
        }
    }

    @Nested
    @DisplayName("keepalive")
    class Keepalive
    {
        @Test
        @DisplayName("RFC 9293 §3.8.4: after the idle time, keepalive probes; unanswered ones abort with ETIMEDOUT")
        void keepaliveProbesThenAbort()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential").keepalive(true)
                .keepaliveIdleNs(10_000_000_000L).keepaliveIntervalNs(1_000_000_000L).keepaliveProbes(3).build());
            final int id = h.activeEstablished();
            assertEquals(List.of(), h.advanceMs(9_000));
            final List<Seg> probe = h.advanceMs(1_000);
            assertEquals(1, probe.size());
            assertEquals(SeqNum.add(h.stackNxt, -1), probe.get(0).seq());
            h.send(h.ack()); // answered: idle again
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(id));
            h.advanceMs(10_000 + 3 * 1_000 + 1_000);
            assertEquals(TcpState.CLOSED, h.tcp.state(id));
            assertEquals(TcpError.TIMED_OUT, h.tcp.error(id));
        }

        @Test
        @DisplayName("keepalive is off by default: an idle connection sends nothing")
        void offByDefault()
        {
            final TcpHarness h = new TcpHarness();
            h.activeEstablished();
            assertEquals(List.of(), h.advanceMs(3 * 3_600_000L));
        }
    }

    @Nested
    @DisplayName("SYN-RECEIVED and listeners")
    class SynReceived
    {
        @Test
        @DisplayName("RFC 9293 §3.10.7.4: RST in SYN-RECEIVED from a passive open returns to LISTEN (block dropped)")
        void rstInSynReceived()
        {
            final TcpHarness h = new TcpHarness();
            h.synReceived(1);
            h.send(h.in().flags(TcpHeader.RST).seq(h.peerNxt));
            assertEquals(0, h.tcp.connectionCount());
            assertEquals(0, h.tcp.blocksInUse());
            h.peerNxt = TcpHarness.PEER_ISS;
            assertEquals(1, h.send(h.in().flags(TcpHeader.SYN).seq(TcpHarness.PEER_ISS)).size(),
                "the backlog slot is free again");
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.4: an unacceptable ACK in SYN-RECEIVED draws <SEQ=SEG.ACK><RST>")
        void badAckInSynReceived()
        {
            final TcpHarness h = new TcpHarness();
            h.synReceived(1);
            final List<Seg> out = h.send(h.ack().ack(SeqNum.add(h.stackNxt, 100)));
            assertEquals(1, out.size());
            assertTrue(out.get(0).only(TcpHeader.RST));
            assertEquals(-1, h.tcp.accept(0));
        }

        @Test
        @DisplayName("closing a listener resets connections it had not handed out")
        void closeListenerResetsQueue()
        {
            final TcpHarness h = new TcpHarness();
            h.synReceived(4);
            h.send(h.ack());
            h.tcp.closeListener(0, h.nowNs);
            final List<Seg> out = h.drain();
            assertEquals(1, out.size());
            assertTrue(out.get(0).has(TcpHeader.RST));
            assertEquals(0, h.tcp.connectionCount());
            assertEquals(0, h.tcp.blocksInUse());
        }
    }
}
