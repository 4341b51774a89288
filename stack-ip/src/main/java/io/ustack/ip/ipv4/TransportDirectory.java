package io.ustack.ip.ipv4;

/**
 * What the ICMP module needs from the IPv4 module to act on a received error: who owns the quoted protocol, and
 * where to record a smaller path MTU (RFC 1191). Network-agent thread only.
 */
public interface TransportDirectory
{
    /** The transport registered for {@code protocol}, or null. */
    TransportProtocol transportFor(int protocol);

    /**
     * Records that datagrams to {@code destination} must not exceed {@code mtu} bytes (from an ICMP
     * fragmentation-needed). Values below 68 (RFC 791) or above the route MTU are ignored; the entry ages out.
     */
    void learnPathMtu(int destination, int mtu, long nowNs);
}
