package io.ustack.api.counter;

/**
 * Every reason a stack refuses a frame, packet, segment or descriptor. Each dropped unit increments exactly one of
 * these (TESTING.md; DESIGN.md "Observability"). Grouped by layer; a layer adds its reasons in its own section.
 */
public enum DropReason
{
    // ---- link --------------------------------------------------------------------------------------------------
    /** Shorter than the 14-byte Ethernet II header. */
    LINK_FRAME_TOO_SHORT(Layer.LINK, "frame shorter than an Ethernet header"),
    /** Longer than the MTU plus the link header, or than a packet buffer. */
    LINK_FRAME_TOO_LONG(Layer.LINK, "frame longer than MTU plus link header"),
    /** The frame check sequence did not match (corruption on the wire), as a NIC drops it. */
    LINK_BAD_FCS(Layer.LINK, "frame check sequence mismatch"),
    /** Destination MAC is neither ours, broadcast, nor a multicast group we joined. */
    LINK_NOT_FOR_US(Layer.LINK, "destination MAC not ours"),
    /** EtherType with no protocol handler (and 802.3 length frames). */
    LINK_UNKNOWN_ETHERTYPE(Layer.LINK, "no handler for EtherType"),
    /** The endpoint refused a frame for transmission (TX ring or wire queue full). */
    LINK_TX_REFUSED(Layer.LINK, "endpoint refused frame for transmission"),
    /** The kernel delivered a frame whose transport checksum is not filled in yet (the peer left offloads on). */
    LINK_CHECKSUM_PARTIAL(Layer.LINK, "frame with partial checksum (peer offload)"),
    /** The receive ring held only part of the frame (larger than a ring slot, e.g. a GSO/GRO super-frame). */
    LINK_TRUNCATED_BY_RING(Layer.LINK, "frame truncated by the receive ring"),

    // ---- plumbing between layers -------------------------------------------------------------------------------
    /** No free packet buffer to receive a frame into. */
    POOL_EXHAUSTED_RX(Layer.PLUMBING, "no free packet buffer for a received frame"),
    /** No free packet buffer to build an outgoing packet in. */
    POOL_EXHAUSTED_TX(Layer.PLUMBING, "no free packet buffer for an outgoing packet"),
    /** The ring from link to network agent was full. */
    RING_FULL_UP(Layer.PLUMBING, "ring link->network full"),
    /** The ring from network to link agent was full. */
    RING_FULL_DOWN(Layer.PLUMBING, "ring network->link full"),
    /** A descriptor still queued when the stack closed without draining. */
    SHUTDOWN_DISCARDED(Layer.PLUMBING, "discarded at shutdown"),
    /** The ring from the network agent to a transport's own agent (TCP) was full. */
    RING_FULL_TO_TRANSPORT(Layer.PLUMBING, "ring network->transport full"),
    /** The ring from a transport's own agent (TCP) to the network agent was full. */
    RING_FULL_FROM_TRANSPORT(Layer.PLUMBING, "ring transport->network full"),
    /** A datagram for a transport on its own agent was larger than a packet buffer (a reassembled one). */
    HANDOFF_TOO_LARGE(Layer.PLUMBING, "datagram larger than a packet buffer for the transport agent"),

    // ---- IPv4 / ARP / ICMP -------------------------------------------------------------------------------------
    /** Shorter than a 20-byte IPv4 header. */
    IPV4_TRUNCATED(Layer.IP, "IPv4 shorter than its header"),
    /** Version field is not 4. */
    IPV4_BAD_VERSION(Layer.IP, "IPv4 version not 4"),
    /** IHL below 5 words or past the packet end. */
    IPV4_BAD_HEADER_LENGTH(Layer.IP, "IPv4 header length invalid"),
    /** Total length smaller than the header or larger than the frame. */
    IPV4_BAD_TOTAL_LENGTH(Layer.IP, "IPv4 total length invalid"),
    /** Header checksum mismatch. */
    IPV4_BAD_CHECKSUM(Layer.IP, "IPv4 header checksum mismatch"),
    /** An option whose length is 0, 1 or runs past the header. */
    IPV4_BAD_OPTIONS(Layer.IP, "IPv4 options malformed"),
    /** Shorter than the 28-byte Ethernet/IPv4 ARP body. */
    ARP_TRUNCATED(Layer.IP, "ARP shorter than its body"),
    /** Hardware or protocol type/length other than Ethernet/IPv4. */
    ARP_UNSUPPORTED_FORMAT(Layer.IP, "ARP not Ethernet/IPv4"),
    /** Operation other than request (1) or reply (2). */
    ARP_BAD_OPERATION(Layer.IP, "ARP operation unknown"),
    /** Shorter than the 8-byte ICMP header, or than the message type needs. */
    ICMP_TRUNCATED(Layer.IP, "ICMP shorter than its header"),
    /** ICMP checksum mismatch. */
    ICMP_BAD_CHECKSUM(Layer.IP, "ICMP checksum mismatch"),
    /** Destination is none of our addresses nor a broadcast we accept (we do not forward). */
    IPV4_NOT_FOR_US(Layer.IP, "IPv4 destination not ours"),
    /** Source is a broadcast, multicast, loopback or our own address (RFC 1122 §3.2.1.3). */
    IPV4_BAD_SOURCE(Layer.IP, "IPv4 source address invalid"),
    /** TTL of 0 on arrival. */
    IPV4_TTL_EXPIRED(Layer.IP, "IPv4 TTL 0"),
    /** No transport for the protocol number (answered with protocol unreachable). */
    IPV4_UNKNOWN_PROTOCOL(Layer.IP, "IPv4 protocol not supported"),
    /** A fragment overlapping another of the same datagram: the whole datagram is dropped. */
    IPV4_FRAGMENT_OVERLAP(Layer.IP, "IPv4 fragment overlaps another"),
    /** An exact copy of a fragment already held. */
    IPV4_FRAGMENT_DUPLICATE(Layer.IP, "IPv4 fragment duplicate"),
    /** A fragment that would make the datagram larger than 65,535 bytes. */
    IPV4_REASSEMBLY_TOO_LARGE(Layer.IP, "IPv4 reassembly past 65535 bytes"),
    /** Fragments freed because their datagram did not complete in time. */
    IPV4_REASSEMBLY_TIMEOUT(Layer.IP, "IPv4 reassembly timed out"),
    /** A fragment refused because pending fragments hit the memory limit. */
    IPV4_REASSEMBLY_MEMORY_LIMIT(Layer.IP, "IPv4 reassembly memory limit"),
    /** Outgoing datagram with no route to its destination. */
    IPV4_NO_ROUTE(Layer.IP, "IPv4 no route (outgoing)"),
    /** Outgoing datagram larger than the path MTU with DF set. */
    IPV4_TOO_BIG_DONT_FRAGMENT(Layer.IP, "IPv4 too big with DF (outgoing)"),
    /** ARP packet whose target address is not ours (normal on a shared link, counted all the same). */
    ARP_NOT_FOR_US(Layer.IP, "ARP target not ours"),
    /** ARP with a broadcast/multicast sender MAC or a sender claiming one of our addresses. */
    ARP_BAD_SENDER(Layer.IP, "ARP sender invalid or conflicting"),
    /** Packet held for ARP dropped because its neighbour never answered. */
    ARP_RESOLUTION_FAILED(Layer.IP, "ARP resolution failed"),
    /** Packet not held because its neighbour's queue was full. */
    ARP_HOLD_QUEUE_FULL(Layer.IP, "ARP hold queue full"),
    /** ICMP type we do not act on. */
    ICMP_UNHANDLED_TYPE(Layer.IP, "ICMP type not handled"),
    /** ICMP error whose quote is too short or names a flow no transport owns. */
    ICMP_ERROR_UNMATCHED(Layer.IP, "ICMP error for unknown flow"),
    /** Echo reply matching no outstanding ping. */
    ICMP_ECHO_REPLY_UNMATCHED(Layer.IP, "ICMP echo reply unmatched"),

    // ---- UDP ---------------------------------------------------------------------------------------------------
    /** Shorter than the 8-byte UDP header. */
    UDP_TRUNCATED(Layer.UDP, "UDP shorter than its header"),
    /** Length field below 8 or past the IP payload. */
    UDP_BAD_LENGTH(Layer.UDP, "UDP length invalid"),
    /** Non-zero checksum that does not verify. */
    UDP_BAD_CHECKSUM(Layer.UDP, "UDP checksum mismatch"),
    /** No socket bound to the destination port (answered with port unreachable). */
    UDP_NO_SOCKET(Layer.UDP, "UDP no socket on port"),
    /** The socket's receive queue was full. */
    UDP_RECEIVE_QUEUE_FULL(Layer.UDP, "UDP socket receive queue full"),
    /** A datagram from another peer than the one a connected socket is connected to. */
    UDP_NOT_FROM_PEER(Layer.UDP, "UDP datagram not from connected peer"),

    // ---- TCP ---------------------------------------------------------------------------------------------------
    /** Shorter than the 20-byte TCP header. */
    TCP_TRUNCATED(Layer.TCP, "TCP shorter than its header"),
    /** Data offset below 5 words or past the segment end. */
    TCP_BAD_DATA_OFFSET(Layer.TCP, "TCP data offset invalid"),
    /** An option of length 0 or 1, past the header end, or a known option with the wrong length. */
    TCP_BAD_OPTION(Layer.TCP, "TCP option malformed"),
    /** Checksum over the pseudo-header and segment does not verify (RFC 9293 §3.1). */
    TCP_BAD_CHECKSUM(Layer.TCP, "TCP checksum mismatch"),
    /** No connection and no listener for the segment (answered with RST unless it was one, RFC 9293 §3.10.7.1). */
    TCP_NO_CONNECTION(Layer.TCP, "TCP no connection (RST sent)"),
    /** A listener got something other than a SYN (RFC 9293 §3.10.7.2: RST ignored, ACK answered with RST). */
    TCP_LISTEN_NOT_SYN(Layer.TCP, "TCP non-SYN segment to a listener"),
    /** A SYN found the listener's backlog full (or no free control block). */
    TCP_LISTEN_OVERFLOW(Layer.TCP, "TCP listen backlog full"),
    /** SYN-SENT: an unacceptable ACK, a RST without ACK, or neither SYN nor RST (RFC 9293 §3.10.7.3). */
    TCP_SYN_SENT_BAD_ACK(Layer.TCP, "TCP unacceptable segment in SYN-SENT"),
    /** Failed the sequence acceptability test (RFC 9293 §3.10.7.4 "first"; answered with an ACK unless RST). */
    TCP_OUT_OF_WINDOW(Layer.TCP, "TCP segment outside the receive window"),
    /** In-window RST not exactly at RCV.NXT: challenge ACK instead (RFC 5961 §3.2). */
    TCP_RST_CHALLENGED(Layer.TCP, "TCP RST not at RCV.NXT (challenge ACK)"),
    /** SYN on a synchronized connection: challenge ACK instead (RFC 5961 §4.2). */
    TCP_SYN_CHALLENGED(Layer.TCP, "TCP SYN on synchronized connection (challenge ACK)"),
    /** ACK outside [SND.UNA - MAX.SND.WND, SND.NXT] (RFC 5961 §5.2), or unacceptable in SYN-RECEIVED (RST sent). */
    TCP_ACK_OUT_OF_RANGE(Layer.TCP, "TCP ACK outside acceptable range"),
    /** No ACK flag on a synchronized connection (RFC 9293 §3.10.7.4 "fifth"). */
    TCP_NO_ACK(Layer.TCP, "TCP segment without ACK on synchronized connection"),
    /** Out-of-order text needing more ranges than the receive buffer tracks; the peer retransmits. */
    TCP_RECEIVE_RANGES_FULL(Layer.TCP, "TCP out-of-order ranges full"),
    /** RFC 7323 §5.3 R1 (PAWS): the segment's TSval is older than TS.Recent (an old duplicate); an ACK answers. */
    TCP_PAWS_REJECTED(Layer.TCP, "TCP timestamp older than TS.Recent (PAWS)");

    private final Layer layer;
    private final String label;

    DropReason(final Layer layer, final String label)
    {
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

    /** Type id recorded with the counter in the counters file. */
    public int typeId()
    {
        return 2000 + ordinal();
    }
}
