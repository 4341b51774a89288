package io.ustack.ip.route;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.Ipv4Prefix;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteTableTest
{
    private static final NetworkInterfaces INTERFACES = new NetworkInterfaces(List.of(
        new NetworkInterface(0, "eth0", 0x020000000001L, Ipv4Prefix.parse("198.18.0.1/24"), 1500, null),
        new NetworkInterface(1, "eth1", 0x020000000002L, Ipv4Prefix.parse("10.1.0.1/16"), 9000, null),
        new NetworkInterface(2, "raw", 0x020000000003L, null, 1500, null)));

    private static int ip(final String text)
    {
        return Ipv4Address.parse(text);
    }

    private static RouteTable table(final StaticRoute... statics)
    {
        return new RouteTable(INTERFACES, List.of(statics));
    }

    @Test
    @DisplayName("RFC 1122 §3.3.1.1: a destination in a connected subnet goes straight out of that interface")
    void connectedRoutes()
    {
        final RouteTable routes = table();
        final Route lan = routes.lookup(ip("198.18.0.77"));
        assertEquals(0, lan.interfaceIndex());
        assertEquals(0, lan.gateway());
        assertEquals(ip("198.18.0.77"), lan.nextHop(ip("198.18.0.77")));
        assertEquals(1500, lan.mtu());
        assertEquals(ip("198.18.0.1"), lan.sourceAddress());
        assertEquals(Ipv4Prefix.parse("198.18.0.0/24"), lan.destination());
        final Route other = routes.lookup(ip("10.1.200.3"));
        assertEquals(1, other.interfaceIndex());
        assertEquals(9000, other.mtu(), "the route MTU is the interface MTU");
        assertEquals(ip("10.1.0.1"), other.sourceAddress());
    }

    @Test
    @DisplayName("RFC 1122 §3.3.1.1: a miss with no default route gives null (no route to host)")
    void missIsNull()
    {
        assertNull(table().lookup(ip("203.0.113.9")));
        assertNull(table(new StaticRoute(Ipv4Prefix.parse("172.16.0.0/12"), ip("10.1.0.254")))
            .lookup(ip("8.8.8.8")));
    }

    @Test
    @DisplayName("RFC 1812 §5.2.4.3: the longest prefix wins — /32 host route over static /16 over connected over default")
    void longestPrefixWins()
    {
        final RouteTable routes = table(
            StaticRoute.defaultVia(ip("198.18.0.254")),
            new StaticRoute(Ipv4Prefix.parse("10.1.5.0/24"), ip("198.18.0.253")),
            new StaticRoute(Ipv4Prefix.parse("10.1.5.9/32"), ip("10.1.0.2")),
            new StaticRoute(Ipv4Prefix.parse("172.16.0.0/12"), ip("10.1.0.254")));

        final Route host = routes.lookup(ip("10.1.5.9"));
        assertEquals(ip("10.1.0.2"), host.gateway());
        assertEquals(1, host.interfaceIndex());

        final Route subnet = routes.lookup(ip("10.1.5.10"));
        assertEquals(ip("198.18.0.253"), subnet.gateway(), "/24 static beats the /16 connected route");
        assertEquals(0, subnet.interfaceIndex(), "the gateway's subnet decides the interface");
        assertEquals(ip("198.18.0.253"), subnet.nextHop(ip("10.1.5.10")));

        assertEquals(0, routes.lookup(ip("10.1.6.1")).gateway(), "connected /16");
        assertEquals(ip("10.1.0.254"), routes.lookup(ip("172.20.1.1")).gateway());
        final Route fallback = routes.lookup(ip("8.8.8.8"));
        assertEquals(ip("198.18.0.254"), fallback.gateway(), "default route 0.0.0.0/0");
        assertEquals(ip("198.18.0.254"), fallback.nextHop(ip("8.8.8.8")));
        assertEquals(ip("198.18.0.1"), fallback.sourceAddress());
    }

    @Test
    @DisplayName("lookup returns the same pre-built Route each time (no allocation on the data path)")
    void lookupReturnsSharedRoutes()
    {
        final RouteTable routes = table(StaticRoute.defaultVia(ip("198.18.0.254")));
        assertSame(routes.lookup(ip("8.8.8.8")), routes.lookup(ip("1.1.1.1")));
        assertSame(routes.lookup(ip("198.18.0.3")), routes.lookup(ip("198.18.0.4")));
    }

    @Test
    @DisplayName("RFC 1122 §3.3.6: the limited broadcast leaves by the first addressed interface, or the one asked for")
    void limitedBroadcast()
    {
        final RouteTable routes = table(StaticRoute.defaultVia(ip("198.18.0.254")));
        final Route broadcast = routes.lookup(RouteTable.LIMITED_BROADCAST);
        assertEquals(0, broadcast.interfaceIndex());
        assertEquals(0, broadcast.gateway());
        assertEquals(1, routes.limitedBroadcast(1).interfaceIndex());
        assertNull(routes.limitedBroadcast(2), "an interface without an address has none");
    }

    @Test
    @DisplayName("a gateway outside every connected subnet is refused with the route and the fix in the message")
    void unreachableGatewayIsRefused()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> table(StaticRoute.defaultVia(ip("192.0.2.1"))));
        assertTrue(e.getMessage().contains("0.0.0.0/0 via 192.0.2.1"), e.getMessage());
        assertTrue(e.getMessage().contains("198.18.0.0/24"), e.getMessage());
        assertTrue(e.getMessage().contains("use a gateway inside one of them"), e.getMessage());
    }

    @Test
    @DisplayName("a gateway of 0.0.0.0 or our own address is refused, saying what to give instead")
    void nonsenseGatewaysAreRefused()
    {
        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> table(StaticRoute.defaultVia(0)));
        assertTrue(zero.getMessage().contains("give the address of a router"), zero.getMessage());
        final IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
            () -> table(StaticRoute.defaultVia(ip("198.18.0.1"))));
        assertTrue(own.getMessage().contains("our own address"), own.getMessage());
    }

    @Test
    @DisplayName("interfaces without an address get no connected route")
    void addresslessInterfaceHasNoRoute()
    {
        final RouteTable routes = table();
        assertEquals(3, routes.routes().size(), "two connected routes and the limited broadcast");
        for (final Route route : routes.routes())
        {
            assertTrue(route.interfaceIndex() != 2, route.toString());
        }
    }
}
