package io.ustack.ip.route;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.Ipv4Prefix;

/**
 * A configured route: datagrams to {@code destination} go through the neighbour {@code gateway}, which must lie in a
 * subnet of one of the stack's interfaces. A default gateway is the destination {@code 0.0.0.0/0}.
 *
 * @param destination the destination prefix
 * @param gateway     the next hop's address (network order int)
 */
public record StaticRoute(Ipv4Prefix destination, int gateway)
{
    /** Checks the destination is present. */
    public StaticRoute
    {
        if (destination == null)
        {
            throw new IllegalArgumentException("static route without a destination: use e.g. 0.0.0.0/0 for a default");
        }
    }

    /** The default route {@code 0.0.0.0/0} through {@code gateway}. */
    public static StaticRoute defaultVia(final int gateway)
    {
        return new StaticRoute(new Ipv4Prefix(0, 0), gateway);
    }

    @Override
    public String toString()
    {
        return destination + " via " + Ipv4Address.toString(gateway);
    }
}
