package io.ustack.api.counter;

/**
 * Traffic counters of one stack: what moved, as opposed to {@link DropReason}, what was refused.
 *
 * <p>Each counter has a single writer, the agent of its layer, so it is updated with release stores rather than
 * atomic adds; readers (such as {@code ustack stat} mapping the counters file) see monotonic values.
 *
 * <p>Each counter carries a stable {@link #typeId()}, so a number in the counters file means the same counter in
 * every version. The rule is {@link DropReason}'s: append only, with the next id (one above the highest in use);
 * never insert, reorder, remove or renumber; a counter no longer written stays, documented as retired.
 * {@code CounterDescriptorIdsTest} freezes the ids and fails on any such change.
 */
public enum CounterDescriptor
{
    /** Frames the link endpoint delivered to the stack. */
    FRAMES_RECEIVED(1000, Layer.LINK, "frames received"),
    /** Bytes of those frames (Ethernet header onwards, no FCS). */
    BYTES_RECEIVED(1001, Layer.LINK, "bytes received"),
    /** Frames the stack handed to the link endpoint. */
    FRAMES_SENT(1002, Layer.LINK, "frames sent"),
    /** Bytes of those frames. */
    BYTES_SENT(1003, Layer.LINK, "bytes sent"),
    /** Frames that passed Ethernet checks and went to a protocol handler. */
    FRAMES_DISPATCHED(1004, Layer.LINK, "frames dispatched to a protocol"),
    /** Descriptors passed down from the network agent to the link agent. */
    DESCRIPTORS_DOWN(1005, Layer.PLUMBING, "descriptors network->link"),
    /** Descriptors passed up from the link agent to the network agent. */
    DESCRIPTORS_UP(1006, Layer.PLUMBING, "descriptors link->network"),
    /** IPv4 datagrams delivered to a transport (after reassembly). */
    IPV4_DELIVERED(1007, Layer.IP, "IPv4 datagrams delivered"),
    /** IPv4 datagrams sent (before fragmentation). */
    IPV4_SENT(1008, Layer.IP, "IPv4 datagrams sent"),
    /** Fragments made from outgoing datagrams. */
    IPV4_FRAGMENTS_SENT(1009, Layer.IP, "IPv4 fragments sent"),
    /** Datagrams completed from fragments. */
    IPV4_REASSEMBLED(1010, Layer.IP, "IPv4 datagrams reassembled"),
    /** ARP requests sent (including gratuitous). */
    ARP_REQUESTS_SENT(1011, Layer.IP, "ARP requests sent"),
    /** ARP replies sent. */
    ARP_REPLIES_SENT(1012, Layer.IP, "ARP replies sent"),
    /** ICMP echo replies sent. */
    ICMP_ECHO_REPLIES_SENT(1013, Layer.IP, "ICMP echo replies sent"),
    /** ICMP errors sent. */
    ICMP_ERRORS_SENT(1014, Layer.IP, "ICMP errors sent"),
    /** ICMP errors not sent because of the rate limit. */
    ICMP_ERRORS_RATE_LIMITED(1015, Layer.IP, "ICMP errors suppressed by rate limit"),
    /** ICMP errors received and handed to a transport. */
    ICMP_ERRORS_RECEIVED(1016, Layer.IP, "ICMP errors received"),
    /** UDP datagrams queued to sockets. */
    UDP_DELIVERED(1017, Layer.UDP, "UDP datagrams delivered"),
    /** UDP datagrams sent. */
    UDP_SENT(1018, Layer.UDP, "UDP datagrams sent"),
    /** TCP segments that passed header and checksum checks. */
    TCP_SEGMENTS_RECEIVED(1019, Layer.TCP, "TCP segments received"),
    /** TCP segments sent (RSTs included). */
    TCP_SEGMENTS_SENT(1020, Layer.TCP, "TCP segments sent"),
    /** TCP segments sent again (RTO, fast retransmit, SYN retries). */
    TCP_RETRANSMITS(1021, Layer.TCP, "TCP segments retransmitted"),
    /** Fast retransmits on the third duplicate ACK (RFC 5681 §3.2). */
    TCP_FAST_RETRANSMITS(1022, Layer.TCP, "TCP fast retransmits"),
    /** Retransmission timer expiries on synchronized connections. */
    TCP_RETRANSMIT_TIMEOUTS(1023, Layer.TCP, "TCP retransmission timeouts"),
    /** Connections aborted because retransmissions or probes ran out (R2). */
    TCP_TIMEOUT_ABORTS(1024, Layer.TCP, "TCP connections timed out"),
    /** RST segments sent. */
    TCP_RESETS_SENT(1025, Layer.TCP, "TCP resets sent"),
    /** Acceptable RSTs received. */
    TCP_RESETS_RECEIVED(1026, Layer.TCP, "TCP resets received"),
    /** Challenge ACKs sent (RFC 5961). */
    TCP_CHALLENGE_ACKS_SENT(1027, Layer.TCP, "TCP challenge ACKs sent"),
    /** Challenge ACKs not sent because of the rate limit (RFC 5961 §7). */
    TCP_CHALLENGE_ACKS_SUPPRESSED(1028, Layer.TCP, "TCP challenge ACKs suppressed by rate limit"),
    /** Active opens (SYN sent). */
    TCP_ACTIVE_OPENS(1029, Layer.TCP, "TCP active opens"),
    /** Passive opens (SYN received on a listener). */
    TCP_PASSIVE_OPENS(1030, Layer.TCP, "TCP passive opens"),
    /** Frames the endpoint refused (TX ring or wire queue full), held by the link agent and offered again. */
    LINK_TX_HELD(1031, Layer.LINK, "frames held: endpoint refused, offered again"),
    /** Segments TCP held back because the queues below were full; they go when room returns, nothing is lost. */
    TCP_OUTPUT_DEFERRED(1032, Layer.TCP, "TCP segments deferred: no room below"),
    /** Frames handed to the link endpoint for its device to cut into segments (each also one of FRAMES_SENT). */
    LINK_SEGMENTED_FRAMES_SENT(1033, Layer.LINK, "frames sent for the device to cut into segments"),
    /** Large TCP datagrams IPv4 handed to the link for the device to cut into segments (segmentation offload). */
    IPV4_SEGMENTED_SENT(1034, Layer.IP, "IPv4 datagrams handed to the device to cut"),
    /** Large TCP datagrams IPv4 cut into segments itself, the device being unable to (generic segmentation offload). */
    IPV4_SEGMENTED_SOFTWARE(1035, Layer.IP, "IPv4 datagrams cut into segments in software");

    private final int typeId;
    private final Layer layer;
    private final String label;

    CounterDescriptor(final int typeId, final Layer layer, final String label)
    {
        this.typeId = typeId;
        this.layer = layer;
        this.label = label;
    }

    /** The layer that writes this counter. */
    public Layer layer()
    {
        return layer;
    }

    /** Human-readable label, as {@code ustack stat} prints it. */
    public String label()
    {
        return label;
    }

    /** Type id recorded with the counter in the counters file: stable across versions (see the class comment). */
    public int typeId()
    {
        return typeId;
    }
}
