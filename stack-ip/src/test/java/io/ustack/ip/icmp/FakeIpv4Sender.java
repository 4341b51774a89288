package io.ustack.ip.icmp;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.ip.ipv4.Ipv4Sender;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/** Records what a transport sends instead of sending it; {@code send} frees the buffer, {@code sendFrom} copies. */
final class FakeIpv4Sender implements Ipv4Sender
{
    /** One datagram handed to IPv4. */
    record Sent(int source, int destination, int protocol, int flags, int ttl, byte[] payload, boolean copied)
    {
    }

    final PacketBufferPool pool;
    final Set<Integer> localAddresses = new HashSet<>();
    final ArrayDeque<Sent> sent = new ArrayDeque<>();
    int routeSource;
    int result = SENT;

    FakeIpv4Sender(final PacketBufferPool pool, final int routeSource, final int... otherLocal)
    {
        this.pool = pool;
        this.routeSource = routeSource;
        localAddresses.add(routeSource);
        for (final int address : otherLocal)
        {
            localAddresses.add(address);
        }
    }

    @Override
    public int claim()
    {
        return pool.acquire();
    }

    @Override
    public MutableDirectBuffer buffer(final int bufferId)
    {
        return pool.buffer(bufferId);
    }

    @Override
    public int bufferCapacity()
    {
        return pool.slotSize() - PAYLOAD_OFFSET;
    }

    @Override
    public void abandon(final int bufferId)
    {
        pool.release(bufferId);
    }

    @Override
    public int send(final int bufferId, final int payloadLength, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        final byte[] payload = new byte[payloadLength];
        pool.buffer(bufferId).getBytes(PAYLOAD_OFFSET, payload);
        pool.release(bufferId);
        sent.add(new Sent(sourceAddress, destinationAddress, protocol, flags, ttl, payload, false));
        return result;
    }

    @Override
    public int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        final byte[] bytes = new byte[length];
        payload.getBytes(offset, bytes);
        sent.add(new Sent(sourceAddress, destinationAddress, protocol, flags, ttl, bytes, true));
        return result;
    }

    @Override
    public int sourceAddressFor(final int destination)
    {
        return routeSource;
    }

    @Override
    public int pathMtu(final int destination, final long nowNs)
    {
        return 1500;
    }

    @Override
    public boolean isLocalAddress(final int address)
    {
        return localAddresses.contains(address);
    }
}
