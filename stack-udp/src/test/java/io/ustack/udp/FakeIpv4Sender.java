package io.ustack.udp;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.ip.ipv4.Ipv4Sender;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An {@link Ipv4Sender} that records what it is given: {@link #send} reads the datagram back out of a real pool
 * buffer (and frees it), {@link #sendFrom} copies. One local address per test unless more are added.
 */
final class FakeIpv4Sender implements Ipv4Sender
{
    /** One sent datagram. */
    record Sent(int source, int destination, int protocol, int flags, byte[] bytes)
    {
    }

    final PacketBufferPool pool;
    final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    final int[] localAddresses;
    volatile int unroutable = -1;
    volatile int result = SENT;
    int sendFromCalls;

    FakeIpv4Sender(final PacketBufferPool pool, final int... localAddresses)
    {
        this.pool = pool;
        this.localAddresses = localAddresses;
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
        final byte[] bytes = new byte[payloadLength];
        pool.buffer(bufferId).getBytes(PAYLOAD_OFFSET, bytes);
        pool.release(bufferId);
        sent.add(new Sent(sourceAddress, destinationAddress, protocol, flags, bytes));
        return result;
    }

    @Override
    public int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        final byte[] bytes = new byte[length];
        payload.getBytes(offset, bytes);
        sendFromCalls++;
        sent.add(new Sent(sourceAddress, destinationAddress, protocol, flags, bytes));
        return result;
    }

    @Override
    public int sourceAddressFor(final int destination)
    {
        if (destination == unroutable || destination == 0)
        {
            return 0;
        }
        for (final int local : localAddresses)
        {
            if (local == destination)
            {
                return local;
            }
        }
        return localAddresses[0];
    }

    @Override
    public int pathMtu(final int destination, final long nowNs)
    {
        return sourceAddressFor(destination) == 0 ? 0 : 1500;
    }

    @Override
    public boolean isLocalAddress(final int address)
    {
        for (final int local : localAddresses)
        {
            if (local == address)
            {
                return true;
            }
        }
        return false;
    }
}
