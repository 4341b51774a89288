package io.ustack.api.counter;

/**
 * Every reason a stack refuses a frame, packet, segment or descriptor. Each dropped unit increments exactly one of
 * these (TESTING.md; DESIGN.md "Observability").
 *
 * <p>Each reason carries a stable {@link #typeId()}: the id its counter has in the counters file and in pcap
 * annotations, so a number means the same reason in every version. The rule for changing this enum:
 * <ul>
 *   <li><b>Append only.</b> A new reason goes at the end of the list (after the last one, whatever its layer; its
 *       {@link Layer} says where it belongs) with the next id: one above the highest in use. Never insert, reorder,
 *       remove or renumber: that would change what existing ids, and the counters' order in the file, mean.</li>
 *   <li>Two branches that each appended a reason may have taken the same id: when merging, keep both and renumber
 *       the later one. {@code DropReasonIdsTest} fails on a duplicate id, on an id out of order, and on any change
 *       to the ids frozen there; add each new reason to the end of its frozen table in the same change.</li>
 *   <li>A reason no longer used stays, with its id, documented as retired.</li>
 * </ul>
 */
public enum DropReason
{
    // ---- link --------------------------------------------------------------------------------------------------
    /** Shorter than the 14-byte Ethernet II header. */
    LINK_FRAME_TOO_SHORT(2000, Layer.LINK, "frame shorter than an Ethernet header"),
    /** Longer than the MTU plus the link header, or than a packet buffer. */
    LINK_FRAME_TOO_LONG(2001, Layer.LINK, "frame longer than MTU plus link header"),
    /** The frame check sequence did not match (corruption on the wire), as a NIC drops it. */
    LINK_BAD_FCS(2002, Layer.LINK, "frame check sequence mismatch"),
    /** Destination MAC is neither ours, broadcast, nor a multicast group we joined. */
    LINK_NOT_FOR_US(2003, Layer.LINK, "destination MAC not ours"),
    /** EtherType with no protocol handler (and 802.3 length frames). */
    LINK_UNKNOWN_ETHERTYPE(2004, Layer.LINK, "no handler for EtherType"),
    /**
     * The endpoint refused a frame for transmission (TX ring or wire queue full). Retired: since 2026-11-26 the link
     * agent holds a refused frame and offers it again ({@code CounterDescriptor.LINK_TX_HELD}), so nothing counts
     * this any more; the id stays reserved.
     */
    LINK_TX_REFUSED(2005, Layer.LINK, "endpoint refused frame for transmission"),
    /** The kernel delivered a frame whose transport checksum is not filled in yet (the peer left offloads on). */
    LINK_CHECKSUM_PARTIAL(2006, Layer.LINK, "frame with partial checksum (peer offload)"),
    /** The receive ring held only part of the frame (larger than a ring slot, e.g. a GSO/GRO super-frame). */
    LINK_TRUNCATED_BY_RING(2007, Layer.LINK, "frame truncated by the receive ring"),

    // ---- plumbing between layers -------------------------------------------------------------------------------
    /** No free packet buffer to receive a frame into. */
    POOL_EXHAUSTED_RX(2008, Layer.PLUMBING, "no free packet buffer for a received frame"),
    /** No free packet buffer to build an outgoing packet in. */
    POOL_EXHAUSTED_TX(2009, Layer.PLUMBING, "no free packet buffer for an outgoing packet"),
    /** The ring from link to network agent was full. */
    RING_FULL_UP(2010, Layer.PLUMBING, "ring link->network full"),
    /** The ring from network to link agent was full. */
    RING_FULL_DOWN(2011, Layer.PLUMBING, "ring network->link full"),
    /** A descriptor still queued when the stack closed without draining. */
    SHUTDOWN_DISCARDED(2012, Layer.PLUMBING, "discarded at shutdown"),
    /** The ring from the network agent to a transport's own agent (TCP) was full. */
    RING_FULL_TO_TRANSPORT(2013, Layer.PLUMBING, "ring network->transport full"),
    /** The ring from a transport's own agent (TCP) to the network agent was full. */
    RING_FULL_FROM_TRANSPORT(2014, Layer.PLUMBING, "ring transport->network full"),
    /** A datagram for a transport on its own agent was larger than a packet buffer (a reassembled one). */
    HANDOFF_TOO_LARGE(2015, Layer.PLUMBING, "datagram larger than a packet buffer for the transport agent"),

    // ---- IPv4 / ARP / ICMP -------------------------------------------------------------------------------------
    /** Shorter than a 20-byte IPv4 header. */
    IPV4_TRUNCATED(2016, Layer.IP, "IPv4 shorter than its header"),
    /** Version field is not 4. */
    IPV4_BAD_VERSION(2017, Layer.IP, "IPv4 version not 4"),
    /** IHL below 5 words or past the packet end. */
    IPV4_BAD_HEADER_LENGTH(2018, Layer.IP, "IPv4 header length invalid"),
    /** Total length smaller than the header or larger than the frame. */
    IPV4_BAD_TOTAL_LENGTH(2019, Layer.IP, "IPv4 total length invalid"),
    /** Header checksum mismatch. */
    IPV4_BAD_CHECKSUM(2020, Layer.IP, "IPv4 header checksum mismatch"),
    /** An option whose length is 0, 1 or runs past the header. */
    IPV4_BAD_OPTIONS(2021, Layer.IP, "IPv4 options malformed"),
    /** Shorter than the 28-byte Ethernet/IPv4 ARP body. */
    ARP_TRUNCATED(2022, Layer.IP, "ARP shorter than its body"),
    /** Hardware or protocol type/length other than Ethernet/IPv4. */
    ARP_UNSUPPORTED_FORMAT(2023, Layer.IP, "ARP not Ethernet/IPv4"),
    /** Operation other than request (1) or reply (2). */
    ARP_BAD_OPERATION(2024, Layer.IP, "ARP operation unknown"),
    /** Shorter than the 8-byte ICMP header, or than the message type needs. */
    ICMP_TRUNCATED(2025, Layer.IP, "ICMP shorter than its header"),
    /** ICMP checksum mismatch. */
    ICMP_BAD_CHECKSUM(2026, Layer.IP, "ICMP checksum mismatch"),
    /** Destination is none of our addresses nor a broadcast we accept (we do not forward). */
    IPV4_NOT_FOR_US(2027, Layer.IP, "IPv4 destination not ours"),
    /** Source is a broadcast, multicast, loopback or our own address (RFC 1122 §3.2.1.3). */
    IPV4_BAD_SOURCE(2028, Layer.IP, "IPv4 source address invalid"),
    /** TTL of 0 on arrival. */
    IPV4_TTL_EXPIRED(2029, Layer.IP, "IPv4 TTL 0"),
    /** No transport for the protocol number (answered with protocol unreachable). */
    IPV4_UNKNOWN_PROTOCOL(2030, Layer.IP, "IPv4 protocol not supported"),
    /** A fragment overlapping another of the same datagram: the whole datagram is dropped. */
    IPV4_FRAGMENT_OVERLAP(2031, Layer.IP, "IPv4 fragment overlaps another"),
    /** An exact copy of a fragment already held. */
    IPV4_FRAGMENT_DUPLICATE(2032, Layer.IP, "IPv4 fragment duplicate"),
    /** A fragment that would make the datagram larger than 65,535 bytes. */
    IPV4_REASSEMBLY_TOO_LARGE(2033, Layer.IP, "IPv4 reassembly past 65535 bytes"),
    /** Fragments freed because their datagram did not complete in time. */
    IPV4_REASSEMBLY_TIMEOUT(2034, Layer.IP, "IPv4 reassembly timed out"),
    /** A fragment refused because pending fragments hit the memory limit. */
    IPV4_REASSEMBLY_MEMORY_LIMIT(2035, Layer.IP, "IPv4 reassembly memory limit"),
    /** Outgoing datagram with no route to its destination. */
    IPV4_NO_ROUTE(2036, Layer.IP, "IPv4 no route (outgoing)"),
    /** Outgoing datagram larger than the path MTU with DF set. */
    IPV4_TOO_BIG_DONT_FRAGMENT(2037, Layer.IP, "IPv4 too big with DF (outgoing)"),
    /** ARP packet whose target address is not ours (normal on a shared link, counted all the same). */
    ARP_NOT_FOR_US(2038, Layer.IP, "ARP target not ours"),
    /** ARP with a broadcast/multicast sender MAC or a sender claiming one of our addresses. */
    ARP_BAD_SENDER(2039, Layer.IP, "ARP sender invalid or conflicting"),
    /** Packet held for ARP dropped because its neighbour never answered. */
    ARP_RESOLUTION_FAILED(2040, Layer.IP, "ARP resolution failed"),
    /** Packet not held because its neighbour's queue was full. */
    ARP_HOLD_QUEUE_FULL(2041, Layer.IP, "ARP hold queue full"),
    /** ICMP type we do not act on. */
    ICMP_UNHANDLED_TYPE(2042, Layer.IP, "ICMP type not handled"),
    /** ICMP error whose quote is too short or names a flow no transport owns. */
    ICMP_ERROR_UNMATCHED(2043, Layer.IP, "ICMP error for unknown flow"),
    /** Echo reply matching no outstanding ping. */
    ICMP_ECHO_REPLY_UNMATCHED(2044, Layer.IP, "ICMP echo reply unmatched"),

    // ---- UDP ---------------------------------------------------------------------------------------------------
    /** Shorter than the 8-byte UDP header. */
    UDP_TRUNCATED(2045, Layer.UDP, "UDP shorter than its header"),
    /** Length field below 8 or past the IP payload. */
    UDP_BAD_LENGTH(2046, Layer.UDP, "UDP length invalid"),
    /** Non-zero checksum that does not verify. */
    UDP_BAD_CHECKSUM(2047, Layer.UDP, "UDP checksum mismatch"),
    /** No socket bound to the destination port (answered with port unreachable). */
    UDP_NO_SOCKET(2048, Layer.UDP, "UDP no socket on port"),
    /** The socket's receive queue was full. */
    UDP_RECEIVE_QUEUE_FULL(2049, Layer.UDP, "UDP socket receive queue full"),
    /** A datagram from another peer than the one a connected socket is connected to. */
    UDP_NOT_FROM_PEER(2050, Layer.UDP, "UDP datagram not from connected peer"),

    // ---- TCP ---------------------------------------------------------------------------------------------------
    /** Shorter than the 20-byte TCP header. */
    TCP_TRUNCATED(2051, Layer.TCP, "TCP shorter than its header"),
    /** Data offset below 5 words or past the segment end. */
    TCP_BAD_DATA_OFFSET(2052, Layer.TCP, "TCP data offset invalid"),
    /** An option of length 0 or 1, past the header end, or a known option with the wrong length. */
    TCP_BAD_OPTION(2053, Layer.TCP, "TCP option malformed"),
    /** Checksum over the pseudo-header and segment does not verify (RFC 9293 §3.1). */
    TCP_BAD_CHECKSUM(2054, Layer.TCP, "TCP checksum mismatch"),
    /** No connection and no listener for the segment (answered with RST unless it was one, RFC 9293 §3.10.7.1). */
    TCP_NO_CONNECTION(2055, Layer.TCP, "TCP no connection (RST sent)"),
    /** A listener got something other than a SYN (RFC 9293 §3.10.7.2: RST ignored, ACK answered with RST). */
    TCP_LISTEN_NOT_SYN(2056, Layer.TCP, "TCP non-SYN segment to a listener"),
    /** A SYN found the listener's backlog full (or no free control block). */
    TCP_LISTEN_OVERFLOW(2057, Layer.TCP, "TCP listen backlog full"),
    /** SYN-SENT: an unacceptable ACK, a RST without ACK, or neither SYN nor RST (RFC 9293 §3.10.7.3). */
    TCP_SYN_SENT_BAD_ACK(2058, Layer.TCP, "TCP unacceptable segment in SYN-SENT"),
    /** Failed the sequence acceptability test (RFC 9293 §3.10.7.4 "first"; answered with an ACK unless RST). */
    TCP_OUT_OF_WINDOW(2059, Layer.TCP, "TCP segment outside the receive window"),
    /** In-window RST not exactly at RCV.NXT: challenge ACK instead (RFC 5961 §3.2). */
    TCP_RST_CHALLENGED(2060, Layer.TCP, "TCP RST not at RCV.NXT (challenge ACK)"),
    /** SYN on a synchronized connection: challenge ACK instead (RFC 5961 §4.2). */
    TCP_SYN_CHALLENGED(2061, Layer.TCP, "TCP SYN on synchronized connection (challenge ACK)"),
    /** ACK outside [SND.UNA - MAX.SND.WND, SND.NXT] (RFC 5961 §5.2), or unacceptable in SYN-RECEIVED (RST sent). */
    TCP_ACK_OUT_OF_RANGE(2062, Layer.TCP, "TCP ACK outside acceptable range"),
    /** No ACK flag on a synchronized connection (RFC 9293 §3.10.7.4 "fifth"). */
    TCP_NO_ACK(2063, Layer.TCP, "TCP segment without ACK on synchronized connection"),
    /** Out-of-order text needing more ranges than the receive buffer tracks; the peer retransmits. */
    TCP_RECEIVE_RANGES_FULL(2064, Layer.TCP, "TCP out-of-order ranges full"),
    /** RFC 7323 §5.3 R1 (PAWS): the segment's TSval is older than TS.Recent (an old duplicate); an ACK answers. */
    TCP_PAWS_REJECTED(2065, Layer.TCP, "TCP timestamp older than TS.Recent (PAWS)"),

    // ---- appended after the ids were frozen: any layer, the next id, at the end (see the class javadoc) --------
    /** A packet for a new neighbour found the cache full of static and still-asking entries (none evictable). */
    ARP_CACHE_FULL(2066, Layer.IP, "ARP neighbour cache full"),
    /**
     * A frame to cut into segments (TCP segmentation offload) reached a link endpoint that cannot cut it: it has no
     * offload, the frame exceeds its limit, it is not a TCP/IPv4 frame without options, or its segments would exceed
     * the MTU. IPv4 checks all that first, so this means a bug above; TCP resends the data.
     */
    LINK_SEGMENTATION_UNSUPPORTED(2067, Layer.LINK, "segmented frame the link endpoint cannot cut"),
    ;

    private final int typeId;
    private final Layer layer;
    private final String label;

    DropReason(final int typeId, final Layer layer, final String label)
    {
        this.typeId = typeId;
        this.layer = layer;
        this.label = label;
    }

    /** The layer that drops for this reason. */
    public Layer layer()
    {
        return layer;
    }

    /** Human-readable label, as {@code ustack stat} prints it. */
    public String label()
    {
        return label;
    }

    /** Type id recorded with the counter in the counters file: stable across versions (see the class javadoc). */
    public int typeId()
    {
        return typeId;
    }
}
