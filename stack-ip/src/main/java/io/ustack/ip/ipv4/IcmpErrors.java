package io.ustack.ip.ipv4;

/**
 * Sends ICMP error messages about a received datagram, following RFC 1122 §3.2.2: never about an ICMP error, a
 * datagram to a broadcast or multicast address, a non-initial fragment, or from a source that is not a unicast
 * host; and rate-limited. Network-agent thread only.
 */
public interface IcmpErrors
{
    /** Destination unreachable (type 3) codes of RFC 792 / RFC 1122. */
    int CODE_NET_UNREACHABLE = 0;
    /** Host unreachable. */
    int CODE_HOST_UNREACHABLE = 1;
    /** Protocol unreachable. */
    int CODE_PROTOCOL_UNREACHABLE = 2;
    /** Port unreachable. */
    int CODE_PORT_UNREACHABLE = 3;
    /** Fragmentation needed and DF set (RFC 1191: info is the next-hop MTU). */
    int CODE_FRAGMENTATION_NEEDED = 4;

    /**
     * Answers {@code original} with destination unreachable of {@code code}.
     *
     * @return whether a message was sent (false when the rules or the rate limit forbid it)
     */
    boolean destinationUnreachable(int code, int info, ReceivedDatagram original, long nowNs);

    /**
     * Answers {@code original} with time exceeded (type 11) of {@code code} (0 TTL, 1 reassembly).
     *
     * @return whether a message was sent
     */
    boolean timeExceeded(int code, ReceivedDatagram original, long nowNs);

    /**
     * Answers {@code original} with parameter problem (type 12), {@code pointer} at the bad octet.
     *
     * @return whether a message was sent
     */
    boolean parameterProblem(int pointer, ReceivedDatagram original, long nowNs);
}
