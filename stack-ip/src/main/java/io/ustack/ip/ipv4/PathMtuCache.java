package io.ustack.ip.ipv4;

/**
 * Path MTUs learned from ICMP fragmentation-needed messages (RFC 1191), per destination, bounded and ageing.
 *
 * <p>A direct-mapped table of {@value #ENTRIES} entries: a destination hashes to one slot, and a newer destination
 * hashing to the same slot replaces the older one (forgetting a PMTU only costs one more ICMP round trip). Entries
 * expire {@value #LIFETIME_MS} ms after they were learned, so a path that grew again is tried at full size
 * (RFC 1191 §6.3: "set to 10 minutes"). One owner thread (the network agent's, or a transport agent's for its
 * own copy); no allocation.
 */
public final class PathMtuCache
{
    /** Slots in the table (a power of two). */
    public static final int ENTRIES = 1024;
    /** How long a learned value holds, RFC 1191 §6.3. */
    public static final long LIFETIME_MS = 10 * 60 * 1000L;
    /** The smallest MTU every IPv4 link carries, RFC 791 §3.2 ("Every internet module must be able to forward a
     * datagram of 68 octets without further fragmentation"). */
    public static final int MIN_MTU = 68;

    private static final long LIFETIME_NS = LIFETIME_MS * 1_000_000L;

    private final int[] destinations = new int[ENTRIES];
    private final int[] mtus = new int[ENTRIES];
    private final long[] expiresNs = new long[ENTRIES];

    /**
     * Records a smaller MTU towards {@code destination}.
     *
     * @param routeMtu the MTU of the route to it; values at or above it, and below 68, are ignored
     * @return whether the value was taken
     */
    public boolean learn(final int destination, final int mtu, final int routeMtu, final long nowNs)
    {
        if (mtu < MIN_MTU || mtu >= routeMtu)
        {
            return false;
        }
        final int slot = slot(destination);
        // RFC 1191 §3: a host MUST NOT increase its estimate in response to a Datagram Too Big message.
        if (mtus[slot] != 0 && destinations[slot] == destination && expiresNs[slot] - nowNs > 0 && mtus[slot] <= mtu)
        {
            return false;
        }
        destinations[slot] = destination;
        mtus[slot] = mtu;
        expiresNs[slot] = nowNs + LIFETIME_NS;
        return true;
    }

    /** The learned MTU towards {@code destination}, or 0 when none holds (never learned, replaced or expired). */
    public int get(final int destination, final long nowNs)
    {
        final int slot = slot(destination);
        if (mtus[slot] == 0 || destinations[slot] != destination)
        {
            return 0;
        }
        if (expiresNs[slot] - nowNs <= 0)
        {
            mtus[slot] = 0;
            return 0;
        }
        return mtus[slot];
    }

    private static int slot(final int destination)
    {
        final int h = destination * 0x9E3779B9;
        return (h ^ h >>> 16) & (ENTRIES - 1);
    }
}
