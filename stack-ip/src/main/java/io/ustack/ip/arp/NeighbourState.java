package io.ustack.ip.arp;

/**
 * The life of a neighbour cache entry (RFC 826; RFC 1122 §2.3.2.1 for cache validation).
 *
 * <pre>
 *   (miss) --request--> INCOMPLETE --reply--> REACHABLE --lifetime--> STALE --first use: unicast request--+
 *               | no answer after arpMaxRetries          ^                                              |
 *               v                                         +------------------- reply --------------------+
 *           (removed; held packets to the UnresolvedPacketHandler)     no answer after arpMaxRetries: removed
 *   STATIC: configured, never expires, never evicted, never overwritten by ARP.
 * </pre>
 */
enum NeighbourState
{
    /** Asking: a broadcast request is out, packets wait in the entry's queue. */
    INCOMPLETE,
    /** Confirmed less than {@code arpEntryLifetimeMs} ago. */
    REACHABLE,
    /** Still used, but its next use starts a unicast re-validation (RFC 1122 §2.3.2.1). */
    STALE,
    /** Added by configuration. */
    STATIC
}
