package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ustack.tcp.TcpHarness.PEER_ISS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Opening connections (RFC 9293 §3.5, §3.10.7.1-3)")
class HandshakeTest
{
    @Nested
    @DisplayName("CLOSED")
    class Closed
    {
        @Test
        @DisplayName("RFC 9293 §3.10.7.1: a SYN to a closed port draws <SEQ=0><ACK=SEG.SEQ+SEG.LEN><RST,ACK>")
        void synToClosedPort()
        {
            final TcpHarness h = new TcpHarness();
            final List<Seg> out = h.send(h.in().flags(TcpHeader.SYN).seq(PEER_ISS));
            assertEquals(1, out.size());
            final Seg rst = out.get(0);
            assertTrue(rst.only(TcpHeader.RST | TcpHeader.ACK), rst.toString());
            assertEquals(0, rst.seq());
            assertEquals(SeqNum.add(PEER_ISS, 1), rst.ack());
            assertEquals(1, h.drops(DropReason.TCP_NO_CONNECTION));
            assertEquals(1, h.counters.get(CounterDescriptor.TCP_RESETS_SENT));
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.1: an ACK to a closed port draws <SEQ=SEG.ACK><RST>")
        void ackToClosedPort()
        {
            final TcpHarness h = new TcpHarness();
            final List<Seg> out = h.send(h.in().seq(5).ack(12345).data(10));
            assertEquals(1, out.size());
            assertTrue(out.get(0).only(TcpHeader.RST));
            assertEquals(12345, out.get(0).seq());
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.1: a RST to a closed port is dropped without an answer")
        void rstToClosedPort()
        {
            final TcpHarness h = new TcpHarness();
            assertEquals(List.of(), h.send(h.in().flags(TcpHeader.RST).seq(5)));
            assertEquals(1, h.drops(DropReason.TCP_NO_CONNECTION));
        }

        @Test
        @DisplayName("RFC 1122 §4.2.3.10: a SYN that came as a link broadcast is discarded without a RST, even on a listener")
        void broadcastSynIgnored()
        {
            final TcpHarness h = new TcpHarness();
            h.tcp.listen(0, TcpHarness.LOCAL_PORT, 4);
            h.deliver(h.in().flags(TcpHeader.SYN).seq(PEER_ISS).encode(), true);
            h.deliver(h.in().flags(TcpHeader.SYN).seq(PEER_ISS).toPort(81).encode(), true);
            assertEquals(List.of(), h.work());
            assertEquals(2, h.drops(DropReason.TCP_NO_CONNECTION));
            assertEquals(0, h.tcp.connectionCount());
        }

        @Test
        @DisplayName("RFC 9293 §3.1: a segment whose checksum does not verify is dropped and counted")
        void badChecksum()
        {
            final TcpHarness h = new TcpHarness();
            assertEquals(List.of(), h.send(h.in().flags(TcpHeader.SYN).seq(PEER_ISS).badChecksum()));
            assertEquals(1, h.drops(DropReason.TCP_BAD_CHECKSUM));
            assertEquals(0, h.drops(DropReason.TCP_NO_CONNECTION));
        }
    }

    @Nested
    @DisplayName("LISTEN")
    class Listen
    {
        @Test
        @DisplayName("RFC 9293 §3.10.7.2: a SYN draws a SYN-ACK with our MSS (MTU - 40) and ACK = SEG.SEQ + 1")
        void synGetsSynAck()
        {
            final TcpHarness h = new TcpHarness();
            final Seg synAck = h.synReceived(4);
            assertEquals(SeqNum.add(PEER_ISS, 1), synAck.ack());
            assertEquals(1460, synAck.mss());
            assertTrue(synAck.window() > 0);
            assertEquals(-1, h.tcp.accept(0), "not acceptable before the handshake completes");
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.2: the ACK of our SYN-ACK completes the open; accept() returns it")
        void ackCompletesPassiveOpen()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            assertTrue(h.events.contains("acceptable 0"));
            assertEquals(-1, h.tcp.accept(0));
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(id));
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.2: an ACK to a listener draws <SEQ=SEG.ACK><RST>")
        void ackToListener()
        {
            final TcpHarness h = new TcpHarness();
            h.tcp.listen(0, TcpHarness.LOCAL_PORT, 4);
            final List<Seg> out = h.send(h.in().seq(1).ack(777));
            assertEquals(1, out.size());
            assertTrue(out.get(0).only(TcpHeader.RST));
            assertEquals(777, out.get(0).seq());
            assertEquals(1, h.drops(DropReason.TCP_LISTEN_NOT_SYN));
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.2: a RST to a listener is ignored")
        void rstToListener()
        {
            final TcpHarness h = new TcpHarness();
            h.tcp.listen(0, TcpHarness.LOCAL_PORT, 4);
            assertEquals(List.of(), h.send(h.in().flags(TcpHeader.RST).seq(1)));
            assertEquals(1, h.drops(DropReason.TCP_LISTEN_NOT_SYN));
        }

        @Test
        @DisplayName("listen backlog: SYNs beyond the backlog are dropped until accept() makes room")
        void backlogFull()
        {
            final TcpHarness h = new TcpHarness();
            h.synReceived(1);
            h.peerNxt = PEER_ISS;
            final List<Seg> out = h.send(h.in().flags(TcpHeader.SYN).seq(PEER_ISS).toPort(TcpHarness.LOCAL_PORT)
                .mss(1460));
            // Same 4-tuple: the SYN is a retransmission and gets the SYN-ACK again; a new port tests the backlog.
            assertEquals(1, out.size());
            assertEquals(0, h.drops(DropReason.TCP_LISTEN_OVERFLOW));
        }

        @Test
        @DisplayName("listen backlog: a second peer's SYN while the backlog (1) is used is dropped and counted")
        void backlogOverflowFromSecondPeer()
        {
            final TcpHarness h = new TcpHarness();
            h.synReceived(1);
            final byte[] syn = h.in().flags(TcpHeader.SYN).seq(PEER_ISS).encode();
            syn[1] = (byte)0x41; // another source port (40001)
            h.deliver(fixChecksum(syn));
            assertEquals(List.of(), h.work());
            assertEquals(1, h.drops(DropReason.TCP_LISTEN_OVERFLOW));
        }

        @Test
        @DisplayName("RFC 9293 §3.8.1: a lost SYN-ACK is retransmitted after the RTO and the handshake still completes")
        void synAckRetransmitted()
        {
            final TcpHarness h = new TcpHarness();
            final Seg synAck = h.synReceived(4);
            final List<Seg> again = h.advanceMs(1000);
            assertEquals(1, again.size());
            assertEquals(synAck.seq(), again.get(0).seq());
            assertTrue(again.get(0).has(TcpHeader.SYN | TcpHeader.ACK));
            assertEquals(List.of(), h.send(h.ack()));
            assertNotEquals(-1, h.tcp.accept(0));
        }
    }

    @Nested
    @DisplayName("SYN-SENT")
    class SynSent
    {
        @Test
        @DisplayName("RFC 9293 §3.10.7.3: connect sends a SYN with MSS; the SYN-ACK makes it ESTABLISHED and draws an ACK")
        void activeOpen()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, h.nowNs);
            final List<Seg> syn = h.drain();
            assertEquals(1, syn.size());
            assertTrue(syn.get(0).only(TcpHeader.SYN));
            assertEquals(1460, syn.get(0).mss());
            assertTrue(syn.get(0).sourcePort() >= 1024);
            assertEquals(TcpState.SYN_SENT, h.tcp.state(id));
            h.tcp.abort(id, h.nowNs);
            h.activeEstablished();
            assertTrue(h.events.contains("connected " + h.connId));
            assertEquals(2, h.counters.get(CounterDescriptor.TCP_ACTIVE_OPENS));
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.3: RST with an acceptable ACK in SYN-SENT means connection refused")
        void refused()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, h.nowNs);
            final Seg syn = h.drain().get(0);
            h.localPort = syn.sourcePort();
            h.send(h.in().flags(TcpHeader.RST).seq(0).ack(SeqNum.add(syn.seq(), 1)));
            assertEquals(TcpState.CLOSED, h.tcp.state(id));
            assertEquals(TcpError.REFUSED, h.tcp.error(id));
            assertEquals(0, h.tcp.connectionCount());
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.3: an ACK not acknowledging our SYN draws <SEQ=SEG.ACK><RST> and changes nothing")
        void badAckInSynSent()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, h.nowNs);
            final Seg syn = h.drain().get(0);
            h.localPort = syn.sourcePort();
            final List<Seg> out = h.send(h.in().flags(TcpHeader.SYN).seq(PEER_ISS).ack(SeqNum.add(syn.seq(), 5)));
            assertEquals(1, out.size());
            assertTrue(out.get(0).only(TcpHeader.RST));
            assertEquals(SeqNum.add(syn.seq(), 5), out.get(0).seq());
            assertEquals(TcpState.SYN_SENT, h.tcp.state(id));
            assertEquals(1, h.drops(DropReason.TCP_SYN_SENT_BAD_ACK));
        }

        @Test
        @DisplayName("RFC 6298 §5.5: the SYN is retransmitted with backoff (1 s, 2 s, 4 s ...) and the open times out")
        void synRetriesThenTimeout()
        {
            final TcpHarness h = new TcpHarness(TcpSettings.builder().isnGenerator("sequential").synRetries(3)
                .build());
            final int id = h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, h.nowNs);
            h.drain();
            assertEquals(1, h.advanceMs(1000).size());
            assertEquals(0, h.advanceMs(1999).size());
            assertEquals(1, h.advanceMs(1).size());
            assertEquals(1, h.advanceMs(4000).size());
            assertEquals(TcpState.SYN_SENT, h.tcp.state(id));
            h.advanceMs(8000);
            assertEquals(TcpState.CLOSED, h.tcp.state(id));
            assertEquals(TcpError.TIMED_OUT, h.tcp.error(id));
            assertTrue(h.events.contains("closed " + id + " connection timed out"));
        }

        @Test
        @DisplayName("RFC 9293 §3.5 Figure 8: simultaneous open goes SYN-SENT → SYN-RECEIVED → ESTABLISHED")
        void simultaneousOpen()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, h.nowNs);
            final Seg syn = h.drain().get(0);
            h.localPort = syn.sourcePort();
            final List<Seg> out = h.send(h.in().flags(TcpHeader.SYN).seq(PEER_ISS).mss(1460));
            assertEquals(TcpState.SYN_RECEIVED, h.tcp.state(id));
            assertEquals(1, out.size());
            assertTrue(out.get(0).has(TcpHeader.SYN | TcpHeader.ACK));
            assertEquals(syn.seq(), out.get(0).seq());
            assertEquals(SeqNum.add(PEER_ISS, 1), out.get(0).ack());
            // The peer's SYN-ACK (its SYN again, now acknowledging ours) completes the open.
            final List<Seg> ack = h.send(h.in().flags(TcpHeader.SYN).seq(PEER_ISS).ack(SeqNum.add(syn.seq(), 1)));
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(id));
            assertEquals(1, ack.size());
            assertTrue(ack.get(0).only(TcpHeader.ACK));
        }

        @Test
        @DisplayName("RFC 9293 MUST-15: without an MSS option the peer's MSS is taken as 536")
        void defaultMss()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, h.nowNs);
            h.connId = id;
            final Seg syn = h.drain().get(0);
            h.localPort = syn.sourcePort();
            h.stackNxt = SeqNum.add(syn.seq(), 1);
            h.send(h.in().flags(TcpHeader.SYN).seq(PEER_ISS).ack(h.stackNxt));
            h.peerNxt = SeqNum.add(PEER_ISS, 1);
            h.tcp.noDelay(id, true);
            final List<Seg> out = h.write(2000);
            assertTrue(out.size() >= 2, out.toString());
            for (final Seg s : out)
            {
                assertTrue(s.length() <= 536, s.toString());
            }
        }
    }

    static byte[] fixChecksum(final byte[] bytes)
    {
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(bytes);
        new TcpHeader().wrapForWrite(b, 0).computeAndSetChecksum(TcpHarness.REMOTE, TcpHarness.LOCAL, bytes.length);
        return bytes;
    }
}
