package io.ustack.ip;

import io.ustack.api.net.Ipv4Prefix;

/**
 * One link the stack is attached to, as the network layer sees it: its index, hardware address, IPv4 address and
 * subnet (absent on a link used without IP), MTU, and the way frames leave through it.
 */
public final class NetworkInterface
{
    private final int index;
    private final String name;
    private final long mac;
    private final Ipv4Prefix address;
    private final int mtu;
    private final EthernetOutput output;
    private final int segmentationLimit;

    /**
     * @param index   position in the stack's interface list, 0-based
     * @param name    the endpoint's name
     * @param mac     our hardware address on this link
     * @param address our IPv4 address and subnet on it, or null when the link carries no IP
     * @param mtu     the IP MTU of the link
     * @param output  where frames for this link go
     */
    public NetworkInterface(final int index, final String name, final long mac, final Ipv4Prefix address,
        final int mtu, final EthernetOutput output)
    {
        this(index, name, mac, address, mtu, output, 0);
    }

    /**
     * @param index             position in the stack's interface list, 0-based
     * @param name              the endpoint's name
     * @param mac               our hardware address on this link
     * @param address           our IPv4 address and subnet on it, or null when the link carries no IP
     * @param mtu               the IP MTU of the link
     * @param output            where frames for this link go
     * @param segmentationLimit the largest frame (Ethernet header included) the link's device cuts into TCP
     *                          segments ({@code LinkEndpoint.segmentationOffloadLimit()}), 0 when it cuts none
     */
    public NetworkInterface(final int index, final String name, final long mac, final Ipv4Prefix address,
        final int mtu, final EthernetOutput output, final int segmentationLimit)
    {
        if (segmentationLimit < 0)
        {
            throw new IllegalArgumentException("interface " + name + ": segmentation limit " + segmentationLimit +
                " is negative; use 0 when the device cuts no segments");
        }
        this.segmentationLimit = segmentationLimit;
        this.index = index;
        this.name = name;
        this.mac = mac;
        this.address = address;
        this.mtu = mtu;
        this.output = output;
    }

    /** Position in the stack's interface list. */
    public int index()
    {
        return index;
    }

    /** The endpoint's name. */
    public String name()
    {
        return name;
    }

    /** Our hardware address on this link. */
    public long mac()
    {
        return mac;
    }

    /** Whether the interface has an IPv4 address. */
    public boolean hasAddress()
    {
        return address != null;
    }

    /** Our IPv4 address and subnet here, or null. */
    public Ipv4Prefix address()
    {
        return address;
    }

    /** Our IPv4 address here as an int, or 0 when there is none. */
    public int ipv4Address()
    {
        return address == null ? 0 : address.address();
    }

    /** The IP MTU. */
    public int mtu()
    {
        return mtu;
    }

    /**
     * The largest frame (Ethernet header included) this link's device cuts into TCP segments (TCP segmentation
     * offload), or 0 when it cuts none.
     */
    public int segmentationLimit()
    {
        return segmentationLimit;
    }

    /** The way out through this link. */
    public EthernetOutput output()
    {
        return output;
    }

    @Override
    public String toString()
    {
        return name + "#" + index + (address == null ? "" : " " + address) + " mtu " + mtu;
    }
}
