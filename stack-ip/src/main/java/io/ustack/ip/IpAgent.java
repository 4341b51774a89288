package io.ustack.ip;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.MacAddress;
import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;
import java.util.List;

/**
 * The network layer agent: takes frames from each interface's link agent, checks the Ethernet header, and hands
 * each to the {@link ProtocolModule} of its EtherType (IPv4, ARP, ...); gives every module a duty cycle on this
 * thread.
 */
public final class IpAgent implements Agent
{
    private final PacketBufferPool pool;
    private final DescriptorRing[] fromLinks;
    private final DescriptorRing[] toLinks;
    private final StackCounters counters;
    private final NanoClock clock;
    private final int batchSize;
    private final NetworkInterfaces interfaces;
    private final Int2ObjectHashMap<ProtocolModule> modulesByEtherType = new Int2ObjectHashMap<>();
    private final List<ProtocolModule> moduleList = new ArrayList<>();
    private final Dispatcher[] dispatchers;
    private ProtocolModule[] modules = new ProtocolModule[0];
    private long nowNs;

    /**
     * @param pool       packet buffers
     * @param interfaces the interfaces, in the order of the rings
     * @param fromLinks  per interface, the ring from its link agent (this agent is its only consumer)
     * @param toLinks    per interface, the ring to its link agent (this agent's thread is its only producer)
     * @param counters   the stack's counters
     * @param clock      the stack's time
     * @param batchSize  most frames taken from each link per duty cycle
     */
    public IpAgent(
        final PacketBufferPool pool,
        final NetworkInterfaces interfaces,
        final DescriptorRing[] fromLinks,
        final DescriptorRing[] toLinks,
        final StackCounters counters,
        final NanoClock clock,
        final int batchSize)
    {
        if (fromLinks.length != interfaces.count() || toLinks.length != interfaces.count())
        {
            throw new IllegalArgumentException("one ring pair per interface: " + interfaces.count() + " interfaces, " +
                fromLinks.length + "/" + toLinks.length + " rings");
        }
        this.pool = pool;
        this.interfaces = interfaces;
        this.fromLinks = fromLinks.clone();
        this.toLinks = toLinks.clone();
        this.counters = counters;
        this.clock = clock;
        this.batchSize = batchSize;
        this.dispatchers = new Dispatcher[interfaces.count()];
        for (int i = 0; i < dispatchers.length; i++)
        {
            dispatchers[i] = new Dispatcher(interfaces.get(i));
        }
    }

    /**
     * Adds a protocol module; only before the stack starts.
     *
     * @throws IllegalArgumentException if another module already has that EtherType
     */
    public void register(final ProtocolModule module)
    {
        final int etherType = module.etherType();
        if (etherType < EthernetFrame.MIN_ETHER_TYPE || etherType > 0xFFFF)
        {
            throw new IllegalArgumentException(String.format(
                "EtherType 0x%04x of %s: use 0x0600..0xffff (smaller values are 802.3 lengths)", etherType, module));
        }
        if (modulesByEtherType.containsKey(etherType))
        {
            throw new IllegalArgumentException(String.format("EtherType 0x%04x already has a module: %s",
                etherType, modulesByEtherType.get(etherType)));
        }
        modulesByEtherType.put(etherType, module);
        moduleList.add(module);
        modules = moduleList.toArray(new ProtocolModule[0]);
        module.onAttach(interfaces);
    }

    /** The interfaces this agent serves. */
    public NetworkInterfaces interfaces()
    {
        return interfaces;
    }

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = 0;
        for (int i = 0; i < fromLinks.length; i++)
        {
            work += fromLinks[i].drain(dispatchers[i], batchSize);
        }
        for (final ProtocolModule module : modules)
        {
            work += module.doWork(nowNs);
        }
        return work;
    }

    /**
     * Frees every buffer still queued from the links, and what the modules hold for later (packets waiting for ARP),
     * counting each as {@link DropReason#SHUTDOWN_DISCARDED}.
     * Only call once the link agents have stopped.
     *
     * @return how many were discarded
     */
    public int discardPending()
    {
        int discarded = 0;
        for (final DescriptorRing ring : fromLinks)
        {
            discarded += ring.discardAll(pool, counters);
        }
        for (final ProtocolModule module : modules)
        {
            discarded += module.discardHeld();
        }
        return discarded;
    }

    /** Descriptors waiting in the rings this agent touches: zero when the stack is quiet. */
    public int pendingDescriptors()
    {
        int pending = 0;
        for (int i = 0; i < fromLinks.length; i++)
        {
            pending += fromLinks[i].size() + toLinks[i].size();
        }
        return pending;
    }

    @Override
    public String roleName()
    {
        return "ip";
    }

    /** Checks and dispatches the frames of one interface; one per interface so the index needs no lookup. */
    private final class Dispatcher implements DescriptorHandler
    {
        private final NetworkInterface networkInterface;
        private final EthernetFrame frame = new EthernetFrame();

        Dispatcher(final NetworkInterface networkInterface)
        {
            this.networkInterface = networkInterface;
        }

        @Override
        public void onDescriptor(final int bufferId, final int offset, final int length, final int flags)
        {
            try
            {
                dispatch(bufferId, offset, length, flags);
            }
            finally
            {
                pool.release(bufferId);
            }
        }

        private void dispatch(final int bufferId, final int offset, final int length, final int flags)
        {
            if (!frame.tryWrap(pool.buffer(bufferId), offset, length))
            {
                counters.drop(frame.failure());
                return;
            }
            final long destination = frame.destination();
            if (destination != networkInterface.mac() && destination != MacAddress.BROADCAST)
            {
                counters.drop(DropReason.LINK_NOT_FOR_US);
                return;
            }
            final ProtocolModule module = modulesByEtherType.get(frame.etherType());
            if (module == null)
            {
                counters.drop(DropReason.LINK_UNKNOWN_ETHERTYPE);
                return;
            }
            counters.increment(CounterDescriptor.FRAMES_DISPATCHED);
            module.onFrame(networkInterface.index(), frame.buffer(), offset, length, flags, nowNs);
        }
    }
}
