package io.ustack.ip.ipv4;

import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.MacAddress;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.arp.NeighbourResolver;
import io.ustack.ip.offload.TcpSegmenter;
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
 *
 * <p>TCP segmentation offload ({@link #sendSegmented}): one large TCP datagram goes to the link whole, for the device
 * to cut, when the route's device can, its next hop is known and every segment fits the path MTU; otherwise it is cut
 * here into the segments TCP would have sent ({@link TcpSegmenter}, Linux's generic segmentation offload), and each
 * goes out as any datagram does.
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
    private final SegmentationOffload segmentationOffload;
    /** The regular buffers a datagram cut in software takes: no more than the pool has. */
    private final int[] segmentBuffers;

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
        this.segmentationOffload = config.segmentationOffload();
        this.segmentBuffers = new int[Math.min(anyOutput.bufferCount(), MAX_DATAGRAM)];
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
            writeHeader(output.buffer(fragmentBuffers[i]), HEADER_LENGTH + fragmentLength, identification, flagBits,
                start, timeToLive, protocol, source, destination);
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

    private void writeHeader(final MutableDirectBuffer buffer, final int totalLength, final int identification,
        final int flagBits, final int fragmentOffsetBytes, final int timeToLive, final int protocol, final int source,
        final int destination)
    {
        outHeader.wrapForWrite(buffer, IP_OFFSET)
            .version(Ipv4Header.VERSION_4).ihl(HEADER_LENGTH / 4).dscp(0).ecn(0)
            .totalLength(totalLength).identification(identification)
            .flags(flagBits).fragmentOffsetBytes(fragmentOffsetBytes)
            .timeToLive(timeToLive).protocol(protocol)
            .sourceAddress(source).destinationAddress(destination)
            .computeAndSetChecksum();
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

    // ---- TCP segmentation offload ---------------------------------------------------------------------------------

    int claimLarge()
    {
        return anyOutput.claimLarge();
    }

    /**
     * The most TCP bytes one {@link #sendSegmented} may carry to {@code destination}: bounded by the route's device
     * limit (less the Ethernet and IPv4 headers), a large buffer and the largest datagram; 0 when segmentation
     * offload is off, there are no large buffers, the destination is ours or has no route, or (mode LINK) the route's
     * device cuts no segments. Safe from any thread: it reads only what is fixed once the stack is built.
     */
    int segmentationLimit(final int destination)
    {
        final int largeFrame = anyOutput.largeFrameLength();
        if (segmentationOffload == SegmentationOffload.NEVER || largeFrame == 0 || locals.indexOf(destination) >= 0)
        {
            return 0;
        }
        final Route route = routeFor(0, destination);
        if (route == null)
        {
            return 0;
        }
        final int deviceLimit = interfaces.get(route.interfaceIndex()).segmentationLimit();
        if (deviceLimit <= 0 && segmentationOffload != SegmentationOffload.ALWAYS)
        {
            return 0;
        }
        int limit = Math.min(largeFrame - PAYLOAD_OFFSET, MAX_DATAGRAM - HEADER_LENGTH);
        if (deviceLimit > 0)
        {
            limit = Math.min(limit, deviceLimit - PAYLOAD_OFFSET);
        }
        return Math.max(0, limit);
    }

    /**
     * Sends one TCP datagram cut into segments of {@code segmentSize} data bytes, with DF (RFC 1191): handed whole to
     * the device when it can cut it, else cut here. Either way the wire sees the segments TCP would have sent one by
     * one.
     */
    int sendSegmented(final int bufferId, final int payloadLength, final int segmentSize, final int sourceAddress,
        final int destination, final long nowNs)
    {
        if (payloadLength > MAX_DATAGRAM - HEADER_LENGTH)
        {
            anyOutput.abandon(bufferId);
            return TOO_LONG;
        }
        final MutableDirectBuffer buffer = anyOutput.buffer(bufferId);
        final int tcpHeaderLength = TcpSegmenter.headerLength(buffer, PAYLOAD_OFFSET);
        final String problem = TcpSegmenter.problem(payloadLength, tcpHeaderLength, segmentSize,
            anyOutput.capacity(bufferId) - PAYLOAD_OFFSET);
        if (problem != null)
        {
            anyOutput.abandon(bufferId);
            throw new IllegalArgumentException("sendSegmented to " + Ipv4Address.toString(destination) + ": " +
                problem);
        }
        final Route route = routeFor(sourceAddress, destination);
        if (route == null)
        {
            anyOutput.abandon(bufferId);
            counters.drop(DropReason.IPV4_NO_ROUTE);
            return NO_ROUTE;
        }
        final int dataLength = payloadLength - tcpHeaderLength;
        // RFC 1191 §3: DF on every segment, so each must fit the path MTU as a datagram sent alone would.
        if (HEADER_LENGTH + tcpHeaderLength + Math.min(segmentSize, dataLength) > effectiveMtu(route, destination,
            nowNs))
        {
            anyOutput.abandon(bufferId);
            counters.drop(DropReason.IPV4_TOO_BIG_DONT_FRAGMENT);
            return TOO_BIG;
        }
        final int segments = TcpSegmenter.segmentCount(dataLength, segmentSize);
        final int source = sourceAddress != 0 ? sourceAddress : route.sourceAddress();
        final long mac = deviceCuts(route, payloadLength) ? knownNextHopMac(route, destination, nowNs) :
            NeighbourResolver.UNKNOWN;
        if (mac != NeighbourResolver.UNKNOWN)
        {
            return sendToDevice(route, bufferId, payloadLength, segmentSize, segments, mac, source, destination);
        }
        return cutInSoftware(route, bufferId, payloadLength, segmentSize, segments, source, destination, nowNs);
    }

    /** Whether the route's device takes a frame of this datagram to cut (and it is not our own loopback). */
    private boolean deviceCuts(final Route route, final int payloadLength)
    {
        final int interfaceIndex = route.interfaceIndex();
        return segmentationOffload != SegmentationOffload.NEVER && route != locals.localRoute(interfaceIndex) &&
            interfaces.get(interfaceIndex).segmentationLimit() >= PAYLOAD_OFFSET + payloadLength;
    }

    /** The next hop's MAC if known now; a frame for the device to cut is never held waiting for ARP. */
    private long knownNextHopMac(final Route route, final int destination, final long nowNs)
    {
        final int interfaceIndex = route.interfaceIndex();
        final int nextHop = route.nextHop(destination);
        if (nextHop == RouteTable.LIMITED_BROADCAST ||
            (route.connected() && locals.isDirectedBroadcast(interfaceIndex, nextHop)))
        {
            return MacAddress.BROADCAST;
        }
        return resolver.knownMac(interfaceIndex, nextHop, nowNs);
    }

    /**
     * One IPv4 header for the whole datagram, its identification the first of one per segment (RFC 6864 §4.1: each
     * segment the device makes is a datagram of its own and takes the next), then one descriptor to the link.
     */
    private int sendToDevice(final Route route, final int bufferId, final int payloadLength, final int segmentSize,
        final int segments, final long mac, final int source, final int destination)
    {
        final EthernetOutput output = interfaces.get(route.interfaceIndex()).output();
        final int identification = idGenerator.reserve(source, destination, TcpSegmenter.PROTOCOL_TCP, segments);
        writeHeader(output.buffer(bufferId), HEADER_LENGTH + payloadLength, identification,
            Ipv4Header.FLAG_DONT_FRAGMENT, 0, defaultTtl, TcpSegmenter.PROTOCOL_TCP, source, destination);
        output.writeHeader(bufferId, mac, EthernetFrame.ETHER_TYPE_IPV4);
        if (!output.sendSegmented(bufferId, PAYLOAD_OFFSET + payloadLength, segmentSize))
        {
            return NO_BUFFER;
        }
        counters.add(CounterDescriptor.IPV4_SENT, segments);
        counters.increment(CounterDescriptor.IPV4_SEGMENTED_SENT);
        return SENT;
    }

    /**
     * Cuts the datagram into regular buffers, all claimed before any is filled (a shortage sends nothing), then sends
     * each segment as a datagram of its own: its own identification, ARP holding it if need be.
     */
    private int cutInSoftware(final Route route, final int bufferId, final int payloadLength, final int segmentSize,
        final int segments, final int source, final int destination, final long nowNs)
    {
        final MutableDirectBuffer datagram = anyOutput.buffer(bufferId);
        if (segments > segmentBuffers.length)
        {
            // More segments than the pool has buffers: it could never hold them all at once.
            anyOutput.abandon(bufferId);
            counters.drop(DropReason.POOL_EXHAUSTED_TX);
            return NO_BUFFER;
        }
        for (int i = 0; i < segments; i++)
        {
            final int segmentId = anyOutput.claim();
            if (segmentId < 0)
            {
                for (int j = 0; j < i; j++)
                {
                    anyOutput.abandon(segmentBuffers[j]);
                }
                anyOutput.abandon(bufferId);
                return NO_BUFFER;
            }
            segmentBuffers[i] = segmentId;
        }
        final int tcpHeaderLength = TcpSegmenter.headerLength(datagram, PAYLOAD_OFFSET);
        for (int i = 0; i < segments; i++)
        {
            TcpSegmenter.writeSegment(datagram, PAYLOAD_OFFSET, payloadLength, segmentSize, i,
                anyOutput.buffer(segmentBuffers[i]), PAYLOAD_OFFSET, source, destination);
        }
        anyOutput.abandon(bufferId);
        final int dataLength = payloadLength - tcpHeaderLength;
        int result = SENT;
        for (int i = 0; i < segments; i++)
        {
            final int segmentData = Math.max(0, Math.min(segmentSize, dataLength - i * segmentSize));
            final int segmentLength = tcpHeaderLength + segmentData;
            final int segmentId = segmentBuffers[i];
            result = worse(result, emit(route, anyOutput.buffer(segmentId), PAYLOAD_OFFSET, segmentLength, segmentId,
                source, destination, TcpSegmenter.PROTOCOL_TCP, DONT_FRAGMENT, 0, nowNs));
        }
        counters.increment(CounterDescriptor.IPV4_SEGMENTED_SOFTWARE);
        return result;
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
