package io.ustack.ip.ipv4;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.Ipv4Prefix;
import io.ustack.api.net.MacAddress;
import io.ustack.api.ring.DescriptorFlags;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.ProtocolModule;
import io.ustack.ip.arp.NeighbourResolver;
import io.ustack.ip.route.Route;
import io.ustack.ip.route.RouteTable;
import io.ustack.ip.wire.Ipv4Header;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * IPv4 on the network agent's thread (RFC 791, RFC 1122 §3.2-3.3): validates received datagrams, reassembles
 * fragments, hands each to the transport of its protocol; frames what transports send, fragmenting to the path MTU,
 * and resolves the next hop through the {@link NeighbourResolver}.
 *
 * <p>Assembly: construct, {@link #register} the transports and call {@link #icmpErrors} once, in either order; a
 * transport is attached ({@link TransportProtocol#onAttach}) as soon as both its registration and the ICMP errors are
 * there. The first frame or duty cycle fails loudly if a registered transport was never attached.
 *
 * <p>Datagrams to one of our own addresses never reach a link: they wait in a small loopback queue and go through
 * the input path on the next duty cycle (so a transport answering itself does not recurse), with a loopback MTU as
 * large as a packet buffer allows. Limited broadcasts and broadcasts go out on the link only.
 *
 * <p>Not done: forwarding (a host, RFC 1122 §3.3.1: datagrams for other hosts are dropped), multicast, IP options
 * on output (received options are checked and ignored), looping our own broadcasts back to local sockets.
 */
public final class Ipv4Module implements ProtocolModule, Ipv4Sender, TransportDirectory
{
    /** The EtherType of IPv4. */
    public static final int ETHER_TYPE = EthernetFrame.ETHER_TYPE_IPV4;
    /** Most fragments one datagram can need: 65,535 bytes in 8-byte pieces. */
    static final int MAX_FRAGMENTS = 65_536 / 8;
    /** Datagrams to ourselves waiting for the next duty cycle. */
    static final int LOOPBACK_QUEUE_CAPACITY = 1024;

    private static final int IP_OFFSET = EthernetFrame.HEADER_LENGTH;
    private static final int HEADER_LENGTH = Ipv4Header.MIN_HEADER_LENGTH;
    private static final int MAX_DATAGRAM = 65_535;
    private static final int ICMP_TIME_EXCEEDED_REASSEMBLY = 1;
    private static final int ICMP_DESTINATION_UNREACHABLE = 3;

    private final RouteTable routes;
    private final NetworkInterfaces interfaces;
    private final NeighbourResolver resolver;
    private final StackCounters counters;
    private final int defaultTtl;
    private final EthernetOutput anyOutput;
    private final int[] localAddresses;
    private final int[] localInterfaces;
    private final Route[] localRoutes;
    private final int[] directedBroadcasts;
    private final int[] maxIpLength;

    private final TransportProtocol[] transports = new TransportProtocol[256];
    private final List<TransportProtocol> transportList = new ArrayList<>();
    private TransportProtocol[] transportArray = new TransportProtocol[0];
    private IcmpErrors icmpErrors;
    private int unattached;

    private final Reassembler reassembler;
    private final IpIdGenerator idGenerator;
    private final PathMtuCache pathMtus = new PathMtuCache();
    private final Ipv4Header inHeader = new Ipv4Header();
    private final Ipv4Header outHeader = new Ipv4Header();
    private final Ipv4Header quoteHeader = new Ipv4Header();
    private final ReceivedDatagram received = new ReceivedDatagram();
    private final ReceivedDatagram quote = new ReceivedDatagram();
    private final int[] fragmentBuffers = new int[MAX_FRAGMENTS];
    private final LoopbackQueue loopback = new LoopbackQueue(LOOPBACK_QUEUE_CAPACITY);

    /**
     * @param config   {@code ipDefaultTtl}, the reassembly settings and {@code randomSeed}
     * @param routes   the route table, built over the interfaces this module will serve
     * @param resolver next-hop MAC resolution (the ARP module)
     * @param counters the stack's counters
     */
    public Ipv4Module(final StackConfig config, final RouteTable routes, final NeighbourResolver resolver,
        final StackCounters counters)
    {
        this.routes = routes;
        this.interfaces = routes.interfaces();
        if (interfaces.count() == 0)
        {
            throw new IllegalArgumentException("IPv4 needs at least one interface");
        }
        this.resolver = resolver;
        this.counters = counters;
        this.defaultTtl = config.ipDefaultTtl();
        this.anyOutput = interfaces.get(0).output();
        final int count = interfaces.count();
        this.localRoutes = new Route[count];
        this.directedBroadcasts = new int[count];
        this.maxIpLength = new int[count];
        final List<Integer> addresses = new ArrayList<>();
        final List<Integer> owners = new ArrayList<>();
        for (final NetworkInterface nif : interfaces.asList())
        {
            final int i = nif.index();
            maxIpLength[i] = Math.min(MAX_DATAGRAM, nif.output().maxFrameLength() - EthernetFrame.HEADER_LENGTH);
            if (nif.hasAddress())
            {
                addresses.add(nif.ipv4Address());
                owners.add(i);
                localRoutes[i] = new Route(i, new Ipv4Prefix(nif.ipv4Address(), 32), 0, maxIpLength[i],
                    nif.ipv4Address());
                // RFC 3021: a /31 (or /32) subnet has no broadcast address.
                directedBroadcasts[i] = nif.address().prefixLength() <= 30 ? nif.address().broadcast() : 0;
            }
        }
        this.localAddresses = addresses.stream().mapToInt(Integer::intValue).toArray();
        this.localInterfaces = owners.stream().mapToInt(Integer::intValue).toArray();
        this.idGenerator = new IpIdGenerator(config.randomSeed());
        this.reassembler = new Reassembler(config, counters, new ReassemblyListener());
        resolver.onUnresolved(this::onUnresolved);
    }

    // ---- assembly -------------------------------------------------------------------------------------------------

    /**
     * Adds a transport; only before the stack starts. It is attached now if {@link #icmpErrors} was set, else when
     * it is.
     *
     * @throws IllegalArgumentException if another transport has that protocol number
     */
    public void register(final TransportProtocol transport)
    {
        final int protocol = transport.protocolNumber();
        if (protocol < 0 || protocol > 255)
        {
            throw new IllegalArgumentException("transport " + transport + " has protocol " + protocol + ": use 0..255");
        }
        if (transports[protocol] != null)
        {
            throw new IllegalArgumentException("protocol " + protocol + " already has a transport: " +
                transports[protocol]);
        }
        transports[protocol] = transport;
        transportList.add(transport);
        transportArray = transportList.toArray(new TransportProtocol[0]);
        if (icmpErrors != null)
        {
            transport.onAttach(this, icmpErrors);
        }
        else
        {
            unattached++;
        }
    }

    /** Sets who sends ICMP errors (the ICMP module); once, before the stack starts. Attaches waiting transports. */
    public void icmpErrors(final IcmpErrors errors)
    {
        if (icmpErrors != null)
        {
            throw new IllegalStateException("ICMP errors already set to " + icmpErrors);
        }
        icmpErrors = errors;
        for (final TransportProtocol transport : transportArray)
        {
            transport.onAttach(this, errors);
        }
        unattached = 0;
    }

    /** The reassembler, for tests and reports. */
    public Reassembler reassembler()
    {
        return reassembler;
    }

    @Override
    public int etherType()
    {
        return ETHER_TYPE;
    }

    @Override
    public void onAttach(final NetworkInterfaces attachedInterfaces)
    {
        if (attachedInterfaces != interfaces)
        {
            throw new IllegalArgumentException("the IPv4 module's route table was built over other interfaces than " +
                "the network agent's: build both from the same NetworkInterfaces");
        }
    }

    private void checkAttached()
    {
        if (unattached != 0)
        {
            throw new IllegalStateException(unattached + " transport(s) registered but not attached: call " +
                "Ipv4Module.icmpErrors(...) before the stack starts");
        }
    }

    // ---- input ----------------------------------------------------------------------------------------------------

    @Override
    public void onFrame(final int interfaceIndex, final DirectBuffer buffer, final int frameOffset,
        final int frameLength, final int flags, final long nowNs)
    {
        checkAttached();
        final boolean linkGroup = (flags & DescriptorFlags.LINK_GROUP_ADDRESS) != 0 ||
            MacAddress.isGroup(MacAddress.read(buffer, frameOffset + EthernetFrame.DESTINATION_OFFSET));
        receive(interfaceIndex, buffer, frameOffset + IP_OFFSET, frameLength - IP_OFFSET, linkGroup, false, nowNs);
    }

    private void receive(final int interfaceIndex, final DirectBuffer buffer, final int offset, final int length,
        final boolean linkGroup, final boolean fromLoopback, final long nowNs)
    {
        final Ipv4Header ip = inHeader;
        if (!ip.tryWrap(buffer, offset, length))
        {
            counters.drop(ip.failure());
            return;
        }
        if (!ip.checksumValid())
        {
            // RFC 1122 §3.2.1.2: a datagram with a bad header checksum MUST be silently discarded.
            counters.drop(DropReason.IPV4_BAD_CHECKSUM);
            return;
        }
        if (ip.timeToLive() == 0)
        {
            counters.drop(DropReason.IPV4_TTL_EXPIRED);
            return;
        }
        final int source = ip.sourceAddress();
        final int destination = ip.destinationAddress();
        if (!fromLoopback && badSource(interfaceIndex, source))
        {
            counters.drop(DropReason.IPV4_BAD_SOURCE);
            return;
        }
        final boolean broadcast = destination == RouteTable.LIMITED_BROADCAST ||
            (directedBroadcasts[interfaceIndex] != 0 && destination == directedBroadcasts[interfaceIndex]);
        // RFC 1122 §3.3.4.2 weak host model: any of our addresses, whatever the arrival interface. RFC 1122 §3.3.6:
        // a host SHOULD discard a unicast datagram that came in a link-layer broadcast.
        if (!broadcast && (linkGroup || !isLocalAddress(destination)))
        {
            counters.drop(DropReason.IPV4_NOT_FOR_US);
            return;
        }
        if (ip.isFragment())
        {
            reassembler.offer(ip, interfaceIndex, linkGroup, nowNs);
            return;
        }
        received.set(buffer, offset, ip.headerLength(), ip.payloadLength(), source, destination, ip.protocol(),
            ip.timeToLive(), interfaceIndex, linkGroup, false);
        deliver(received, nowNs);
    }

    /**
     * RFC 1122 §3.2.1.3: a source must be a unicast host address: not 0.0.0.0 or "this network" 0/8 (we run no
     * DHCP, the one use of it), not 127/8 loopback from a wire, not multicast 224/4 (RFC 1112 §4), not reserved
     * 240/4 nor the limited broadcast, not the arrival subnet's directed broadcast; and not our own address (another
     * host using it, or our own frames reflected back).
     */
    private boolean badSource(final int interfaceIndex, final int source)
    {
        final int firstOctet = source >>> 24;
        return firstOctet == 0 || firstOctet == 127 || firstOctet >= 224 ||
            (directedBroadcasts[interfaceIndex] != 0 && source == directedBroadcasts[interfaceIndex]) ||
            isLocalAddress(source);
    }

    private void deliver(final ReceivedDatagram datagram, final long nowNs)
    {
        final TransportProtocol transport = transports[datagram.protocol()];
        if (transport == null)
        {
            // RFC 1122 §3.2.2.1: a host SHOULD answer with protocol unreachable (IcmpErrors applies the MUST NOTs).
            counters.drop(DropReason.IPV4_UNKNOWN_PROTOCOL);
            if (icmpErrors != null)
            {
                icmpErrors.destinationUnreachable(IcmpErrors.CODE_PROTOCOL_UNREACHABLE, 0, datagram, nowNs);
            }
            return;
        }
        counters.increment(CounterDescriptor.IPV4_DELIVERED);
        transport.onDatagram(datagram, nowNs);
    }

    /** Reports a held packet whose next hop never answered to its transport as host unreachable; frees it. */
    private void onUnresolved(final int bufferId, final int frameLength, final long nowNs)
    {
        try
        {
            final MutableDirectBuffer buffer = anyOutput.buffer(bufferId);
            final Ipv4Header ip = quoteHeader;
            // A non-initial fragment quotes no transport header: RFC 1122 §3.2.2 sends no error about it.
            if (!ip.tryWrap(buffer, IP_OFFSET, frameLength - IP_OFFSET) || ip.fragmentOffset() != 0)
            {
                return;
            }
            final TransportProtocol transport = transports[ip.protocol()];
            if (transport != null)
            {
                quote.set(buffer, IP_OFFSET, ip.headerLength(), ip.payloadLength(), ip.sourceAddress(),
                    ip.destinationAddress(), ip.protocol(), ip.timeToLive(), -1, false, ip.isFragment());
                transport.onIcmpError(ICMP_DESTINATION_UNREACHABLE, IcmpErrors.CODE_HOST_UNREACHABLE, 0, quote, nowNs);
            }
        }
        finally
        {
            anyOutput.abandon(bufferId);
        }
    }

    @Override
    public int doWork(final long nowNs)
    {
        checkAttached();
        int work = drainLoopback(nowNs) + reassembler.doWork(nowNs);
        for (final TransportProtocol transport : transportArray)
        {
            work += transport.doWork(nowNs);
        }
        return work;
    }

    private int drainLoopback(final long nowNs)
    {
        final int count = loopback.size();
        for (int i = 0; i < count; i++)
        {
            final int bufferId = loopback.headBuffer();
            final int frameLength = loopback.headLength();
            final int interfaceIndex = loopback.headInterface();
            loopback.remove();
            try
            {
                receive(interfaceIndex, anyOutput.buffer(bufferId), IP_OFFSET, frameLength - IP_OFFSET, false, true,
                    nowNs);
            }
            finally
            {
                anyOutput.abandon(bufferId);
            }
        }
        return count;
    }

    // ---- output ---------------------------------------------------------------------------------------------------

    @Override
    public int claim()
    {
        return anyOutput.claim();
    }

    @Override
    public MutableDirectBuffer buffer(final int bufferId)
    {
        return anyOutput.buffer(bufferId);
    }

    @Override
    public int bufferCapacity()
    {
        return anyOutput.maxFrameLength() - PAYLOAD_OFFSET;
    }

    @Override
    public void abandon(final int bufferId)
    {
        anyOutput.abandon(bufferId);
    }

    @Override
    public int send(final int bufferId, final int payloadLength, final int sourceAddress,
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

    @Override
    public int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
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
        if (route == localRoutes[interfaceIndex])
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
        output.writeHeader(bufferId, MacAddress.BROADCAST, ETHER_TYPE);
        final int nextHop = route.nextHop(destination);
        final boolean broadcast = nextHop == RouteTable.LIMITED_BROADCAST ||
            (route.connected() && directedBroadcasts[interfaceIndex] != 0 &&
            nextHop == directedBroadcasts[interfaceIndex]);
        if (!broadcast)
        {
            final long mac = resolver.resolveOrHold(interfaceIndex, nextHop, bufferId, frameLength, nowNs);
            if (mac < 0)
            {
                return QUEUED_FOR_RESOLUTION;
            }
            MacAddress.write(output.buffer(bufferId), EthernetFrame.DESTINATION_OFFSET, mac);
        }
        return output.send(bufferId, frameLength) ? SENT : NO_BUFFER;
    }

    private Route routeFor(final int sourceAddress, final int destination)
    {
        final int local = localIndex(destination);
        if (local >= 0)
        {
            return localRoutes[localInterfaces[local]];
        }
        if (destination == RouteTable.LIMITED_BROADCAST && sourceAddress != 0)
        {
            final int from = localIndex(sourceAddress);
            if (from >= 0)
            {
                return routes.limitedBroadcast(localInterfaces[from]);
            }
        }
        return routes.lookup(destination);
    }

    private int effectiveMtu(final Route route, final int destination, final long nowNs)
    {
        final int mtu = Math.min(route.mtu(), maxIpLength[route.interfaceIndex()]);
        final int learned = pathMtus.get(destination, nowNs);
        return learned > 0 ? Math.min(mtu, learned) : mtu;
    }

    @Override
    public int sourceAddressFor(final int destination)
    {
        final Route route = routeFor(0, destination);
        return route == null ? 0 : route.sourceAddress();
    }

    @Override
    public int pathMtu(final int destination, final long nowNs)
    {
        final Route route = routeFor(0, destination);
        return route == null ? 0 : effectiveMtu(route, destination, nowNs);
    }

    @Override
    public boolean isLocalAddress(final int address)
    {
        return localIndex(address) >= 0;
    }

    private int localIndex(final int address)
    {
        for (int i = 0; i < localAddresses.length; i++)
        {
            if (localAddresses[i] == address)
            {
                return i;
            }
        }
        return -1;
    }

    // ---- transport directory --------------------------------------------------------------------------------------

    @Override
    public TransportProtocol transportFor(final int protocol)
    {
        return protocol >= 0 && protocol < transports.length ? transports[protocol] : null;
    }

    @Override
    public void learnPathMtu(final int destination, final int mtu, final long nowNs)
    {
        final Route route = routes.lookup(destination);
        if (route != null && !isLocalAddress(destination))
        {
            pathMtus.learn(destination, mtu, route.mtu(), nowNs);
        }
    }

    @Override
    public String toString()
    {
        return "ipv4(" + interfaces.count() + " interfaces, " + transportArray.length + " transports)";
    }

    /** Reassembled datagrams go up like any other; a timed-out first fragment draws time exceeded. */
    private final class ReassemblyListener implements Reassembler.Listener
    {
        @Override
        public void onReassembled(final ReceivedDatagram datagram, final long nowNs)
        {
            deliver(datagram, nowNs);
        }

        @Override
        public void onTimedOut(final ReceivedDatagram firstFragment, final long nowNs)
        {
            // RFC 1122 §3.3.2: if the fragment with offset 0 arrived, a host SHOULD send time exceeded, code 1.
            if (icmpErrors != null)
            {
                icmpErrors.timeExceeded(ICMP_TIME_EXCEEDED_REASSEMBLY, firstFragment, nowNs);
            }
        }
    }
}
