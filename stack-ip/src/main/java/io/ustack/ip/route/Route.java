package io.ustack.ip.route;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.Ipv4Prefix;

/**
 * One entry of the {@link RouteTable}, immutable: which interface carries datagrams to {@code destination}, through
 * which gateway (0 when the destination is on the link itself), with which MTU and from which of our addresses.
 */
public final class Route
{
    private final int interfaceIndex;
    private final Ipv4Prefix destination;
    private final int gateway;
    private final int mtu;
    private final int sourceAddress;

    /**
     * @param interfaceIndex the outgoing interface
     * @param destination    the prefix this route covers
     * @param gateway        the next hop, or 0 for a directly connected destination
     * @param mtu            the IP MTU of the interface
     * @param sourceAddress  the interface's address, used when the sender names none
     */
    public Route(final int interfaceIndex, final Ipv4Prefix destination, final int gateway, final int mtu,
        final int sourceAddress)
    {
        this.interfaceIndex = interfaceIndex;
        this.destination = destination;
        this.gateway = gateway;
        this.mtu = mtu;
        this.sourceAddress = sourceAddress;
    }

    /** The outgoing interface. */
    public int interfaceIndex()
    {
        return interfaceIndex;
    }

    /** The prefix this route covers. */
    public Ipv4Prefix destination()
    {
        return destination;
    }

    /** The gateway, or 0 when directly connected. */
    public int gateway()
    {
        return gateway;
    }

    /** Whether the destination is on the link itself (no gateway). */
    public boolean connected()
    {
        return gateway == 0;
    }

    /** The interface's IP MTU. */
    public int mtu()
    {
        return mtu;
    }

    /** The interface's address. */
    public int sourceAddress()
    {
        return sourceAddress;
    }

    /** The neighbour whose MAC a datagram to {@code destinationAddress} is framed for: the gateway, or itself. */
    public int nextHop(final int destinationAddress)
    {
        return gateway == 0 ? destinationAddress : gateway;
    }

    @Override
    public String toString()
    {
        return destination + (gateway == 0 ? " dev #" : " via " + Ipv4Address.toString(gateway) + " dev #") +
            interfaceIndex + " src " + Ipv4Address.toString(sourceAddress) + " mtu " + mtu;
    }
}
