package io.ustack.ip.arp;

/** Takes a held packet whose next hop never answered ARP; it must free the buffer. */
@FunctionalInterface
public interface UnresolvedPacketHandler
{
    /**
     * @param bufferId    the packet buffer, holding the frame at offset 0
     * @param frameLength its length
     */
    void onUnresolved(int bufferId, int frameLength, long nowNs);
}
