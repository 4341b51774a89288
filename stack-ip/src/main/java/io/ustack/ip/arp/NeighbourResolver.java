package io.ustack.ip.arp;

/**
 * Turns a next-hop IPv4 address into a MAC address (RFC 826), holding packets while it asks. Implemented by the ARP
 * module, used by the IPv4 module; network-agent thread only.
 */
public interface NeighbourResolver
{
    /** {@link #resolveOrHold} result: the packet is held until the neighbour answers (or the resolver gives up). */
    long HELD = -1;
    /** {@link #resolveOrHold} result: the packet could not be held (its queue or the cache is full); freed, counted. */
    long DROPPED = -2;

    /**
     * The MAC of {@code nextHop} on interface {@code interfaceIndex} (48 bits, so never negative), or, when it is not
     * known yet, {@link #HELD} or {@link #DROPPED}. On either of those the resolver has taken the packet (a complete
     * frame in {@code bufferId} at offset 0, {@code frameLength} bytes, its destination MAC still to fill): it sends
     * a held one when the answer comes, or gives it to the {@link UnresolvedPacketHandler} when it gives up; a
     * dropped one is already freed and counted. Broadcast next hops resolve to ff:ff:ff:ff:ff:ff at once.
     */
    long resolveOrHold(int interfaceIndex, int nextHop, int bufferId, int frameLength, long nowNs);

    /** {@link #knownMac} result: the neighbour's MAC is not known now. */
    long UNKNOWN = -3;

    /**
     * The MAC of {@code nextHop} on interface {@code interfaceIndex} if it is known now, else {@link #UNKNOWN};
     * never takes a packet and never starts a resolution (a caller that gets {@link #UNKNOWN} sends its packets
     * through {@link #resolveOrHold}, which does). For a frame that cannot wait in a neighbour's queue, as one the
     * link device cuts into segments.
     */
    long knownMac(int interfaceIndex, int nextHop, long nowNs);

    /** Tells the resolver who takes packets it could not deliver; set once at assembly. */
    void onUnresolved(UnresolvedPacketHandler handler);
}
