package io.ustack.tcp;

import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.tcp.conn.ConnectionTable;
import io.ustack.tcp.wire.SeqNum;
import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/** ICMP errors about segments we sent (Linux {@code tcp_v4_err}). */
final class IcmpInput
{
    private static final int ICMP_DESTINATION_UNREACHABLE = 3;

    private final Connections connections;

    IcmpInput(final Connections connections)
    {
        this.connections = connections;
    }

    /**
     * RFC 1122 §4.2.3.9, RFC 5927: an ICMP error about a segment we sent. Only errors quoting a sequence number in
     * [SND.UNA, SND.MAX] count (RFC 5927 §4.1, against blind forgery). Fragmentation needed lowers the MSS (RFC 1191
     * §6.2); destination unreachable aborts an open still in SYN-SENT (as Linux does: the SYN cannot get through);
     * on a synchronized connection every unreachable is soft and the retransmission timer carries on.
     */
    void onIcmpError(final int icmpType, final int icmpCode, final int info, final ReceivedDatagram quoted)
    {
        if (icmpType != ICMP_DESTINATION_UNREACHABLE || quoted.payloadLength() < 8)
        {
            return;
        }
        final DirectBuffer b = quoted.buffer();
        final int at = quoted.payloadOffset();
        final int localPort = b.getShort(at, BIG_ENDIAN) & 0xFFFF;
        final int remotePort = b.getShort(at + 2, BIG_ENDIAN) & 0xFFFF;
        final int seq = b.getInt(at + 4, BIG_ENDIAN);
        final int connId = connections.table.lookup(quoted.sourceAddress(), localPort, quoted.destinationAddress(),
            remotePort);
        if (connId == ConnectionTable.NO_CONNECTION)
        {
            return;
        }
        final Tcb t = connections.pool[connId];
        if (SeqNum.lt(seq, t.sndUna) || SeqNum.geq(seq, t.sndMax))
        {
            return;
        }
        if (icmpCode == IcmpErrors.CODE_FRAGMENTATION_NEEDED)
        {
            final int mss = Math.max(SegmentOutput.DEFAULT_MSS >> 1, info - SegmentOutput.HEADERS);
            if (info > 0 && mss < t.effMss)
            {
                t.effMss = mss;
                t.sndNxt = t.sndUna; // resend what was too big at the new size (RFC 1191 §6.5)
                connections.markDirty(t);
            }
            return;
        }
        if (t.state == TcpState.SYN_SENT)
        {
            connections.onClosed(t, TcpError.UNREACHABLE);
        }
    }
}
