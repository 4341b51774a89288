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
 * The network layer agent: takes frames from the link agent, checks the Ethernet header, and hands each to the
 * {@link ProtocolModule} of its EtherType (IPv4, ARP, ...); gives every module a duty cycle on this thread.
 */
public final class IpAgent implements Agent, DescriptorHandler
{
    private final PacketBufferPool pool;
    private final DescriptorRing fromLink;
    private final DescriptorRing toLink;
    private final StackCounters counters;
    private final NanoClock clock;
    private final long ourMac;
    private final int batchSize;
    private final EthernetOutput output;
    private final Int2ObjectHashMap<ProtocolModule> modulesByEtherType = new Int2ObjectHashMap<>();
    private final List<ProtocolModule> moduleList = new ArrayList<>();
    private final EthernetFrame frame = new EthernetFrame();
    private ProtocolModule[] modules = new ProtocolModule[0];
    private long nowNs;

    /**
     * @param pool      packet buffers
     * @param fromLink  ring from the link agent (this agent is its only consumer)
     * @param toLink    ring to the link agent (this agent's thread is its only producer)
     * @param counters  the stack's counters
     * @param clock     the stack's time
     * @param ourMac    our hardware address
     * @param batchSize most frames taken from the link per duty cycle
     */
    public IpAgent(
        final PacketBufferPool pool,
        final DescriptorRing fromLink,
        final DescriptorRing toLink,
        final StackCounters counters,
        final NanoClock clock,
        final long ourMac,
        final int batchSize)
    {
        this.pool = pool;
        this.fromLink = fromLink;
        this.toLink = toLink;
        this.counters = counters;
        this.clock = clock;
        this.ourMac = ourMac;
        this.batchSize = batchSize;
        this.output = new EthernetOutput(pool, toLink, counters, ourMac);
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
        module.onAttach(output);
    }

    /** The output modules send through. */
    public EthernetOutput output()
    {
        return output;
    }

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = fromLink.drain(this, batchSize);
        for (final ProtocolModule module : modules)
        {
            work += module.doWork(nowNs);
        }
        return work;
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
        if (destination != ourMac && destination != MacAddress.BROADCAST)
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
        module.onFrame(frame.buffer(), offset, length, flags, nowNs);
    }

    /**
     * Frees every buffer still queued from the link, counting each as {@link DropReason#SHUTDOWN_DISCARDED}.
     * Only call once the link agent has stopped.
     *
     * @return how many were discarded
     */
    public int discardPending()
    {
        int discarded = 0;
        int n;
        while ((n = fromLink.drain(this::discard, Integer.MAX_VALUE)) > 0)
        {
            discarded += n;
        }
        return discarded;
    }

    private void discard(final int bufferId, final int offset, final int length, final int flags)
    {
        pool.release(bufferId);
        counters.drop(DropReason.SHUTDOWN_DISCARDED);
    }

    /** Descriptors waiting in either ring this agent touches: zero when the stack is quiet. */
    public int pendingDescriptors()
    {
        return fromLink.size() + toLink.size();
    }

    @Override
    public String roleName()
    {
        return "ip";
    }
}
