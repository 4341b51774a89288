package io.ustack.tcp;

import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.ipv4.TransportProtocol;
import io.ustack.tcp.wire.TcpHeader;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A zero-allocation one-way link for allocation tests: claimed buffers are handed to the target transport as they
 * are, then freed.
 */
public final class DirectLink implements Ipv4Sender
{
    private static final int SLOTS = 512;
    private final UnsafeBuffer[] buffers = new UnsafeBuffer[SLOTS];
    private final int[] free = new int[SLOTS];
    private final int[] queued = new int[SLOTS];
    private final int[] lengths = new int[SLOTS];
    private final ReceivedDatagram datagram = new ReceivedDatagram();
    private final int local;
    private final int remote;
    private int freeCount;
    private int queueHead;
    private int queueCount;
    /** Where delivered datagrams go. */
    public TransportProtocol target;

    /** A link from {@code local} to {@code remote}. */
    public DirectLink(final int local, final int remote)
    {
        this.local = local;
        this.remote = remote;
        for (int i = 0; i < SLOTS; i++)
        {
            buffers[i] = new UnsafeBuffer(new byte[2048]);
            free[freeCount++] = i;
        }
    }

    @Override
    public int claim()
    {
        return freeCount == 0 ? -1 : free[--freeCount];
    }

    @Override
    public MutableDirectBuffer buffer(final int bufferId)
    {
        return buffers[bufferId];
    }

    @Override
    public int bufferCapacity()
    {
        return 2048 - PAYLOAD_OFFSET;
    }

    @Override
    public void abandon(final int bufferId)
    {
        free[freeCount++] = bufferId;
    }

    @Override
    public int send(final int bufferId, final int payloadLength, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        final int slot = (queueHead + queueCount) % SLOTS;
        queued[slot] = bufferId;
        lengths[slot] = payloadLength;
        queueCount++;
        return SENT;
    }

    /** Hands every queued datagram to the target; returns how many. */
    public int deliver(final long nowNs)
    {
        final int n = queueCount;
        for (int i = 0; i < n; i++)
        {
            final int id = queued[queueHead];
            datagram.set(buffers[id], PAYLOAD_OFFSET - 20, 20, lengths[queueHead], local, remote,
                TcpHeader.PROTOCOL, 64, 0, false, false);
            target.onDatagram(datagram, nowNs);
            free[freeCount++] = id;
            queueHead = (queueHead + 1) % SLOTS;
            queueCount--;
        }
        return n;
    }

    @Override
    public int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public int sourceAddressFor(final int destination)
    {
        return local;
    }

    @Override
    public int pathMtu(final int destination, final long nowNs)
    {
        return 1500;
    }

    @Override
    public boolean isLocalAddress(final int address)
    {
        return address == local;
    }

    /** Frees every queued datagram without delivering it (a link that loses everything); returns how many. */
    public int drop()
    {
        final int n = queueCount;
        for (int i = 0; i < n; i++)
        {
            free[freeCount++] = queued[queueHead];
            queueHead = (queueHead + 1) % SLOTS;
            queueCount--;
        }
        return n;
    }
}
