package io.ustack.ip.handoff;

import io.ustack.ip.ipv4.Ipv4Sender;

/**
 * What a descriptor between the network agent and a transport agent carries besides its buffer id, and where the
 * fields that do not fit in it travel: in the buffer's own headroom, bytes the network layer overwrites with its
 * Ethernet and IPv4 headers anyway.
 *
 * <pre>
 *   descriptor flags:  bits 0..15 interface index (0xFFFF: none) | bit 16 link broadcast | bit 17 fragment
 *                      | bits 24..27 kind
 *
 *   DATAGRAM (to transport):     offset = IPv4 header, length = IPv4 total length; addresses read from the header
 *   ICMP_ERROR (to transport):   [0] type [4] code [8] info, then the quoted datagram at offset QUOTE_OFFSET
 *   SEND (from transport):       [0] source [4] destination [8] protocol [9] send flags [10] ttl;
 *                                transport bytes at {@link Ipv4Sender#PAYLOAD_OFFSET}, length = their count
 *   ICMP_REQUEST (from transport): [0] which error [4] code/pointer [8] info, the offending datagram at
 *                                QUOTE_OFFSET (its header and up to {@link #MAX_QUOTE} bytes)
 *   SEND_SEGMENTED (from transport): SEND's fields, then [12] segment size (16 bits); a large buffer
 *                                ({@link Ipv4Sender#sendSegmented}) with one TCP header and its data at
 *                                {@link Ipv4Sender#PAYLOAD_OFFSET}, length = their count
 * </pre>
 */
final class HandoffLayout
{
    static final int KIND_DATAGRAM = 1;
    static final int KIND_ICMP_ERROR = 2;
    static final int KIND_SEND = 3;
    static final int KIND_ICMP_REQUEST = 4;
    static final int KIND_SEND_SEGMENTED = 5;

    static final int ICMP_REQUEST_UNREACHABLE = 1;
    static final int ICMP_REQUEST_TIME_EXCEEDED = 2;
    static final int ICMP_REQUEST_PARAMETER_PROBLEM = 3;

    static final int FIELD0_OFFSET = 0;
    static final int FIELD1_OFFSET = 4;
    static final int FIELD2_OFFSET = 8;
    static final int PROTOCOL_OFFSET = 8;
    static final int SEND_FLAGS_OFFSET = 9;
    static final int TTL_OFFSET = 10;
    static final int SEGMENT_SIZE_OFFSET = 12;
    static final int QUOTE_OFFSET = 16;
    /** Most bytes of an offending datagram passed along with an ICMP error request (RFC 1812 §4.3.2.3 quotes 576). */
    static final int MAX_QUOTE = 576;

    private static final int NO_INTERFACE = 0xFFFF;
    private static final int LINK_BROADCAST = 1 << 16;
    private static final int FRAGMENT = 1 << 17;
    private static final int KIND_SHIFT = 24;

    private HandoffLayout()
    {
    }

    static int flags(final int kind, final int interfaceIndex, final boolean linkBroadcast, final boolean fragment)
    {
        return kind << KIND_SHIFT | (interfaceIndex < 0 ? NO_INTERFACE : interfaceIndex & NO_INTERFACE) |
            (linkBroadcast ? LINK_BROADCAST : 0) | (fragment ? FRAGMENT : 0);
    }

    static int kind(final int flags)
    {
        return flags >>> KIND_SHIFT & 0xF;
    }

    static int interfaceIndex(final int flags)
    {
        final int index = flags & NO_INTERFACE;
        return index == NO_INTERFACE ? -1 : index;
    }

    static boolean linkBroadcast(final int flags)
    {
        return (flags & LINK_BROADCAST) != 0;
    }

    static boolean fragment(final int flags)
    {
        return (flags & FRAGMENT) != 0;
    }
}
