package io.ustack.api.counter;

/**
 * Traffic counters of one stack: what moved, as opposed to {@link DropReason}, what was refused.
 *
 * <p>Each counter has a single writer, the agent of its layer, so it is updated with release stores rather than
 * atomic adds; readers (such as {@code ustack stat} mapping the counters file) see monotonic values.
 */
public enum CounterDescriptor
{
    /** Frames the link endpoint delivered to the stack. */
    FRAMES_RECEIVED(Layer.LINK, "frames received"),
    /** Bytes of those frames (Ethernet header onwards, no FCS). */
    BYTES_RECEIVED(Layer.LINK, "bytes received"),
    /** Frames the stack handed to the link endpoint. */
    FRAMES_SENT(Layer.LINK, "frames sent"),
    /** Bytes of those frames. */
    BYTES_SENT(Layer.LINK, "bytes sent"),
    /** Frames that passed Ethernet checks and went to a protocol handler. */
    FRAMES_DISPATCHED(Layer.LINK, "frames dispatched to a protocol"),
    /** Descriptors passed down from the network agent to the link agent. */
    DESCRIPTORS_DOWN(Layer.PLUMBING, "descriptors network->link"),
    /** Descriptors passed up from the link agent to the network agent. */
    DESCRIPTORS_UP(Layer.PLUMBING, "descriptors link->network"),
    /** IPv4 datagrams delivered to a transport (after reassembly). */
    IPV4_DELIVERED(Layer.IP, "IPv4 datagrams delivered"),
    /** IPv4 datagrams sent (before fragmentation). */
    IPV4_SENT(Layer.IP, "IPv4 datagrams sent"),
    /** Fragments made from outgoing datagrams. */
    IPV4_FRAGMENTS_SENT(Layer.IP, "IPv4 fragments sent"),
    /** Datagrams completed from fragments. */
    IPV4_REASSEMBLED(Layer.IP, "IPv4 datagrams reassembled"),
    /** ARP requests sent (including gratuitous). */
    ARP_REQUESTS_SENT(Layer.IP, "ARP requests sent"),
    /** ARP replies sent. */
    ARP_REPLIES_SENT(Layer.IP, "ARP replies sent"),
    /** ICMP echo replies sent. */
    ICMP_ECHO_REPLIES_SENT(Layer.IP, "ICMP echo replies sent"),
    /** ICMP errors sent. */
    ICMP_ERRORS_SENT(Layer.IP, "ICMP errors sent"),
    /** ICMP errors not sent because of the rate limit. */
    ICMP_ERRORS_RATE_LIMITED(Layer.IP, "ICMP errors suppressed by rate limit"),
    /** ICMP errors received and handed to a transport. */
    ICMP_ERRORS_RECEIVED(Layer.IP, "ICMP errors received"),
    /** UDP datagrams queued to sockets. */
    UDP_DELIVERED(Layer.UDP, "UDP datagrams delivered"),
    /** UDP datagrams sent. */
    UDP_SENT(Layer.UDP, "UDP datagrams sent"),
    /** TCP segments that passed header and checksum checks. */
    TCP_SEGMENTS_RECEIVED(Layer.TCP, "TCP segments received"),
    /** TCP segments sent (RSTs included). */
    TCP_SEGMENTS_SENT(Layer.TCP, "TCP segments sent"),
    /** TCP segments sent again (RTO, fast retransmit, SYN retries). */
    TCP_RETRANSMITS(Layer.TCP, "TCP segments retransmitted"),
    /** Fast retransmits on the third duplicate ACK (RFC 5681 §3.2). */
    TCP_FAST_RETRANSMITS(Layer.TCP, "TCP fast retransmits"),
    /** Retransmission timer expiries on synchronized connections. */
    TCP_RETRANSMIT_TIMEOUTS(Layer.TCP, "TCP retransmission timeouts"),
    /** Connections aborted because retransmissions or probes ran out (R2). */
    TCP_TIMEOUT_ABORTS(Layer.TCP, "TCP connections timed out"),
    /** RST segments sent. */
    TCP_RESETS_SENT(Layer.TCP, "TCP resets sent"),
    /** Acceptable RSTs received. */
    TCP_RESETS_RECEIVED(Layer.TCP, "TCP resets received"),
    /** Challenge ACKs sent (RFC 5961). */
    TCP_CHALLENGE_ACKS_SENT(Layer.TCP, "TCP challenge ACKs sent"),
    /** Challenge ACKs not sent because of the rate limit (RFC 5961 §7). */
    TCP_CHALLENGE_ACKS_SUPPRESSED(Layer.TCP, "TCP challenge ACKs suppressed by rate limit"),
    /** Active opens (SYN sent). */
    TCP_ACTIVE_OPENS(Layer.TCP, "TCP active opens"),
    /** Passive opens (SYN received on a listener). */
    TCP_PASSIVE_OPENS(Layer.TCP, "TCP passive opens");

    private final Layer layer;
    private final String label;

    CounterDescriptor(final Layer layer, final String label)
    {
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

    /** Type id recorded with the counter in the counters file. */
    public int typeId()
    {
        return 1000 + ordinal();
    }
}
