package io.ustack.runtime;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.Ipv4Prefix;
import io.ustack.api.net.MacAddress;
import io.ustack.api.socket.TcpSockets;
import io.ustack.api.socket.UdpSockets;
import io.ustack.ip.icmp.Pinger;
import io.ustack.ip.route.RouteTable;
import io.ustack.ip.route.StaticRoute;
import io.ustack.tcp.TcpAgent;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.socket.TcpEngineSnapshot;
import io.ustack.tcp.socket.TcpSocketLayer;
import io.ustack.udp.dns.DnsResolver;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.IpAgent;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.ProtocolModule;
import io.ustack.link.LinkAgent;
import io.ustack.link.wire.EthernetFrame;
import io.ustack.runtime.ring.DescriptorRings;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One running protocol stack: the layer agents built from a {@link StackConfig}, joined by descriptor rings, and
 * given threads as its {@link ThreadingMode} says. The same agents run in every mode.
 *
 * <pre>
 *   app threads --command ring--&gt;  TcpAgent (TCP sockets and engine)
 *   TcpAgent  &lt;-- ring --&gt;  IpAgent (IPv4, ARP, ICMP, UDP modules)
 *   IpAgent   &lt;-- ring up -- / -- ring down --&gt;   LinkAgent (one per interface)   &lt;--&gt;   LinkEndpoint
 * </pre>
 */
public final class Stack implements AutoCloseable
{
    private static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(2);
    private static final int MIN_SOCKET_RING_BYTES = 4096;
    private static final int MAX_SOCKET_RING_BYTES = 64 << 20;

    private final StackConfig config;
    private final NanoClock clock;
    private final List<LinkEndpoint> endpoints;
    private final StackCounters counters;
    private final PacketBufferPool pool;
    private final LinkAgent[] linkAgents;
    private final IpAgent ipAgent;
    private final CompositeAgent invokerAgent;
    private final CachedNanoClock invokerClock;
    private final IpLayerAssembly ipLayer;
    private final List<AgentRunner> runners = new ArrayList<>();
    private final AtomicLong agentErrors = new AtomicLong();
    private volatile Throwable firstAgentError;
    private boolean started;
    private ShutdownReport shutdownReport;

    /**
     * Large buffers for segmentation offload: none when it is off, or when only links that cut segments would use it
     * and there is no such link.
     */
    private static int largeBufferSlots(final StackConfig config, final List<LinkEndpoint> endpoints)
    {
        return switch (config.segmentationOffload())
        {
            case NEVER -> 0;
            case ALWAYS -> config.largeBufferSlots();
            case LINK -> endpoints.stream().anyMatch(e -> e.segmentationOffloadLimit() > 0) ?
                config.largeBufferSlots() : 0;
        };
    }

    private Stack(final Builder builder)
    {
        this.config = builder.config;
        this.clock = builder.clock;
        this.endpoints = List.copyOf(builder.endpoints);
        this.counters = StackCounters.inMemory(config.name());
        this.pool = new PacketBufferPool(config.bufferSlots(), config.bufferSlotSize(),
            largeBufferSlots(config, endpoints), StackConfig.LARGE_BUFFER_SLOT_SIZE);
        final boolean invoker = config.threadingMode() == ThreadingMode.INVOKER;
        this.invokerClock = invoker ? new CachedNanoClock() : null;
        final NanoClock agentClock = invoker ? invokerClock : builder.clock;

        final int count = endpoints.size();
        final DescriptorRing[] up = new DescriptorRing[count];
        final DescriptorRing[] down = new DescriptorRing[count];
        final List<NetworkInterface> interfaces = new ArrayList<>(count);
        this.linkAgents = new LinkAgent[count];
        for (int i = 0; i < count; i++)
        {
            final LinkEndpoint endpoint = endpoints.get(i);
            up[i] = DescriptorRings.create(config.ringKind(), config.ringCapacity());
            down[i] = DescriptorRings.create(config.ringKind(), config.ringCapacity());
            linkAgents[i] = new LinkAgent(endpoint, pool, up[i], down[i], counters, config.linkBatchSize());
            interfaces.add(new NetworkInterface(i, endpoint.name(), endpoint.macAddress(), builder.addresses.get(i),
                Math.min(config.mtu(), endpoint.mtu()),
                new EthernetOutput(pool, down[i], counters, endpoint.macAddress()),
                config.segmentationOffload() == SegmentationOffload.NEVER ? 0 : endpoint.segmentationOffloadLimit()));
        }
        final NetworkInterfaces networkInterfaces = new NetworkInterfaces(interfaces);
        this.ipAgent = new IpAgent(pool, networkInterfaces, up, down, counters, agentClock, config.linkBatchSize());
        final boolean anyAddress = builder.addresses.stream().anyMatch(Objects::nonNull);
        if (!anyAddress && (!builder.routes.isEmpty() || !builder.neighbours.isEmpty()))
        {
            throw new IllegalArgumentException("stack " + config.name() +
                " has routes or neighbours but no interface with an IPv4 address: give iface() an address");
        }
        this.ipLayer = anyAddress ? new IpLayerAssembly(config, counters, pool, builder.clock, agentClock,
            networkInterfaces, builder.routes, builder.neighbours, builder.tcpSettings, builder.tcpSocketRingBytes) :
            null;
        if (ipLayer != null)
        {
            ipLayer.registerWith(ipAgent);
        }
        for (final ProtocolModule module : builder.modules)
        {
            ipAgent.register(module);
        }
        this.invokerAgent = invoker ? new CompositeAgent(allAgents()) : null;
    }

    private List<Agent> allAgents()
    {
        final List<Agent> agents = new ArrayList<>(List.of(linkAgents));
        agents.add(ipAgent);
        if (ipLayer != null)
        {
            agents.add(ipLayer.tcpAgent());
        }
        return agents;
    }

    /** Starts describing a stack; add at least one interface with {@link Builder#iface}. */
    public static Builder builder(final StackConfig config)
    {
        return new Builder(config);
    }

    /** Starts describing a stack with one interface, without an IP address: {@code builder(config).iface(endpoint)}. */
    public static Builder builder(final StackConfig config, final LinkEndpoint endpoint)
    {
        return new Builder(config).iface(endpoint);
    }

    /**
     * Gives the agents their threads (none in {@link ThreadingMode#INVOKER}, where the caller drives
     * {@link #poll(long)}).
     */
    public synchronized Stack start()
    {
        if (started)
        {
            throw new IllegalStateException("stack " + config.name() + " is already started");
        }
        started = true;
        switch (config.threadingMode())
        {
            case INVOKER:
                invokerAgent.onStart();
                break;
            case SHARED:
                startRunner(new CompositeAgent(allAgents()));
                break;
            case DEDICATED:
                for (final Agent agent : allAgents())
                {
                    startRunner(agent);
                }
                break;
            default:
                throw new IllegalStateException("unknown threading mode " + config.threadingMode());
        }
        return this;
    }

    private void startRunner(final Agent agent)
    {
        final AgentRunner runner = new AgentRunner(IdleStrategies.create(config.idleStrategy()),
            this::onAgentError, null, agent);
        runners.add(runner);
        AgentRunner.startOnThread(runner, r ->
        {
            final Thread thread = new Thread(r, config.name() + "-" + agent.roleName());
            thread.setDaemon(true);
            return thread;
        });
    }

    private void onAgentError(final Throwable error)
    {
        if (agentErrors.getAndIncrement() == 0)
        {
            firstAgentError = error;
            System.err.println("ustack " + config.name() + ": agent error (a bug; the stack keeps running): " + error);
            error.printStackTrace(System.err);
        }
    }

    /**
     * One duty cycle of every agent at time {@code nowNs}: the whole stack's work in {@link ThreadingMode#INVOKER}.
     *
     * @return work done; 0 when the stack was idle
     */
    public int poll(final long nowNs)
    {
        if (invokerAgent == null)
        {
            throw new IllegalStateException("poll() drives INVOKER stacks; stack " + config.name() + " is " +
                config.threadingMode() + " and its own threads do the work");
        }
        if (!started)
        {
            throw new IllegalStateException("start() stack " + config.name() + " before polling it");
        }
        invokerClock.update(nowNs);
        try
        {
            return invokerAgent.doWork();
        }
        catch (final Exception e)
        {
            onAgentError(e);
            return 1;
        }
    }

    /** Stops the stack, letting queued packets drain for up to two seconds; see {@link #shutdown(Duration)}. */
    @Override
    public void close()
    {
        shutdown(DEFAULT_DRAIN_TIMEOUT);
    }

    /** {@link #shutdown(Duration)} with two seconds to drain. */
    public ShutdownReport shutdown()
    {
        return shutdown(DEFAULT_DRAIN_TIMEOUT);
    }

    /**
     * Stops the stack: gives TCP up to {@code drainTimeout} to send what applications wrote and close every
     * connection (FIN, and a reset for whatever has not finished closing by then), waits up to {@code drainTimeout}
     * for the rings between layers to empty, stops the agents, frees whatever is still queued (counted as
     * {@code SHUTDOWN_DISCARDED}) and closes the endpoint.
     * Idempotent; returns the same report each time.
     */
    public synchronized ShutdownReport shutdown(final Duration drainTimeout)
    {
        if (shutdownReport != null)
        {
            return shutdownReport;
        }
        final int tcpReset = started && ipLayer != null ? closeTcp(drainTimeout) : 0;
        final boolean drained = started && drain(drainTimeout);
        if (invokerAgent != null && started)
        {
            invokerAgent.onClose();
        }
        else
        {
            CloseHelper.closeAll(runners);
        }
        int discarded = ipAgent.discardPending() + (ipLayer == null ? 0 : ipLayer.discardPending());
        for (int i = 0; i < linkAgents.length; i++)
        {
            endpoints.get(i).close();
            discarded += linkAgents[i].discardPending();
        }
        shutdownReport = new ShutdownReport(drained || !started, discarded, pool.inUse(), agentErrors.get(),
            tcpReset);
        return shutdownReport;
    }

    /**
     * Lets TCP close every connection: the bytes applications wrote go out, each connection gets a FIN, and
     * whatever has not finished closing by the deadline is reset (see {@link TcpAgent}). An INVOKER stack's caller
     * drives time, so nothing can be waited for there: its connections are reset at once.
     *
     * @return connections reset
     */
    private int closeTcp(final Duration timeout)
    {
        final TcpAgent tcpAgent = ipLayer.tcpAgent();
        if (invokerAgent != null)
        {
            tcpAgent.forceShutdown();
            tcpAgent.requestShutdown(0);
            for (int cycle = 0; cycle < 1000 && !tcpAgent.isShutDown(); cycle++)
            {
                poll(invokerClock.nanoTime());
            }
            return tcpAgent.resetAtShutdown();
        }
        tcpAgent.requestShutdown(clock.nanoTime() + timeout.toNanos());
        final long deadlineNs = System.nanoTime() + timeout.toNanos(); // shutdown waits in real time
        while (!tcpAgent.isShutDown())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                tcpAgent.forceShutdown(); // the stack's clock may be virtual and standing still
            }
            if (System.nanoTime() - deadlineNs - timeout.toNanos() >= 0)
            {
                break; // the TCP agent does not answer (an agent error): stop it anyway
            }
            LockSupport.parkNanos(100_000);
        }
        return tcpAgent.resetAtShutdown();
    }

    private boolean drain(final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos(); // shutdown waits in real time
        while (pendingTopDown() > 0)
        {
            if (deadlineNs - System.nanoTime() < 0)
            {
                return false;
            }
            if (invokerAgent != null)
            {
                poll(invokerClock.nanoTime());
            }
            else
            {
                LockSupport.parkNanos(100_000);
            }
        }
        return true;
    }

    /**
     * Descriptors still queued between the agents, read in the order outgoing packets flow: TCP's rings first, then
     * the network agent's rings to and from the links. A ring empties only after its consumer has handled what it
     * took, so a packet that moves on between the two reads (a last RST taken by the network agent and queued to the
     * link) is counted by the second read. Read the other way round, both reads could miss it, and the link would
     * stop with the packet unsent. Last, the frames a link agent holds because its endpoint refused them.
     */
    private int pendingTopDown()
    {
        final int tcp = ipLayer == null ? 0 : ipLayer.pendingTcpDescriptors();
        int pending = tcp + ipAgent.pendingDescriptors();
        for (final LinkAgent link : linkAgents)
        {
            pending += link.heldFrames();
        }
        return pending;
    }

    /** The configuration the stack was built from. */
    public StackConfig config()
    {
        return config;
    }

    /** The stack's counters. */
    public StackCounters counters()
    {
        return counters;
    }

    /** The stack's packet buffers. */
    public PacketBufferPool bufferPool()
    {
        return pool;
    }

    /** The devices under the stack, in interface order. */
    public List<LinkEndpoint> endpoints()
    {
        return endpoints;
    }

    /** The interfaces as the network layer sees them (index, MAC, address, MTU). */
    public NetworkInterfaces interfaces()
    {
        return ipAgent.interfaces();
    }

    /**
     * Opens UDP sockets on this stack.
     *
     * @throws IllegalStateException when no interface has an IPv4 address
     */
    public UdpSockets udp()
    {
        return requireIpLayer("UDP").udp();
    }

    /**
     * Opens TCP connections on this stack. Blocking calls need {@code SHARED} or {@code DEDICATED} mode.
     *
     * @throws IllegalStateException when no interface has an IPv4 address
     */
    public TcpSockets tcp()
    {
        return requireIpLayer("TCP").tcp();
    }

    /**
     * What the TCP engine holds (connections, control blocks, timers), asked of the stack thread: for leak checks
     * and summaries. Needs {@code SHARED} or {@code DEDICATED} mode.
     *
     * @throws SocketTimeoutException when the stack thread does not answer within {@code timeout}
     */
    public TcpEngineSnapshot tcpSnapshot(final Duration timeout) throws SocketTimeoutException
    {
        return requireIpLayer("TCP").tcp().snapshot(timeout);
    }

    /**
     * Sends ICMP echo requests from this stack ({@code ustack ping}).
     *
     * @throws IllegalStateException when no interface has an IPv4 address
     */
    public Pinger pinger()
    {
        return requireIpLayer("ping").pinger();
    }

    /**
     * A DNS stub resolver asking {@code server} (port 53) over this stack's UDP: 2 s per attempt, 3 attempts.
     *
     * @throws IllegalStateException when no interface has an IPv4 address
     */
    public DnsResolver resolver(final int server)
    {
        return new DnsResolver(udp(), server, 53, clock, Duration.ofSeconds(2), 3);
    }

    /** The route table, or null on a stack without IP. */
    public RouteTable routes()
    {
        return ipLayer == null ? null : ipLayer.routes();
    }

    private IpLayerAssembly requireIpLayer(final String what)
    {
        if (ipLayer == null)
        {
            throw new IllegalStateException(what + " needs an IPv4 address on stack " + config.name() +
                ": add the interface with iface(endpoint, \"a.b.c.d/n\")");
        }
        return ipLayer;
    }

    /** Exceptions agents have raised (each one a bug): 0 in a healthy stack. */
    public long agentErrors()
    {
        return agentErrors.get();
    }

    /** The first exception an agent raised, or null. */
    public Throwable firstAgentError()
    {
        return firstAgentError;
    }

    /** Collects the parts of a stack. */
    public static final class Builder
    {
        private final StackConfig config;
        private final List<LinkEndpoint> endpoints = new ArrayList<>();
        private final List<Ipv4Prefix> addresses = new ArrayList<>();
        private final List<ProtocolModule> modules = new ArrayList<>();
        private final List<StaticRoute> routes = new ArrayList<>();
        private final List<IpLayerAssembly.StaticNeighbour> neighbours = new ArrayList<>();
        private NanoClock clock = new SystemNanoClock();
        private TcpSettings tcpSettings = TcpSettings.defaults();
        private int tcpSocketRingBytes = TcpSocketLayer.DEFAULT_RING_BYTES;

        private Builder(final StackConfig config)
        {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Adds an interface that carries no IP (e.g. for the link probe). */
        public Builder iface(final LinkEndpoint endpoint)
        {
            return iface(endpoint, (Ipv4Prefix)null);
        }

        /** Adds an interface with our IPv4 address and subnet on it, e.g. {@code "198.18.0.1/24"}. */
        public Builder iface(final LinkEndpoint endpoint, final String addressAndPrefix)
        {
            return iface(endpoint, Ipv4Prefix.parse(addressAndPrefix));
        }

        /** Adds an interface; {@code address} may be null for a link without IP. */
        public Builder iface(final LinkEndpoint endpoint, final Ipv4Prefix address)
        {
            Objects.requireNonNull(endpoint, "endpoint");
            final int largestFrame = endpoint.mtu() + EthernetFrame.HEADER_LENGTH;
            if (largestFrame > config.bufferSlotSize())
            {
                throw new IllegalArgumentException("endpoint " + endpoint.name() + " carries " + endpoint.mtu() +
                    "-byte packets, which do not fit " + config.bufferSlotSize() +
                    "-byte packet buffers: raise bufferSlotSize to at least " + ((largestFrame + 63) / 64 * 64));
            }
            endpoints.add(endpoint);
            addresses.add(address);
            return this;
        }

        /**
         * Adds a static route: datagrams for {@code destination} (e.g. {@code "10.0.0.0/8"}) go via {@code gateway},
         * which must lie on one of the interfaces' subnets.
         */
        public Builder route(final String destination, final String gateway)
        {
            routes.add(new StaticRoute(Ipv4Prefix.parse(destination), Ipv4Address.parse(gateway)));
            return this;
        }

        /** The default gateway: the route for 0.0.0.0/0. */
        public Builder defaultGateway(final String gateway)
        {
            return route("0.0.0.0/0", gateway);
        }

        /** A permanent ARP entry, e.g. {@code staticNeighbour("198.18.0.2", "02:00:00:00:00:02")}. */
        public Builder staticNeighbour(final String address, final String mac)
        {
            neighbours.add(new IpLayerAssembly.StaticNeighbour(Ipv4Address.parse(address),
                MacAddress.parse(mac).bits()));
            return this;
        }

        /** The time source of threaded stacks (INVOKER stacks take time from {@link Stack#poll(long)}). */
        public Builder clock(final NanoClock clock)
        {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** TCP's buffers, timers and policies (default {@link TcpSettings#defaults()}). */
        public Builder tcp(final TcpSettings settings)
        {
            this.tcpSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Bytes in each of the two rings a blocking or non-blocking TCP socket has between its application thread and
         * the stack (default {@value TcpSocketLayer#DEFAULT_RING_BYTES}, rounded up to a power of two). Each socket
         * holds two, off-heap, for its lifetime: lower it for many mostly idle connections, raise it for a few fast
         * ones. Callback-style connections have none.
         *
         * @throws IllegalArgumentException outside 4 KiB .. 64 MiB
         */
        public Builder tcpSocketRingBytes(final int bytes)
        {
            if (bytes < MIN_SOCKET_RING_BYTES || bytes > MAX_SOCKET_RING_BYTES)
            {
                throw new IllegalArgumentException("TCP socket ring of " + bytes + " bytes: use " +
                    MIN_SOCKET_RING_BYTES + " to " + MAX_SOCKET_RING_BYTES);
            }
            this.tcpSocketRingBytes = bytes;
            return this;
        }

        /** Adds a protocol module hosted by the network agent. */
        public Builder module(final ProtocolModule module)
        {
            modules.add(Objects.requireNonNull(module, "module"));
            return this;
        }

        /** Builds the stack (not started). */
        public Stack build()
        {
            if (endpoints.isEmpty())
            {
                throw new IllegalArgumentException("stack " + config.name() + " has no interface: add one with iface()");
            }
            return new Stack(this);
        }
    }
}
