package io.ustack.ip.handoff;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.Ipv4Module;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.ipv4.TransportProtocol;
import org.agrona.DirectBuffer;

import static io.ustack.ip.handoff.HandoffLayout.FIELD0_OFFSET;
import static io.ustack.ip.handoff.HandoffLayout.FIELD1_OFFSET;
import static io.ustack.ip.handoff.HandoffLayout.FIELD2_OFFSET;
import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The transport agent's end of a handoff: attaches the transport to the proxies that send through the network
 * agent, and delivers what {@link TransportProxy} passed over, releasing each buffer once the transport is done with
 * it. Everything here runs on the transport agent's thread.
 */
public final class TransportEnd
{
    private static final int ICMP_DESTINATION_UNREACHABLE = 3;

    private final PacketBufferPool pool;
    private final DescriptorRing toTransport;
    private final StackCounters counters;
    private final Ipv4SenderProxy sender;
    private final IcmpErrorsProxy icmpErrors;
    private final Inbox inbox = new Inbox();
    private final ReceivedDatagram view = new ReceivedDatagram();
    private TransportProtocol transport;
    private long nowNs;

    /**
     * @param toTransport   the ring {@link TransportProxy} fills (this thread consumes)
     * @param fromTransport the ring {@link TransportProxy} drains (this thread produces)
     * @param ipv4          for the questions that are safe from any thread: source address, route MTU, locality
     */
    public TransportEnd(final PacketBufferPool pool, final DescriptorRing toTransport,
        final DescriptorRing fromTransport, final StackCounters counters, final Ipv4Module ipv4)
    {
        this.pool = pool;
        this.toTransport = toTransport;
        this.counters = counters;
        this.sender = new Ipv4SenderProxy(pool, fromTransport, counters, ipv4);
        this.icmpErrors = new IcmpErrorsProxy(pool, fromTransport, counters);
    }

    /** Attaches {@code transport} to this end's sender and ICMP errors; once, before the agents start. */
    public void attach(final TransportProtocol transport)
    {
        if (this.transport != null)
        {
            throw new IllegalStateException("this transport end already serves " + this.transport);
        }
        this.transport = transport;
        transport.onAttach(sender, icmpErrors);
    }

    /**
     * Delivers up to {@code limit} datagrams and ICMP errors to the transport.
     *
     * @return how many
     */
    public int deliver(final int limit, final long nowNs)
    {
        this.nowNs = nowNs;
        return toTransport.drain(inbox, limit);
    }

    /**
     * Frees every descriptor still queued towards the transport, counting each as
     * {@link DropReason#SHUTDOWN_DISCARDED}. Only once the agents have stopped.
     */
    public int discardPending()
    {
        return toTransport.discardAll(pool, counters);
    }

    private final class Inbox implements DescriptorHandler
    {
        @Override
        public void onDescriptor(final int bufferId, final int offset, final int length, final int flags)
        {
            try
            {
                final DirectBuffer buffer = pool.buffer(bufferId);
                if (HandoffLayout.kind(flags) == HandoffLayout.KIND_DATAGRAM)
                {
                    transport.onDatagram(DatagramView.set(view, buffer, offset, length, flags), nowNs);
                }
                else
                {
                    onIcmpError(buffer, offset, length, flags);
                }
            }
            finally
            {
                pool.release(bufferId);
            }
        }

        private void onIcmpError(final DirectBuffer buffer, final int offset, final int length, final int flags)
        {
            final int type = buffer.getInt(FIELD0_OFFSET, BIG_ENDIAN);
            final int code = buffer.getInt(FIELD1_OFFSET, BIG_ENDIAN);
            final int info = buffer.getInt(FIELD2_OFFSET, BIG_ENDIAN);
            final ReceivedDatagram quoted = DatagramView.set(view, buffer, offset, length, flags);
            if (type == ICMP_DESTINATION_UNREACHABLE && code == IcmpErrors.CODE_FRAGMENTATION_NEEDED)
            {
                sender.learnPathMtu(quoted.destinationAddress(), info, nowNs);
            }
            transport.onIcmpError(type, code, info, quoted, nowNs);
        }
    }
}
