package io.ustack.ip.ipv4;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.MacAddress;
import io.ustack.api.ring.DescriptorFlags;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.ProtocolModule;
import io.ustack.ip.arp.NeighbourResolver;
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
    /** Datagrams to ourselves waiting for the next duty cycle. */
    static final int LOOPBACK_QUEUE_CAPACITY = 1024;

    private static final int IP_OFFSET = EthernetFrame.HEADER_LENGTH;
    private static final int ICMP_TIME_EXCEEDED_REASSEMBLY = 1;
    private static final int ICMP_DESTINATION_UNREACHABLE = 3;

    private final RouteTable routes;
    private final NetworkInterfaces interfaces;
    private final StackCounters counters;
    private final EthernetOutput anyOutput;
    private final LocalAddresses locals;
    private final Ipv4Output output;

    private final TransportProtocol[] transports = new TransportProtocol[256];
    private final List<TransportProtocol> transportList = new ArrayList<>();
    private TransportProtocol[] transportArray = new TransportProtocol[0];
    private IcmpErrors icmpErrors;
    private int unattached;

    private final Reassembler reassembler;
    private final Ipv4Header inHeader = new Ipv4Header();
    private final Ipv4Header quoteHeader = new Ipv4Header();
    private final ReceivedDatagram received = new ReceivedDatagram();
    private final ReceivedDatagram quote = new ReceivedDatagram();
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
        this.counters = counters;
        this.anyOutput = interfaces.get(0).output();
        this.locals = new LocalAddresses(interfaces);
        this.output = new Ipv4Output(config, routes, resolver, counters, locals, loopback);
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
            locals.isDirectedBroadcast(interfaceIndex, destination);
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
            locals.isDirectedBroadcast(interfaceIndex, source) ||
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

    // ---- output: see Ipv4Output ------------------------------------------------------------------------------------

    @Override
    public int claim()
    {
        return output.claim();
    }

    @Override
    public MutableDirectBuffer buffer(final int bufferId)
    {
        return output.buffer(bufferId);
    }

    /** The least room in any interface's ring to its link agent (one interface is the usual case). */
    @Override
    public int sendRoom()
    {
        int room = Integer.MAX_VALUE;
        for (int i = 0; i < interfaces.count(); i++)
        {
            room = Math.min(room, interfaces.get(i).output().room());
        }
        return room;
    }

    /** The smallest capacity of any interface's ring to its link agent. */
    @Override
    public int sendCapacity()
    {
        int capacity = Integer.MAX_VALUE;
        for (int i = 0; i < interfaces.count(); i++)
        {
            capacity = Math.min(capacity, interfaces.get(i).output().ringCapacity());
        }
        return capacity;
    }

    @Override
    public int bufferCapacity()
    {
        return output.bufferCapacity();
    }

    @Override
    public void abandon(final int bufferId)
    {
        output.abandon(bufferId);
    }

    @Override
    public int send(final int bufferId, final int payloadLength, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        return output.send(bufferId, payloadLength, sourceAddress, destinationAddress, protocol, flags, ttl, nowNs);
    }

    @Override
    public int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        return output.sendFrom(payload, offset, length, sourceAddress, destinationAddress, protocol, flags, ttl,
            nowNs);
    }

    @Override
    public int sourceAddressFor(final int destination)
    {
        return output.sourceAddressFor(destination);
    }

    @Override
    public int pathMtu(final int destination, final long nowNs)
    {
        return output.pathMtu(destination, nowNs);
    }

    /**
     * {@inheritDoc} Safe from any thread: it reads only the configuration, routes, addresses and interfaces, all
     * fixed once the stack is built.
     */
    @Override
    public int segmentationLimit(final int destination)
    {
        return output.segmentationLimit(destination);
    }

    @Override
    public int claimLarge()
    {
        return output.claimLarge();
    }

    @Override
    public int sendSegmented(final int bufferId, final int payloadLength, final int segmentSize,
        final int sourceAddress, final int destinationAddress, final long nowNs)
    {
        return output.sendSegmented(bufferId, payloadLength, segmentSize, sourceAddress, destinationAddress, nowNs);
    }

    /**
     * The MTU of the route to {@code destination} (0 when there is none), ignoring what ICMP taught this thread's
     * path MTU cache. Safe from any thread: routes and addresses are fixed once built.
     */
    public int routeMtu(final int destination)
    {
        return output.routeMtu(destination);
    }

    /** Safe from any thread: the stack's addresses are fixed once built. */
    @Override
    public boolean isLocalAddress(final int address)
    {
        return locals.indexOf(address) >= 0;
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
        output.learnPathMtu(destination, mtu, nowNs);
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
