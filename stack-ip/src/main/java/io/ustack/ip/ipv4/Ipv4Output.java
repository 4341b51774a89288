package io.ustack.ip.ipv4;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.MacAddress;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.arp.NeighbourResolver;
import io.ustack.ip.route.Route;
import io.ustack.ip.route.RouteTable;
import io.ustack.ip.wire.Ipv4Header;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.ustack.ip.ipv4.Ipv4Sender.DONT_FRAGMENT;
import static io.ustack.ip.ipv4.Ipv4Sender.NO_BUFFER;
import static io.ustack.ip.ipv4.Ipv4Sender.NO_ROUTE;
import static io.ustack.ip.ipv4.Ipv4Sender.PAYLOAD_OFFSET;
import static io.ustack.ip.ipv4.Ipv4Sender.QUEUED_FOR_RESOLUTION;
import static io.ustack.ip.ipv4.Ipv4Sender.SENT;
import static io.ustack.ip.ipv4.Ipv4Sender.TOO_BIG;
import static io.ustack.ip.ipv4.Ipv4Sender.TOO_LONG;

/**
 * The sending half of IPv4 (RFC 791 §3.2, RFC 1122 §3.3): route choice, header, identification (RFC 6864),
 * fragmentation to the path MTU (RFC 1191), next-hop resolution, and the loopback for our own addresses.
 * {@link Ipv4Module} exposes it to transports as its {@link Ipv4Sender}.
 */
final class Ipv4Output
{
    private static final int IP_OFFSET = EthernetFrame.HEADER_LENGTH;
    private static final int HEADER_LENGTH = Ipv4Header.MIN_HEADER_LENGTH;
    private static final int MAX_DATAGRAM = 65_535;
    /** Most fragments one datagram can need: 65,535 bytes in 8-byte pieces. */
    private static final int MAX_FRAGMENTS = (MAX_DATAGRAM + 7) / 8;

    private final RouteTable routes;
    private final NetworkInterfaces interfaces;
    private final NeighbourResolver resolver;
    private final StackCounters counters;
    private final LocalAddresses locals;
    private final LoopbackQueue loopback;
    private final EthernetOutput anyOutput;
    private final int defaultTtl;
    private final IpIdGenerator idGenerator;
    private final PathMtuCache pathMtus = new PathMtuCache();
    private final Ipv4Header outHeader = new Ipv4Header();
    private final int[] fragmentBuffers = new int[MAX_FRAGMENTS];

    Ipv4Output(final StackConfig config, final RouteTable routes, final NeighbourResolver resolver,
        final StackCounters counters, final LocalAddresses locals, final LoopbackQueue loopback)
    {
        this.routes = routes;
        this.interfaces = routes.interfaces();
        this.resolver = resolver;
        this.counters = counters;
        this.locals = locals;
        this.loopback = loopback;
        this.anyOutput = interfaces.get(0).output();
        this.defaultTtl = config.ipDefaultTtl();
        this.idGenerator = new IpIdGenerator(config.randomSeed());
    }

    private int local(final int address)
    {
        return locals.indexOf(address);
    }

    int claim()
    {
        return anyOutput.claim();
    }

    MutableDirectBuffer buffer(final int bufferId)
    {
        return anyOutput.buffer(bufferId);
    }

    int bufferCapacity()
    {
        return anyOutput.maxFrameLength() - PAYLOAD_OFFSET;
    }

    void abandon(final int bufferId)
    {
        anyOutput.abandon(bufferId);
    }

    int send(final int bufferId, final int payloadLength, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        final Route route = routeFor(sourceAddress, destinationAddress);
        if (route == null)
        {
            anyOutput.abandon(bufferId);
            counters.drop(DropReason.IPV4_NO_ROUTE);
            return NO_ROUTE;
        }
        return emit(route, anyOutput.buffer(bufferId), PAYLOAD_OFFSET, payloadLength, bufferId, sourceAddress,
            destinationAddress, protocol, flags, ttl, nowNs);
    }

    int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        final Route route = routeFor(sourceAddress, destinationAddress);
        if (route == null)
        {
            counters.drop(DropReason.IPV4_NO_ROUTE);
            return NO_ROUTE;
        }
        return emit(route, payload, offset, length, -1, sourceAddress, destinationAddress, protocol, flags, ttl,
            nowNs);
    }

    /**
     * Builds and hands on one datagram, in fragments if it exceeds the path MTU (RFC 791 §3.2: offsets in 8-byte
     * units, every fragment but the last a multiple of 8 payload bytes, MF on all but the last). Every buffer is
     * claimed and filled before the first goes out, so a shortage sends nothing rather than half a datagram.
     *
     * @param reuseBufferId the caller's buffer holding the payload at {@link #PAYLOAD_OFFSET} (becomes the first
     *                      fragment), or -1 to copy everything from {@code payload}
     */
    private int emit(final Route route, final DirectBuffer payload, final int payloadOffset, final int length,
        final int reuseBufferId, final int sourceAddress, final int destination, final int protocol, final int flags,
        final int ttl, final long nowNs)
    {
        if (length < 0 || length > MAX_DATAGRAM - HEADER_LENGTH)
        {
            abandonIfOwned(reuseBufferId);
            return TOO_LONG;
        }
        final int mtu = effectiveMtu(route, destination, nowNs);
        final boolean dontFragment = (flags & DONT_FRAGMENT) != 0;
        final boolean fits = HEADER_LENGTH + length <= mtu;
        if (!fits && dontFragment)
        {
            abandonIfOwned(reuseBufferId);
            counters.drop(DropReason.IPV4_TOO_BIG_DONT_FRAGMENT);
            return TOO_BIG;
        }
        final int perFragment = fits ? length : (mtu - HEADER_LENGTH) & ~7;
        final int fragments = fits ? 1 : (length + perFragment - 1) / perFragment;
        if (!claimFragments(fragments, reuseBufferId))
        {
            return NO_BUFFER;
        }
        final EthernetOutput output = interfaces.get(route.interfaceIndex()).output();
        for (int i = 0; i < fragments; i++)
        {
            if (i > 0 || reuseBufferId < 0)
            {
                final int start = i * perFragment;
                payload.getBytes(payloadOffset + start, output.buffer(fragmentBuffers[i]), PAYLOAD_OFFSET,
                    Math.min(perFragment, length - start));
            }
        }
        final int source = sourceAddress != 0 ? sourceAddress : route.sourceAddress();
        final int identification = idGenerator.next(source, destination, protocol);
        final int timeToLive = ttl != 0 ? ttl : defaultTtl;
        int result = SENT;
        for (int i = 0; i < fragments; i++)
        {
            final int start = i * perFragment;
            final int fragmentLength = Math.min(perFragment, length - start);
            final boolean last = i == fragments - 1;
            final int flagBits = (dontFragment ? Ipv4Header.FLAG_DONT_FRAGMENT : 0) |
                (last ? 0 : Ipv4Header.FLAG_MORE_FRAGMENTS);
            outHeader.wrapForWrite(output.buffer(fragmentBuffers[i]), IP_OFFSET)
                .version(Ipv4Header.VERSION_4).ihl(HEADER_LENGTH / 4).dscp(0).ecn(0)
                .totalLength(HEADER_LENGTH + fragmentLength).identification(identification)
                .flags(flagBits).fragmentOffsetBytes(start)
                .timeToLive(timeToLive).protocol(protocol)
                .sourceAddress(source).destinationAddress(destination)
                .computeAndSetChecksum();
            final int outcome = transmit(route, destination, fragmentBuffers[i], PAYLOAD_OFFSET + fragmentLength,
                nowNs);
            result = worse(result, outcome);
        }
        if (result != NO_BUFFER)
        {
            counters.increment(CounterDescriptor.IPV4_SENT);
        }
        if (fragments > 1)
        {
            counters.add(CounterDescriptor.IPV4_FRAGMENTS_SENT, fragments);
        }
        return result;
    }

    private boolean claimFragments(final int fragments, final int reuseBufferId)
    {
        for (int i = 0; i < fragments; i++)
        {
            final int bufferId = i == 0 && reuseBufferId >= 0 ? reuseBufferId : anyOutput.claim();
            if (bufferId < 0)
            {
                for (int j = 0; j < i; j++)
                {
                    anyOutput.abandon(fragmentBuffers[j]);
                }
                return false;
            }
            fragmentBuffers[i] = bufferId;
        }
        return true;
    }

    private static int worse(final int result, final int outcome)
    {
        if (result == NO_BUFFER || outcome == NO_BUFFER)
        {
            return NO_BUFFER;
        }
        return result == QUEUED_FOR_RESOLUTION || outcome == QUEUED_FOR_RESOLUTION ? QUEUED_FOR_RESOLUTION : SENT;
    }

    private void abandonIfOwned(final int bufferId)
    {
        if (bufferId >= 0)
        {
            anyOutput.abandon(bufferId);
        }
    }

    /** Hands one complete IPv4 packet (at {@link #PAYLOAD_OFFSET} - 20 of the buffer) to its next hop. */
    private int transmit(final Route route, final int destination, final int bufferId, final int frameLength,
        final long nowNs)
    {
        final int interfaceIndex = route.interfaceIndex();
        if (route == locals.localRoute(interfaceIndex))
        {
            if (!loopback.offer(bufferId, frameLength, interfaceIndex))
            {
                // The loopback queue stands in for the ring to a link.
                anyOutput.abandon(bufferId);
                counters.drop(DropReason.RING_FULL_DOWN);
                return NO_BUFFER;
            }
            return SENT;
        }
        final EthernetOutput output = interfaces.get(interfaceIndex).output();
        output.writeHeader(bufferId, MacAddress.BROADCAST, EthernetFrame.ETHER_TYPE_IPV4);
        final int nextHop = route.nextHop(destination);
        final boolean broadcast = nextHop == RouteTable.LIMITED_BROADCAST ||
            (route.connected() && locals.isDirectedBroadcast(interfaceIndex, nextHop));
        if (!broadcast)
        {
            final long mac = resolver.resolveOrHold(interfaceIndex, nextHop, bufferId, frameLength, nowNs);
            if (mac == NeighbourResolver.HELD)
            {
                return QUEUED_FOR_RESOLUTION;
            }
            if (mac == NeighbourResolver.DROPPED)
            {
                return NO_BUFFER; // the resolver could not hold it: freed and counted there
            }
            MacAddress.write(output.buffer(bufferId), EthernetFrame.DESTINATION_OFFSET, mac);
        }
        return output.send(bufferId, frameLength) ? SENT : NO_BUFFER;
    }

    private Route routeFor(final int sourceAddress, final int destination)
    {
        final int local = local(destination);
        if (local >= 0)
        {
            return locals.localRoute(locals.interfaceOf(local));
        }
        if (destination == RouteTable.LIMITED_BROADCAST && sourceAddress != 0)
        {
            final int from = locals.indexOf(sourceAddress);
            if (from >= 0)
            {
                return routes.limitedBroadcast(locals.interfaceOf(from));
            }
        }
        return routes.lookup(destination);
    }

    private int effectiveMtu(final Route route, final int destination, final long nowNs)
    {
        final int mtu = Math.min(route.mtu(), locals.maxIpLength(route.interfaceIndex()));
        final int learned = pathMtus.get(destination, nowNs);
        return learned > 0 ? Math.min(mtu, learned) : mtu;
    }

    int sourceAddressFor(final int destination)
    {
        final Route route = routeFor(0, destination);
        return route == null ? 0 : route.sourceAddress();
    }

    int routeMtu(final int destination)
    {
        final Route route = routeFor(0, destination);
        return route == null ? 0 : Math.min(route.mtu(), locals.maxIpLength(route.interfaceIndex()));
    }

    int pathMtu(final int destination, final long nowNs)
    {
        final Route route = routeFor(0, destination);
        return route == null ? 0 : effectiveMtu(route, destination, nowNs);
    }

    void learnPathMtu(final int destination, final int mtu, final long nowNs)
    {
        final Route route = routes.lookup(destination);
        if (route != null && locals.indexOf(destination) < 0)
        {
            pathMtus.learn(destination, mtu, route.mtu(), nowNs);
        }
    }
}
