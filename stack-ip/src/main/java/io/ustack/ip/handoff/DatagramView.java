package io.ustack.ip.handoff;

import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Points a {@link ReceivedDatagram} at an IPv4 datagram that crossed a handoff ring. The network agent checked it
 * before it crossed, so only the fields are read here, with no second validation.
 */
final class DatagramView
{
    private DatagramView()
    {
    }

    /**
     * @param offset where the IPv4 header starts
     * @param length header plus the payload bytes present (for a quote, as many as were quoted)
     * @param flags  the descriptor flags ({@link HandoffLayout})
     */
    static ReceivedDatagram set(final ReceivedDatagram view, final DirectBuffer buffer, final int offset,
        final int length, final int flags)
    {
        final int headerLength = (buffer.getByte(offset + Ipv4Header.VERSION_IHL_OFFSET) & 0xF) * 4;
        return view.set(buffer, offset, headerLength, length - headerLength,
            buffer.getInt(offset + Ipv4Header.SOURCE_ADDRESS_OFFSET, BIG_ENDIAN),
            buffer.getInt(offset + Ipv4Header.DESTINATION_ADDRESS_OFFSET, BIG_ENDIAN),
            buffer.getByte(offset + Ipv4Header.PROTOCOL_OFFSET) & 0xFF,
            buffer.getByte(offset + Ipv4Header.TIME_TO_LIVE_OFFSET) & 0xFF,
            HandoffLayout.interfaceIndex(flags), HandoffLayout.linkBroadcast(flags), HandoffLayout.fragment(flags));
    }
}
