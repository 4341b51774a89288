package io.ustack.ip.ipv4;

import io.ustack.api.net.Ipv4Prefix;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.route.Route;
import io.ustack.link.wire.EthernetFrame;

import java.util.ArrayList;
import java.util.List;

/**
 * The stack's own IPv4 addresses and what follows from them, fixed at assembly: which interface owns each, each
 * interface's directed broadcast, its largest IP datagram, and the host route used to loop datagrams to ourselves.
 * Read by both halves of IPv4; immutable, so safe from any thread.
 */
final class LocalAddresses
{
    private static final int MAX_DATAGRAM = 65_535;

    private final int[] addresses;
    private final int[] owners;
    private final Route[] localRoutes;
    private final int[] directedBroadcasts;
    private final int[] maxIpLength;

    LocalAddresses(final NetworkInterfaces interfaces)
    {
        final int count = interfaces.count();
        this.localRoutes = new Route[count];
        this.directedBroadcasts = new int[count];
        this.maxIpLength = new int[count];
        final List<Integer> addressList = new ArrayList<>();
        final List<Integer> ownerList = new ArrayList<>();
        for (final NetworkInterface nif : interfaces.asList())
        {
            final int i = nif.index();
            maxIpLength[i] = Math.min(MAX_DATAGRAM, nif.output().maxFrameLength() -
                EthernetFrame.HEADER_LENGTH);
            if (nif.hasAddress())
            {
                addressList.add(nif.ipv4Address());
                ownerList.add(i);
                localRoutes[i] = new Route(i, new Ipv4Prefix(nif.ipv4Address(), 32), 0, maxIpLength[i],
                    nif.ipv4Address());
                // RFC 3021: a /31 (or /32) subnet has no broadcast address.
                directedBroadcasts[i] = nif.address().prefixLength() <= 30 ? nif.address().broadcast() : 0;
            }
        }
        this.addresses = addressList.stream().mapToInt(Integer::intValue).toArray();
        this.owners = ownerList.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Position of {@code address} among ours, or -1. */
    int indexOf(final int address)
    {
        for (int i = 0; i < addresses.length; i++)
        {
            if (addresses[i] == address)
            {
                return i;
            }
        }
        return -1;
    }

    /** The interface owning our {@code index}-th address. */
    int interfaceOf(final int index)
    {
        return owners[index];
    }

    /** The host route that loops datagrams for our address on {@code interfaceIndex} back (null without one). */
    Route localRoute(final int interfaceIndex)
    {
        return localRoutes[interfaceIndex];
    }

    /** Whether {@code address} is the directed broadcast of {@code interfaceIndex}'s subnet. */
    boolean isDirectedBroadcast(final int interfaceIndex, final int address)
    {
        return directedBroadcasts[interfaceIndex] != 0 && address == directedBroadcasts[interfaceIndex];
    }

    /** The largest IP datagram a packet buffer holds on {@code interfaceIndex}. */
    int maxIpLength(final int interfaceIndex)
    {
        return maxIpLength[interfaceIndex];
    }
}
