package io.ustack.tcp;

import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Closing connections (RFC 9293 §3.6, §3.10.4, §3.10.7.4)")
class CloseTest
{
    private static final long TIME_WAIT_MS = 60_000;

    @Nested
    @DisplayName("active close: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT")
    class ActiveClose
    {
        @Test
        @DisplayName("RFC 9293 §3.6: close sends FIN; its ACK → FIN-WAIT-2; the peer's FIN → TIME-WAIT; 2×MSL frees the block")
        void activeCloseThroughTimeWait()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            h.tcp.close(id, h.nowNs);
            assertEquals(TcpState.FIN_WAIT_1, h.tcp.state(id));
            final List<Seg> fin = h.work();
            assertEquals(1, fin.size());
            assertTrue(fin.get(0).only(TcpHeader.FIN | TcpHeader.ACK), fin.toString());
            assertEquals(h.stackNxt, fin.get(0).seq());
            h.stackNxt = SeqNum.add(h.stackNxt, 1);
            assertEquals(List.of(), h.send(h.ack()));
            assertEquals(TcpState.FIN_WAIT_2, h.tcp.state(id));
            final List<Seg> ackOfFin = h.send(h.ack().flags(TcpHeader.FIN | TcpHeader.ACK));
            assertEquals(1, ackOfFin.size());
            assertEquals(SeqNum.add(h.peerNxt, 1), ackOfFin.get(0).ack());
            assertEquals(TcpState.TIME_WAIT, h.tcp.state(id));
            assertEquals(1, h.tcp.connectionCount());
            h.advanceMs(TIME_WAIT_MS - 1);
            assertEquals(1, h.tcp.connectionCount());
            h.advanceMs(1);
            assertEquals(0, h.tcp.connectionCount(), "RFC 9293 §3.6.1: freed after 2×MSL");
            assertEquals(0, h.tcp.blocksInUse());
            assertEquals(0, h.tcp.timersPending());
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.4: in TIME-WAIT a retransmitted FIN is ACKed again and restarts the 2×MSL timer")
        void timeWaitReAcksFin()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            h.tcp.close(id, h.nowNs);
            h.work();
            h.stackNxt = SeqNum.add(h.stackNxt, 1);
            h.send(h.ack().flags(TcpHeader.FIN | TcpHeader.ACK));
            assertEquals(TcpState.TIME_WAIT, h.tcp.state(id));
            h.advanceMs(30_000);
            final List<Seg> reAck = h.send(h.ack().flags(TcpHeader.FIN | TcpHeader.ACK));
            assertEquals(1, reAck.size());
            assertTrue(reAck.get(0).only(TcpHeader.ACK));
            assertEquals(SeqNum.add(h.peerNxt, 1), reAck.get(0).ack());
            h.advanceMs(TIME_WAIT_MS - 1);
            assertEquals(1, h.tcp.connectionCount(), "the timer restarted at the retransmitted FIN");
            h.advanceMs(1);
            assertEquals(0, h.tcp.connectionCount());
        }

        @Test
        @DisplayName("RFC 9293 §3.6 Figure 13: simultaneous close goes FIN-WAIT-1 → CLOSING → TIME-WAIT")
        void simultaneousClose()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            h.tcp.close(id, h.nowNs);
            final Seg fin = h.work().get(0);
            // The peer's FIN crosses ours: it does not acknowledge our FIN.
            final List<Seg> out = h.send(h.in().flags(TcpHeader.FIN | TcpHeader.ACK).ack(fin.seq()));
            assertEquals(TcpState.CLOSING, h.tcp.state(id));
            assertEquals(SeqNum.add(h.peerNxt, 1), out.get(out.size() - 1).ack());
            h.peerNxt = SeqNum.add(h.peerNxt, 1);
            h.send(h.ack().ack(fin.seqEnd()));
            assertEquals(TcpState.TIME_WAIT, h.tcp.state(id));
            h.advanceMs(TIME_WAIT_MS);
            assertEquals(0, h.tcp.connectionCount());
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.4: FIN and its ACK in one segment go FIN-WAIT-1 → TIME-WAIT")
        void finAckTogether()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            h.tcp.close(id, h.nowNs);
            final Seg fin = h.work().get(0);
            h.send(h.in().flags(TcpHeader.FIN | TcpHeader.ACK).ack(fin.seqEnd()));
            assertEquals(TcpState.TIME_WAIT, h.tcp.state(id));
        }
    }

    @Nested
    @DisplayName("passive close: CLOSE-WAIT, LAST-ACK")
    class PassiveClose
    {
        @Test
        @DisplayName("RFC 9293 §3.6: the peer's FIN → CLOSE-WAIT and EOF after the data; close → LAST-ACK → CLOSED")
        void passiveClose()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            h.peerData(300);
            final List<Seg> out = h.send(h.ack().flags(TcpHeader.FIN | TcpHeader.ACK));
            assertTrue(out.size() >= 1);
            assertEquals(SeqNum.add(h.peerNxt, 1), out.get(out.size() - 1).ack());
            h.peerNxt = SeqNum.add(h.peerNxt, 1);
            assertEquals(TcpState.CLOSE_WAIT, h.tcp.state(id));
            assertEquals(300, h.readAll().length);
            assertNull(h.readAll(), "EOF (-1) after the data");
            h.tcp.close(id, h.nowNs);
            assertEquals(TcpState.LAST_ACK, h.tcp.state(id));
            final List<Seg> fin = h.work();
            assertTrue(fin.get(0).has(TcpHeader.FIN));
            h.send(h.ack().ack(fin.get(0).seqEnd()));
            assertEquals(0, h.tcp.connectionCount());
            assertEquals(0, h.tcp.blocksInUse());
        }

        @Test
        @DisplayName("RFC 9293 §3.6: half-close — after shutdownOutput the peer's data still arrives and is read")
        void halfClose()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            h.tcp.shutdownOutput(id, h.nowNs);
            final Seg fin = h.work().get(0);
            h.stackNxt = fin.seqEnd();
            h.send(h.ack());
            assertEquals(TcpState.FIN_WAIT_2, h.tcp.state(id));
            h.peerData(1000);
            assertEquals(1000, h.readAll().length);
            assertEquals(-1, h.tcp.write(id, new org.agrona.concurrent.UnsafeBuffer(new byte[1]), 0, 1, h.nowNs));
            h.send(h.ack().flags(TcpHeader.FIN | TcpHeader.ACK));
            assertEquals(TcpState.TIME_WAIT, h.tcp.state(id));
            assertNull(h.readAll());
            h.advanceMs(TIME_WAIT_MS);
            assertEquals(TcpState.CLOSED, h.tcp.state(id), "the application still holds the id");
            assertEquals(0, h.tcp.connectionCount());
            h.tcp.close(id, h.nowNs);
            assertEquals(0, h.tcp.blocksInUse());
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.4: a FIN arriving before the data it follows waits for the gap to fill")
        void finBeforeData()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            final int base = h.peerNxt;
            h.send(h.in().seq(SeqNum.add(base, 100)).ack(h.stackNxt).flags(TcpHeader.FIN | TcpHeader.ACK));
            assertEquals(TcpState.ESTABLISHED, h.tcp.state(id));
            final List<Seg> out = h.send(h.in().seq(base).ack(h.stackNxt).data(100));
            assertEquals(TcpState.CLOSE_WAIT, h.tcp.state(id));
            assertEquals(SeqNum.add(base, 101), out.get(out.size() - 1).ack());
        }
    }

    @Nested
    @DisplayName("abort")
    class Abort
    {
        @Test
        @DisplayName("RFC 9293 §3.10.5: abort sends <SEQ=SND.NXT><RST> and frees the block at once")
        void abortSendsRst()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            h.tcp.abort(id, h.nowNs);
            final List<Seg> out = h.drain();
            assertEquals(1, out.size());
            assertTrue(out.get(0).only(TcpHeader.RST));
            assertEquals(h.stackNxt, out.get(0).seq());
            assertEquals(0, h.tcp.connectionCount());
            assertEquals(0, h.tcp.blocksInUse());
        }

        @Test
        @DisplayName("RFC 2525 §2.17: close with unread data resets the connection")
        void closeWithUnreadDataResets()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            h.peerData(10);
            h.tcp.close(id, h.nowNs);
            final List<Seg> out = h.drain();
            assertTrue(out.get(out.size() - 1).has(TcpHeader.RST));
            assertEquals(0, h.tcp.blocksInUse());
        }

        @Test
        @DisplayName("RFC 9293 §3.10.7.4: RST in LAST-ACK closes without error")
        void rstInLastAck()
        {
            final TcpHarness h = new TcpHarness();
            final int id = h.established();
            h.send(h.ack().flags(TcpHeader.FIN | TcpHeader.ACK));
            h.peerNxt = SeqNum.add(h.peerNxt, 1);
            h.tcp.close(id, h.nowNs);
            h.work();
            h.send(h.in().flags(TcpHeader.RST).seq(h.peerNxt));
            assertEquals(0, h.tcp.connectionCount());
            assertEquals(0, h.tcp.blocksInUse());
        }
    }
}
