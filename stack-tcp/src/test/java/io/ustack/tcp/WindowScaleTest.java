package io.ustack.tcp;

import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ustack.tcp.TcpHarness.PEER_ISS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Window scale option (RFC 7323 §2)")
class WindowScaleTest
{
    @Test
    @DisplayName("RFC 7323 §2.2: an active SYN offers the shift the receive buffer needs (64 KiB → 1)")
    void activeSynOffersScale()
    {
        final TcpHarness h = new TcpHarness();
        h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, h.nowNs);
        final Seg syn = h.drain().get(0);
        assertEquals(1, syn.windowScale());
        assertEquals(65_535, syn.window(), "RFC 7323 §2.2: the window in a SYN is not scaled");
    }

    @Test
    @DisplayName("RFC 7323 §2.2: a SYN-ACK carries window scale only if the SYN did")
    void passiveAnswersOnlyIfOffered()
    {
        final TcpHarness h = new TcpHarness();
        assertEquals(-1, h.synReceived(4).windowScale());
        final TcpHarness scaled = new TcpHarness();
        scaled.tcp.listen(0, TcpHarness.LOCAL_PORT, 4);
        final List<Seg> out = scaled.send(scaled.in().flags(TcpHeader.SYN).seq(PEER_ISS).mss(1460).windowScale(7));
        assertEquals(1, out.get(0).windowScale());
    }

    @Test
    @DisplayName("RFC 7323 §2.3: with scaling on, SEG.WND is shifted both ways")
    void windowsShifted()
    {
        final TcpHarness h = new TcpHarness();
        h.tcp.listen(0, TcpHarness.LOCAL_PORT, 4);
        final Seg synAck = h.send(h.in().flags(TcpHeader.SYN).seq(PEER_ISS).mss(1460).windowScale(7)).get(0);
        h.peerNxt = SeqNum.add(PEER_ISS, 1);
        h.stackNxt = SeqNum.add(synAck.seq(), 1);
        h.send(h.ack().window(100)); // 100 << 7 = 12,800 bytes
        h.connId = h.tcp.accept(0);
        h.tcp.noDelay(h.connId, true);
        final List<Seg> data = h.write(20_000);
        assertEquals(3, data.size(), "limited by the initial cwnd, not by a 100-byte window: " + data);
        final List<Seg> ack = h.peerData(100);
        assertEquals((65_536 - 100) >> 1, ack.get(ack.size() - 1).window(), "our window is sent >> 1");
        assertTrue(h.tcp.info(h.connId).contains("ESTABLISHED"));
    }
}
