package io.ustack.tcp;

import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.offload.TcpSegmenter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * An {@link Ipv4Sender} for tests: claims come from a small pool of heap buffers, and every datagram sent is copied
 * into a {@link Datagram} handed to a sink (a list in the segment harness, a simulated link in the loopback test).
 */
final class FakeIp implements Ipv4Sender
{
    /** One datagram as it left: addresses and the transport bytes. */
    record Datagram(int source, int destination, byte[] bytes)
    {
    }

    private static final int BUFFER_SIZE = 2048;
    private static final int LARGE_BUFFER_SIZE = 65_600;
    private static final int LARGE_BUFFERS = 4;

    private final int localAddress;
    private final int mtu;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final MutableDirectBuffer[] buffers;
    private Consumer<Datagram> sink;
    /** What {@link #sendRoom} answers: set to 0 to play a full ring below. */
    int room = Integer.MAX_VALUE;
    /** What {@link #segmentationLimit} answers: above 0, datagrams sent segmented are cut as IPv4 cuts them. */
    int segmentationLimit;
    /** Datagrams handed down for segmentation offload, and the segments they were cut into. */
    int segmentedSends;
    int segmentsCut;
    /** Segmented datagrams whose checksum field did not hold the pseudo-header sum the contract asks for. */
    int badPartialChecksums;
    private final ArrayDeque<Integer> freeLarge = new ArrayDeque<>();

    FakeIp(final int localAddress, final int mtu, final Consumer<Datagram> sink)
    {
        this.localAddress = localAddress;
        this.mtu = mtu;
        this.sink = sink;
        this.buffers = new MutableDirectBuffer[16 + LARGE_BUFFERS];
        for (int i = 0; i < buffers.length; i++)
        {
            buffers[i] = new UnsafeBuffer(new byte[i < 16 ? BUFFER_SIZE : LARGE_BUFFER_SIZE]);
            (i < 16 ? free : freeLarge).add(i);
        }
    }

    void sink(final Consumer<Datagram> sink)
    {
        this.sink = sink;
    }

    @Override
    public int sendRoom()
    {
        return room;
    }

    @Override
    public int claim()
    {
        final Integer id = free.poll();
        return id == null ? -1 : id;
    }

    @Override
    public MutableDirectBuffer buffer(final int bufferId)
    {
        return buffers[bufferId];
    }

    @Override
    public int bufferCapacity()
    {
        return BUFFER_SIZE - PAYLOAD_OFFSET;
    }

    @Override
    public void abandon(final int bufferId)
    {
        (bufferId < 16 ? free : freeLarge).add(bufferId);
    }

    @Override
    public int segmentationLimit(final int destination)
    {
        return segmentationLimit;
    }

    @Override
    public int claimLarge()
    {
        final Integer id = freeLarge.poll();
        return id == null ? -1 : id;
    }

    @Override
    public int sendSegmented(final int bufferId, final int payloadLength, final int segmentSize,
        final int sourceAddress, final int destinationAddress, final long nowNs)
    {
        if (segmentationLimit <= 0 || payloadLength > segmentationLimit)
        {
            throw new AssertionError("segmented send of " + payloadLength + " bytes past the limit " +
                segmentationLimit);
        }
        final int source = sourceAddress == 0 ? localAddress : sourceAddress;
        final MutableDirectBuffer datagram = buffers[bufferId];
        final int field = datagram.getShort(PAYLOAD_OFFSET + 16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (field != TcpSegmenter.partialChecksum(source, destinationAddress, payloadLength))
        {
            badPartialChecksums++;
        }
        segmentedSends++;
        final int count = TcpSegmenter.segmentCount(
            payloadLength - TcpSegmenter.headerLength(datagram, PAYLOAD_OFFSET), segmentSize);
        final UnsafeBuffer segment = new UnsafeBuffer(new byte[mtu]);
        for (int i = 0; i < count; i++)
        {
            final int length = TcpSegmenter.writeSegment(datagram, PAYLOAD_OFFSET, payloadLength, segmentSize, i,
                segment, 0, source, destinationAddress);
            if (length + 20 > mtu)
            {
                throw new AssertionError("a cut segment of " + length + " bytes exceeds the MTU " + mtu);
            }
            segmentsCut++;
            sink.accept(new Datagram(source, destinationAddress, java.util.Arrays.copyOf(segment.byteArray(),
                length)));
        }
        freeLarge.add(bufferId);
        return SENT;
    }

    @Override
    public int send(final int bufferId, final int payloadLength, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        final byte[] bytes = new byte[payloadLength];
        buffers[bufferId].getBytes(PAYLOAD_OFFSET, bytes);
        free.add(bufferId);
        if (payloadLength + 20 > mtu && (flags & DONT_FRAGMENT) != 0)
        {
            return TOO_BIG;
        }
        sink.accept(new Datagram(sourceAddress == 0 ? localAddress : sourceAddress, destinationAddress, bytes));
        return SENT;
    }

    @Override
    public int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        throw new UnsupportedOperationException("TCP sends from claimed buffers");
    }

    @Override
    public int sourceAddressFor(final int destination)
    {
        return destination == 0 ? 0 : localAddress;
    }

    @Override
    public int pathMtu(final int destination, final long nowNs)
    {
        return mtu;
    }

    @Override
    public boolean isLocalAddress(final int address)
    {
        return address == localAddress;
    }
}
