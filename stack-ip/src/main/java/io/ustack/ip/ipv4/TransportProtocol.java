package io.ustack.ip.ipv4;

/**
 * A protocol carried in IPv4 (ICMP, UDP, TCP), hosted by the IPv4 module on the network agent's thread.
 * Everything here is called on that thread.
 */
public interface TransportProtocol
{
    /** The IPv4 protocol number (RFC 790 / IANA): 1 ICMP, 6 TCP, 17 UDP. */
    int protocolNumber();

    /**
     * Called once when the stack is assembled.
     *
     * @param sender     the way datagrams leave
     * @param icmpErrors how to answer a datagram with an ICMP error
     */
    void onAttach(Ipv4Sender sender, IcmpErrors icmpErrors);

    /**
     * One datagram for this protocol, reassembled if it came in fragments. The view is only valid during the call.
     */
    void onDatagram(ReceivedDatagram datagram, long nowNs);

    /**
     * An ICMP error (received from the network, or made up locally, e.g. when ARP finds no one) about a datagram
     * this protocol sent (RFC 1122 §3.2.2, RFC 5927).
     *
     * @param icmpType      3 destination unreachable, 11 time exceeded, 12 parameter problem, ...
     * @param icmpCode      the code
     * @param info          next-hop MTU for fragmentation needed (3/4), pointer for parameter problem, else 0
     * @param quoted        the quoted original: its IPv4 header followed by at least 8 bytes of its payload
     */
    void onIcmpError(int icmpType, int icmpCode, int info, ReceivedDatagram quoted, long nowNs);

    /**
     * A duty cycle: send what applications queued, run timers.
     *
     * @return work done, 0 when idle
     */
    int doWork(long nowNs);
}
