package io.ustack.link.wire;

import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The shape a frame handed to {@link io.ustack.api.link.LinkEndpoint#transmitSegmented} must have for a device to
 * cut it: Ethernet II, an IPv4 header without options (RFC 791 §3.1) whose total length is the rest of the frame and
 * that is not a fragment, a TCP header (RFC 9293 §3.1) that fits, and some data after it. The checksums are not
 * checked here: the IPv4 one is the sender's, and the TCP field holds a partial sum by contract.
 *
 * <pre>
 *  0             14                      34                     34 + data offset
 *  | Ethernet II | IPv4, IHL 5, proto 6  | TCP header + options | data (cut into segmentSize pieces) |
 * </pre>
 */
public final class SegmentableFrame
{
    /** Offset of the IPv4 header. */
    public static final int IP_OFFSET = EthernetFrame.HEADER_LENGTH;
    /** Offset of the TCP header: after an IPv4 header without options. */
    public static final int TCP_OFFSET = IP_OFFSET + 20;
    /** Offset of the TCP checksum field, the one a device completes per segment. */
    public static final int TCP_CHECKSUM_OFFSET = TCP_OFFSET + 16;

    private static final int IP_VERSION_IHL = IP_OFFSET;
    private static final int IP_TOTAL_LENGTH = IP_OFFSET + 2;
    private static final int IP_FLAGS_FRAGMENT = IP_OFFSET + 6;
    private static final int IP_PROTOCOL = IP_OFFSET + 9;
    private static final int TCP_DATA_OFFSET = TCP_OFFSET + 12;
    private static final int IPV4_WITHOUT_OPTIONS = 0x45;
    private static final int PROTOCOL_TCP = 6;
    /** More-fragments flag and fragment offset: both zero in a datagram that is not a fragment. */
    private static final int FRAGMENT_BITS = 0x3FFF;
    private static final int MIN_TCP_HEADER = 20;

    private SegmentableFrame()
    {
    }

    /**
     * The TCP data bytes of a frame a device can cut into segments, or -1 when it does not have that shape.
     *
     * @param frame  the buffer
     * @param offset where the Ethernet header starts
     * @param length the frame's length
     */
    public static int dataLength(final DirectBuffer frame, final int offset, final int length)
    {
        if (length < TCP_OFFSET + MIN_TCP_HEADER ||
            (frame.getShort(offset + EthernetFrame.ETHER_TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF) !=
                EthernetFrame.ETHER_TYPE_IPV4 ||
            frame.getByte(offset + IP_VERSION_IHL) != IPV4_WITHOUT_OPTIONS ||
            frame.getByte(offset + IP_PROTOCOL) != PROTOCOL_TCP ||
            (frame.getShort(offset + IP_FLAGS_FRAGMENT, BIG_ENDIAN) & FRAGMENT_BITS) != 0 ||
            (frame.getShort(offset + IP_TOTAL_LENGTH, BIG_ENDIAN) & 0xFFFF) != length - IP_OFFSET)
        {
            return -1;
        }
        final int tcpHeader = (frame.getByte(offset + TCP_DATA_OFFSET) & 0xF0) >>> 2;
        final int data = length - TCP_OFFSET - tcpHeader;
        return tcpHeader < MIN_TCP_HEADER || data <= 0 ? -1 : data;
    }
}
