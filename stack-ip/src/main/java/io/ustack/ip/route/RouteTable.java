package io.ustack.ip.route;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.Ipv4Prefix;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The stack's routes, fixed once built: a connected route for the subnet of each interface with an address, the
 * configured static routes (a default gateway is {@code 0.0.0.0/0}), and the limited broadcast
 * {@code 255.255.255.255/32} out of the first addressed interface (RFC 1122 §3.3.6; send from a given address to pick
 * another interface, see {@link #limitedBroadcast}).
 *
 * <p>{@link #lookup} is a longest-prefix match over the routes sorted by prefix length, longest first (connected
 * before static among equal lengths), returning pre-built {@link Route}s: no allocation, no locks, safe from any
 * thread. Host tables hold a handful of routes, so a scan beats a trie here; a router-sized table would want one.
 */
public final class RouteTable
{
    /** The limited broadcast address, RFC 919 / RFC 1122 §3.2.1.3 (c). */
    public static final int LIMITED_BROADCAST = 0xFFFF_FFFF;

    private final NetworkInterfaces interfaces;
    private final Route[] routes;
    private final Route[] broadcastRoutes;

    /**
     * @param interfaces   the stack's interfaces; each one with an address gets a connected route
     * @param staticRoutes configured routes; each gateway must lie in a connected subnet
     * @throws IllegalArgumentException naming the route and what to change when a gateway is unreachable
     */
    public RouteTable(final NetworkInterfaces interfaces, final List<StaticRoute> staticRoutes)
    {
        this.interfaces = interfaces;
        final List<Route> connected = new ArrayList<>();
        broadcastRoutes = new Route[interfaces.count()];
        Route firstBroadcast = null;
        for (final NetworkInterface nif : interfaces.asList())
        {
            if (!nif.hasAddress())
            {
                continue;
            }
            final Ipv4Prefix subnet = new Ipv4Prefix(nif.address().network(), nif.address().prefixLength());
            connected.add(new Route(nif.index(), subnet, 0, nif.mtu(), nif.ipv4Address()));
            broadcastRoutes[nif.index()] =
                new Route(nif.index(), new Ipv4Prefix(LIMITED_BROADCAST, 32), 0, nif.mtu(), nif.ipv4Address());
            if (firstBroadcast == null)
            {
                firstBroadcast = broadcastRoutes[nif.index()];
            }
        }
        final List<Route> all = new ArrayList<>(connected);
        for (final StaticRoute configured : staticRoutes)
        {
            all.add(resolveGateway(configured, connected));
        }
        if (firstBroadcast != null)
        {
            all.add(firstBroadcast);
        }
        // Stable sort: among equal prefix lengths, connected routes (added first) win.
        all.sort(Comparator.comparingInt((Route r) -> r.destination().prefixLength()).reversed());
        routes = all.toArray(new Route[0]);
    }

    private Route resolveGateway(final StaticRoute configured, final List<Route> connected)
    {
        final int gateway = configured.gateway();
        if (gateway == 0)
        {
            throw new IllegalArgumentException("static route " + configured + ": a gateway of 0.0.0.0 is no " +
                "neighbour; give the address of a router in one of the connected subnets " + describe(connected));
        }
        for (final Route route : connected)
        {
            if (route.destination().contains(gateway))
            {
                if (gateway == route.sourceAddress())
                {
                    throw new IllegalArgumentException("static route " + configured + ": the gateway " +
                        Ipv4Address.toString(gateway) + " is our own address; give the address of a router on that " +
                        "link instead");
                }
                final Ipv4Prefix destination = new Ipv4Prefix(configured.destination().network(),
                    configured.destination().prefixLength());
                return new Route(route.interfaceIndex(), destination, gateway, route.mtu(), route.sourceAddress());
            }
        }
        throw new IllegalArgumentException("static route " + configured + ": the gateway " +
            Ipv4Address.toString(gateway) + " lies in no connected subnet " + describe(connected) +
            "; use a gateway inside one of them, or give an interface an address whose subnet holds it");
    }

    private static String describe(final List<Route> connected)
    {
        if (connected.isEmpty())
        {
            return "(no interface has an IPv4 address)";
        }
        final StringBuilder text = new StringBuilder("(");
        for (final Route route : connected)
        {
            text.append(text.length() > 1 ? ", " : "").append(route.destination()).append(" on interface #")
                .append(route.interfaceIndex());
        }
        return text.append(')').toString();
    }

    /**
     * The route with the longest prefix containing {@code destination}.
     *
     * @return a shared immutable route, or null when none matches (no route to host)
     */
    public Route lookup(final int destination)
    {
        for (final Route route : routes)
        {
            if (route.destination().contains(destination))
            {
                return route;
            }
        }
        return null;
    }

    /** The route for the limited broadcast out of interface {@code interfaceIndex}, or null if it has no address. */
    public Route limitedBroadcast(final int interfaceIndex)
    {
        return interfaceIndex >= 0 && interfaceIndex < broadcastRoutes.length ? broadcastRoutes[interfaceIndex] : null;
    }

    /** The interfaces the routes point at. */
    public NetworkInterfaces interfaces()
    {
        return interfaces;
    }

    /** Every route, longest prefix first, for display ({@code ustack stat}, logs). */
    public List<Route> routes()
    {
        final List<Route> copy = new ArrayList<>(routes.length);
        Collections.addAll(copy, routes);
        return Collections.unmodifiableList(copy);
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder();
        for (final Route route : routes)
        {
            text.append(route).append('\n');
        }
        return text.toString();
    }
}
