package io.ustack.tcp;

import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.tcp.wire.SeqNum;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("ICMP errors against TCP (RFC 1122 §4.2.3.9, RFC 5927, RFC 1191)")
class IcmpErrorTest
{
    private static ReceivedDatagram quote(final TcpHarness h, final int seq)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[28]);
        b.putShort(20, (short)h.localPort, BIG_ENDIAN);
        b.putShort(22, (short)TcpHarness.REMOTE_PORT, BIG_ENDIAN);
        b.putInt(24, seq, BIG_ENDIAN);
        return new ReceivedDatagram().set(b, 0, 20, 8, TcpHarness.LOCAL, TcpHarness.REMOTE, 6, 64, -1, false, false);
    }

    @Test
    @DisplayName("RFC 5927 §4.1: an unreachable quoting our SYN aborts the open with EHOSTUNREACH")
    void unreachableDuringOpen()
    {
        final TcpHarness h = new TcpHarness();
        final int id = h.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, h.nowNs);
        final Seg syn = h.drain().get(0);
        h.localPort = syn.sourcePort();
        h.tcp.onIcmpError(3, IcmpErrors.CODE_HOST_UNREACHABLE, 0, quote(h, SeqNum.add(syn.seq(), 5)), h.nowNs);
        assertEquals(TcpState.SYN_SENT, h.tcp.state(id), "a quoted sequence number we never sent is ignored");
        h.tcp.onIcmpError(3, IcmpErrors.CODE_HOST_UNREACHABLE, 0, quote(h, syn.seq()), h.nowNs);
        assertEquals(TcpState.CLOSED, h.tcp.state(id));
        assertEquals(TcpError.UNREACHABLE, h.tcp.error(id));
    }

    @Test
    @DisplayName("RFC 1122 §4.2.3.9: unreachable on an established connection is soft")
    void softWhenEstablished()
    {
        final TcpHarness h = new TcpHarness();
        final int id = h.activeEstablished();
        h.tcp.noDelay(id, true);
        final Seg data = h.write(100).get(0);
        h.tcp.onIcmpError(3, IcmpErrors.CODE_PORT_UNREACHABLE, 0, quote(h, data.seq()), h.nowNs);
        assertEquals(TcpState.ESTABLISHED, h.tcp.state(id));
    }

    @Test
    @DisplayName("RFC 1191 §6.2: fragmentation needed lowers the MSS and resends at the new size")
    void fragmentationNeeded()
    {
        final TcpHarness h = new TcpHarness();
        final int id = h.activeEstablished();
        final List<Seg> sent = h.write(3000);
        assertEquals(1460, sent.get(0).length());
        h.tcp.onIcmpError(3, IcmpErrors.CODE_FRAGMENTATION_NEEDED, 1000, quote(h, sent.get(0).seq()), h.nowNs);
        final List<Seg> again = h.work();
        assertTrue(again.size() >= 1);
        assertEquals(sent.get(0).seq(), again.get(0).seq());
        assertEquals(960, again.get(0).length());
        assertTrue(h.tcp.info(id).contains("mss:960"));
    }
}
