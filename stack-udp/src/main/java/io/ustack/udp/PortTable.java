package io.ustack.udp;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which sockets are bound to each of the 65,536 ports. Application threads bind and unbind without waiting for the
 * stack thread (so binding works in {@code INVOKER} mode too): each port holds an immutable array of sockets,
 * replaced by compare-and-set. The stack thread reads an array and walks it; a socket is fully set up (address and
 * port written) before the array that holds it is published.
 *
 * <p>No {@code SO_REUSEADDR}: two sockets share a port only when both are bound to different specific addresses.
 */
final class PortTable
{
    static final int PORTS = 65_536;
    private static final UdpSocketImpl[] EMPTY = new UdpSocketImpl[0];
    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;

    private final AtomicReferenceArray<UdpSocketImpl[]> table = new AtomicReferenceArray<>(PORTS);
    private final int ephemeralFirst;
    private final int ephemeralCount;
    private final AtomicLong randomState;

    /**
     * @param ephemeralFirst first ephemeral port
     * @param ephemeralLast  last ephemeral port
     * @param seed           seed of the port randomisation; 0 for a fresh one from {@link SecureRandom}
     */
    PortTable(final int ephemeralFirst, final int ephemeralLast, final long seed)
    {
        this.ephemeralFirst = ephemeralFirst;
        this.ephemeralCount = ephemeralLast - ephemeralFirst + 1;
        this.randomState = new AtomicLong(seed != 0 ? seed : new SecureRandom().nextLong());
    }

    /** The sockets bound to {@code port}: an array never modified afterwards (possibly empty). */
    UdpSocketImpl[] socketsOn(final int port)
    {
        final UdpSocketImpl[] sockets = table.get(port);
        return sockets == null ? EMPTY : sockets;
    }

    /**
     * Binds {@code socket} to {@code address:port} if nothing conflicts: a socket on the same port with the same
     * address, or either of them the wildcard 0. Sets the socket's address and port before publishing it.
     */
    boolean tryBind(final UdpSocketImpl socket, final int address, final int port)
    {
        socket.bound(address, port);
        while (true)
        {
            final UdpSocketImpl[] current = table.get(port);
            if (conflicts(current, address))
            {
                socket.bound(0, 0);
                return false;
            }
            final int n = current == null ? 0 : current.length;
            final UdpSocketImpl[] next = new UdpSocketImpl[n + 1];
            if (n > 0)
            {
                System.arraycopy(current, 0, next, 0, n);
            }
            next[n] = socket;
            if (table.compareAndSet(port, current, next))
            {
                return true;
            }
        }
    }

    /**
     * Binds {@code socket} to a free ephemeral port. RFC 6056 §3.3.1 ("simple port randomization"): start at a
     * random port of the range and probe upwards, wrapping, until one is free.
     *
     * @return the port, or 0 when every ephemeral port is taken for {@code address}
     */
    int bindEphemeral(final UdpSocketImpl socket, final int address)
    {
        final int start = (int)Long.remainderUnsigned(nextRandom(), ephemeralCount);
        for (int i = 0; i < ephemeralCount; i++)
        {
            final int port = ephemeralFirst + (start + i) % ephemeralCount;
            if (tryBind(socket, address, port))
            {
                return port;
            }
        }
        return 0;
    }

    /** Removes {@code socket} from {@code port}; nothing if it is not there. */
    void unbind(final UdpSocketImpl socket, final int port)
    {
        while (true)
        {
            final UdpSocketImpl[] current = table.get(port);
            final int at = indexOf(current, socket);
            if (at < 0)
            {
                return;
            }
            final UdpSocketImpl[] next;
            if (current.length == 1)
            {
                next = null;
            }
            else
            {
                next = new UdpSocketImpl[current.length - 1];
                System.arraycopy(current, 0, next, 0, at);
                System.arraycopy(current, at + 1, next, at, current.length - at - 1);
            }
            if (table.compareAndSet(port, current, next))
            {
                return;
            }
        }
    }

    private static boolean conflicts(final UdpSocketImpl[] sockets, final int address)
    {
        if (sockets == null)
        {
            return false;
        }
        for (final UdpSocketImpl other : sockets)
        {
            final int otherAddress = other.localAddress();
            if (otherAddress == 0 || address == 0 || otherAddress == address)
            {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(final UdpSocketImpl[] sockets, final UdpSocketImpl socket)
    {
        if (sockets != null)
        {
            for (int i = 0; i < sockets.length; i++)
            {
                if (sockets[i] == socket)
                {
                    return i;
                }
            }
        }
        return -1;
    }

    /** SplitMix64 over a shared counter: lock-free, repeatable for a fixed seed and call order. */
    private long nextRandom()
    {
        long z = randomState.addAndGet(GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
