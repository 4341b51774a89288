package io.ustack.tcp.conn;

/**
 * Finds the connection a segment belongs to: the 4-tuple (local address, local port, remote address, remote port)
 * → connection index, and for SYNs that match no connection, (local address, local port) → listener index. Indexes
 * point into the arrays where the TCP agent keeps its control blocks; the table knows nothing about them.
 *
 * <p>Addresses are IPv4 {@code int}s in network order ({@link io.ustack.api.net.Ipv4Address}), ports 0..65535.
 * Storage: two open-addressed {@link TupleMap}s over primitive arrays (key = both addresses packed in a {@code long}
 * plus both ports in an {@code int}), load factor at most 1/2, doubling on growth, backward-shift deletion. Lookups,
 * and puts and removes that do not grow the table, allocate nothing. About 40 bytes per connection.
 *
 * <p>Hashing is SipHash-1-3 under a 128-bit secret given at construction ({@link TupleHash} explains why), so a
 * remote peer cannot choose tuples that collide. Pass a {@code SecureRandom}-drawn secret in production and a fixed
 * one in the simulator. Not thread-safe: the owning TCP agent's thread only.
 */
public final class ConnectionTable
{
    /** Returned by lookups that find nothing. */
    public static final int NO_CONNECTION = TupleMap.MISSING;
    /** The wildcard local address 0.0.0.0 a listener binds to accept on every address. */
    public static final int ANY_ADDRESS = 0;

    private final TupleMap connections;
    private final TupleMap listeners;

    /**
     * A table sized for {@code expectedConnections} before its first growth.
     *
     * @param expectedConnections connections held without resizing
     * @param secret0             first half of the 128-bit hash key
     * @param secret1             second half of the 128-bit hash key
     */
    public ConnectionTable(final int expectedConnections, final long secret0, final long secret1)
    {
        final TupleHash hasher = new TupleHash(secret0, secret1);
        connections = new TupleMap(expectedConnections, hasher);
        listeners = new TupleMap(16, hasher);
    }

    /**
     * The connection a segment belongs to.
     *
     * @return its index, or {@link #NO_CONNECTION}
     */
    public int lookup(final int localAddress, final int localPort, final int remoteAddress, final int remotePort)
    {
        return connections.get(addresses(localAddress, remoteAddress), ports(localPort, remotePort));
    }

    /**
     * Adds a connection, or re-points an existing 4-tuple.
     *
     * @param index the connection's index, not negative
     * @return the index the tuple had before, or {@link #NO_CONNECTION}
     */
    public int put(
        final int localAddress, final int localPort, final int remoteAddress, final int remotePort, final int index)
    {
        return connections.put(addresses(localAddress, remoteAddress), ports(localPort, remotePort), check(index));
    }

    /**
     * Forgets a connection.
     *
     * @return true if the 4-tuple was present
     */
    public boolean remove(final int localAddress, final int localPort, final int remoteAddress, final int remotePort)
    {
        return connections.remove(addresses(localAddress, remoteAddress), ports(localPort, remotePort));
    }

    /**
     * The listener for a segment to {@code localAddress:localPort}: one bound to exactly that address first, else one
     * bound to {@link #ANY_ADDRESS} on the port.
     *
     * @return the listener's index, or {@link #NO_CONNECTION}
     */
    public int lookupListener(final int localAddress, final int localPort)
    {
        final int port = ports(localPort, 0);
        final int exact = listeners.get(addresses(localAddress, 0), port);
        return exact != NO_CONNECTION || localAddress == ANY_ADDRESS ? exact : listeners.get(0, port);
    }

    /**
     * Adds a listener, or re-points an existing one.
     *
     * @param localAddress the address it is bound to, or {@link #ANY_ADDRESS}
     * @param index        the listener's index, not negative
     * @return the index bound there before, or {@link #NO_CONNECTION}
     */
    public int putListener(final int localAddress, final int localPort, final int index)
    {
        return listeners.put(addresses(localAddress, 0), ports(localPort, 0), check(index));
    }

    /**
     * Forgets a listener.
     *
     * @return true if one was bound to exactly that address and port
     */
    public boolean removeListener(final int localAddress, final int localPort)
    {
        return listeners.remove(addresses(localAddress, 0), ports(localPort, 0));
    }

    /** Connections in the table (listeners not counted). */
    public int size()
    {
        return connections.size();
    }

    /** Listeners in the table. */
    public int listenerCount()
    {
        return listeners.size();
    }

    /** Slots in the connection arrays: a power of two, at least twice {@link #size()}. */
    public int capacity()
    {
        return connections.capacity();
    }

    private static long addresses(final int localAddress, final int remoteAddress)
    {
        return ((long)localAddress << 32) | (remoteAddress & 0xFFFF_FFFFL);
    }

    private static int ports(final int localPort, final int remotePort)
    {
        if (((localPort | remotePort) & ~0xFFFF) != 0)
        {
            throw new IllegalArgumentException("port out of 0..65535: " + localPort + ", " + remotePort);
        }
        return (localPort << 16) | remotePort;
    }

    private static int check(final int index)
    {
        if (index < 0)
        {
            throw new IllegalArgumentException("connection index must not be negative: " + index);
        }
        return index;
    }
}
