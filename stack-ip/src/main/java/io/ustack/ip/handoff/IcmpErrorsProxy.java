package io.ustack.ip.handoff;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.ReceivedDatagram;
import org.agrona.MutableDirectBuffer;

import static io.ustack.ip.handoff.HandoffLayout.FIELD0_OFFSET;
import static io.ustack.ip.handoff.HandoffLayout.FIELD1_OFFSET;
import static io.ustack.ip.handoff.HandoffLayout.FIELD2_OFFSET;
import static io.ustack.ip.handoff.HandoffLayout.QUOTE_OFFSET;
import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The {@link IcmpErrors} of a transport on its own agent: a copy of the offending datagram's start goes to the network
 * agent, whose ICMP module applies the RFC 1122 §3.2.2 rules and the rate limit there. Each call therefore returns
 * whether the request was queued, not whether a message went out. Transport agent thread only.
 */
final class IcmpErrorsProxy implements IcmpErrors
{
    private final PacketBufferPool pool;
    private final DescriptorRing toNetwork;
    private final StackCounters counters;

    IcmpErrorsProxy(final PacketBufferPool pool, final DescriptorRing toNetwork, final StackCounters counters)
    {
        this.pool = pool;
        this.toNetwork = toNetwork;
        this.counters = counters;
    }

    @Override
    public boolean destinationUnreachable(final int code, final int info, final ReceivedDatagram original,
        final long nowNs)
    {
        return request(HandoffLayout.ICMP_REQUEST_UNREACHABLE, code, info, original);
    }

    @Override
    public boolean timeExceeded(final int code, final ReceivedDatagram original, final long nowNs)
    {
        return request(HandoffLayout.ICMP_REQUEST_TIME_EXCEEDED, code, 0, original);
    }

    @Override
    public boolean parameterProblem(final int pointer, final ReceivedDatagram original, final long nowNs)
    {
        return request(HandoffLayout.ICMP_REQUEST_PARAMETER_PROBLEM, pointer, 0, original);
    }

    private boolean request(final int which, final int code, final int info, final ReceivedDatagram original)
    {
        final int bufferId = pool.acquire();
        if (bufferId < 0)
        {
            counters.drop(DropReason.POOL_EXHAUSTED_TX);
            return false;
        }
        final int length = Math.min(original.headerLength() + Math.min(original.payloadLength(),
            HandoffLayout.MAX_QUOTE), pool.slotSize() - QUOTE_OFFSET);
        final MutableDirectBuffer buffer = pool.buffer(bufferId);
        buffer.putInt(FIELD0_OFFSET, which, BIG_ENDIAN);
        buffer.putInt(FIELD1_OFFSET, code, BIG_ENDIAN);
        buffer.putInt(FIELD2_OFFSET, info, BIG_ENDIAN);
        buffer.putBytes(QUOTE_OFFSET, original.buffer(), original.headerOffset(), length);
        final int flags = HandoffLayout.flags(HandoffLayout.KIND_ICMP_REQUEST, original.interfaceIndex(),
            original.linkBroadcast(), original.fragment());
        if (!toNetwork.offer(bufferId, QUOTE_OFFSET, length, flags))
        {
            pool.release(bufferId);
            counters.drop(DropReason.RING_FULL_FROM_TRANSPORT);
            return false;
        }
        return true;
    }
}
