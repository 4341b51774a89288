package io.ustack.runtime;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.Ipv4Prefix;
import io.ustack.ip.IpAgent;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.arp.ArpModule;
import io.ustack.ip.icmp.IcmpModule;
import io.ustack.ip.icmp.Pinger;
import io.ustack.ip.ipv4.Ipv4Module;
import io.ustack.ip.route.RouteTable;
import io.ustack.ip.route.StaticRoute;
import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.ip.handoff.TransportEnd;
import io.ustack.ip.handoff.TransportProxy;
import io.ustack.runtime.ring.DescriptorRings;
import io.ustack.tcp.TcpAgent;
import io.ustack.tcp.TcpModule;
import io.ustack.tcp.wire.TcpHeader;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.socket.TcpSocketLayer;
import io.ustack.udp.UdpModule;
import org.agrona.concurrent.NanoClock;

import java.util.List;

/**
 * Builds the IP layer of a stack whose interfaces have addresses: ARP and IPv4 as protocol modules of the network
 * agent, ICMP, UDP and TCP (with its socket layer) as transports of IPv4, wired to each other in the one order that works.
 */
final class IpLayerAssembly
{
    private final RouteTable routes;
    private final ArpModule arp;
    private final Ipv4Module ipv4;
    private final IcmpModule icmp;
    private final UdpModule udp;
    private final TcpSocketLayer tcp;
    private final TransportProxy tcpProxy;
    private final TcpAgent tcpAgent;

    /** A static neighbour from the builder. */
    record StaticNeighbour(int address, long mac)
    {
    }

    /**
     * @param appClock   the time applications wait by (blocking calls' timeouts)
     * @param agentClock the time the agents run by (the invoker's clock in INVOKER mode)
     */
    IpLayerAssembly(final StackConfig config, final StackCounters counters, final PacketBufferPool pool,
        final NanoClock appClock, final NanoClock agentClock, final NetworkInterfaces interfaces,
        final List<StaticRoute> staticRoutes, final List<StaticNeighbour> staticNeighbours,
        final TcpSettings tcpSettings, final int tcpSocketRingBytes)
    {
        this.routes = new RouteTable(interfaces, staticRoutes);
        this.arp = new ArpModule(config, counters);
        for (final StaticNeighbour neighbour : staticNeighbours)
        {
            arp.addStaticEntry(interfaceFor(interfaces, neighbour.address()), neighbour.address(), neighbour.mac());
        }
        this.ipv4 = new Ipv4Module(config, routes, arp, counters);
        this.icmp = new IcmpModule(config, ipv4, counters, appClock);
        ipv4.icmpErrors(icmp);
        ipv4.register(icmp);
        this.udp = new UdpModule(config, counters, appClock);
        ipv4.register(udp);
        this.tcp = new TcpSocketLayer(new TcpModule(config, counters, tcpSettings), tcpSettings, appClock,
            tcpSocketRingBytes);
        // TCP runs on its own agent (DESIGN.md "Data path"); IPv4 sees a proxy that passes descriptors across.
        final DescriptorRing toTcp = DescriptorRings.create(config.ringKind(), config.ringCapacity());
        final DescriptorRing fromTcp = DescriptorRings.create(config.ringKind(), config.ringCapacity());
        this.tcpProxy = new TransportProxy(TcpHeader.PROTOCOL, pool, toTcp, fromTcp, counters,
            config.linkBatchSize());
        ipv4.register(tcpProxy);
        this.tcpAgent = new TcpAgent(new TransportEnd(pool, toTcp, fromTcp, counters, ipv4), tcp, agentClock,
            config.linkBatchSize());
    }

    private static int interfaceFor(final NetworkInterfaces interfaces, final int address)
    {
        for (int i = 0; i < interfaces.count(); i++)
        {
            final Ipv4Prefix prefix = interfaces.get(i).address();
            if (prefix != null && prefix.contains(address))
            {
                return i;
            }
        }
        throw new IllegalArgumentException("static neighbour " + io.ustack.api.net.Ipv4Address.toString(address) +
            " is on none of the stack's subnets: add the interface first, or fix the address");
    }

    /** Registers the modules with the network agent. */
    void registerWith(final IpAgent ipAgent)
    {
        ipAgent.register(arp);
        ipAgent.register(ipv4);
    }

    RouteTable routes()
    {
        return routes;
    }

    UdpModule udp()
    {
        return udp;
    }

    TcpSocketLayer tcp()
    {
        return tcp;
    }

    /** TCP's agent, to be given a thread (or a place in a composite) like the other layers. */
    TcpAgent tcpAgent()
    {
        return tcpAgent;
    }

    /** Descriptors between the network agent and TCP's agent. */
    int pendingTcpDescriptors()
    {
        return tcpProxy.pendingDescriptors();
    }

    /** Frees what is still queued between the network agent and TCP; only once the agents have stopped. */
    int discardPending()
    {
        return tcpProxy.discardPending() + tcpAgent.discardPending();
    }

    Pinger pinger()
    {
        return icmp.pinger();
    }
}
