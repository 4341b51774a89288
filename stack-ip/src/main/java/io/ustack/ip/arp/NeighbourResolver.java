package io.ustack.ip.arp;

/**
 * Turns a next-hop IPv4 address into a MAC address (RFC 826), holding packets while it asks. Implemented by the ARP
 * module, used by the IPv4 module; network-agent thread only.
 */
public interface NeighbourResolver
{
    /**
     * The MAC of {@code nextHop} on interface {@code interfaceIndex}, or -1 when it is not known yet: then the
     * resolver takes the packet (a complete frame in {@code bufferId} at offset 0, {@code frameLength} bytes, its
     * destination MAC still to fill) and sends it when the answer comes, or gives it to the
     * {@link UnresolvedPacketHandler} when it gives up. Broadcast next hops resolve to ff:ff:ff:ff:ff:ff at once.
     */
    long resolveOrHold(int interfaceIndex, int nextHop, int bufferId, int frameLength, long nowNs);

    /** Tells the resolver who takes packets it could not deliver; set once at assembly. */
    void onUnresolved(UnresolvedPacketHandler handler);
}
