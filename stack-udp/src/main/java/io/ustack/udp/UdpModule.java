package io.ustack.udp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.socket.UdpSocket;
import io.ustack.api.socket.UdpSockets;
import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.ipv4.TransportProtocol;
import io.ustack.udp.wire.UdpHeader;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * UDP (RFC 768) on the network agent's thread, and the factory of its sockets.
 *
 * <p>Application → stack: {@link UdpSocket#sendTo} copies the datagram into a record of one many-producer ring
 * (claim/commit); {@link #doWork} drains it, writes the header and checksum in front of the payload and hands the
 * datagram to IPv4. Stack → application: {@link #onDatagram} checks the datagram, finds its socket and copies the
 * payload into that socket's single-producer ring. Neither side allocates per datagram. Binding and closing change
 * a {@link PortTable} by compare-and-set, so they never wait for this thread.
 */
public final class UdpModule implements TransportProtocol, UdpSockets
{
    /** Largest payload: 65,535 − 20 (IPv4 header) − 8 (UDP header). */
    public static final int MAX_PAYLOAD = 65_507;

    /** Send ring size: its largest record (an eighth) holds the largest datagram with its record header. */
    static final int SEND_RING_CAPACITY = 1 << 20;
    static final int TX_MSG_TYPE = 1;
    static final int TX_SOCKET_ID_OFFSET = 0;
    static final int TX_SOURCE_ADDRESS_OFFSET = 4;
    static final int TX_DESTINATION_ADDRESS_OFFSET = 8;
    static final int TX_SOURCE_PORT_OFFSET = 12;
    static final int TX_DESTINATION_PORT_OFFSET = 14;
    static final int TX_PAYLOAD_OFFSET = 16;

    private static final int ICMP_DESTINATION_UNREACHABLE = 3;
    private static final int LIMITED_BROADCAST = 0xFFFF_FFFF;

    private final StackCounters counters;
    private final NanoClock clock;
    private final int receiveQueueBytes;
    private final int sendBatch;
    private final PortTable ports;
    private final ManyToOneRingBuffer sendRing;
    private final AtomicInteger nextSocketId = new AtomicInteger();
    private final UdpHeader inputHeader = new UdpHeader();
    private final UdpHeader outputHeader = new UdpHeader();
    private final MutableDirectBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1 << 16, 64));
    private final SendHandler sendHandler = new SendHandler();
    private volatile Ipv4Sender sender;
    private IcmpErrors icmpErrors;

    /**
     * @param config   receive queue size, ephemeral port range, random seed, batch size
     * @param counters where deliveries, sends and drops are counted
     * @param clock    the stack's time, for blocking receive timeouts
     */
    public UdpModule(final StackConfig config, final StackCounters counters, final NanoClock clock)
    {
        this.counters = counters;
        this.clock = clock;
        this.receiveQueueBytes = config.udpReceiveQueueBytes();
        this.sendBatch = config.linkBatchSize();
        this.ports = new PortTable(config.ephemeralPortFirst(), config.ephemeralPortLast(), config.randomSeed());
        this.sendRing = new ManyToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            SEND_RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, 64)));
    }

    @Override
    public int protocolNumber()
    {
        return UdpHeader.PROTOCOL;
    }

    @Override
    public void onAttach(final Ipv4Sender sender, final IcmpErrors icmpErrors)
    {
        this.icmpErrors = icmpErrors;
        this.sender = sender;
    }

    @Override
    public UdpSocket open()
    {
        return new UdpSocketImpl(this, nextSocketId.incrementAndGet(), receiveQueueBytes);
    }

    @Override
    public int doWork(final long nowNs)
    {
        if (sender == null)
        {
            return 0;
        }
        sendHandler.nowNs = nowNs;
        return sendRing.read(sendHandler, sendBatch);
    }

    @Override
    public void onDatagram(final ReceivedDatagram datagram, final long nowNs)
    {
        final UdpHeader udp = inputHeader;
        if (!udp.tryWrap(datagram.buffer(), datagram.payloadOffset(), datagram.payloadLength()))
        {
            counters.drop(udp.failure());
            return;
        }
        final int source = datagram.sourceAddress();
        final int destination = datagram.destinationAddress();
        // RFC 768: a zero checksum means none was computed, and is accepted.
        if (!udp.checksumValid(source, destination))
        {
            counters.drop(DropReason.UDP_BAD_CHECKSUM);
            return;
        }
        final UdpSocketImpl[] sockets = ports.socketsOn(udp.destinationPort());
        final long from = UdpSocketImpl.peerKey(source, udp.sourcePort());
        UdpSocketImpl target = match(sockets, destination, from, true);
        if (target == null)
        {
            target = match(sockets, 0, from, true);
        }
        if (target == null)
        {
            if (match(sockets, destination, from, false) != null || match(sockets, 0, from, false) != null)
            {
                counters.drop(DropReason.UDP_NOT_FROM_PEER);
                return;
            }
            counters.drop(DropReason.UDP_NO_SOCKET);
            // RFC 1122 §4.1.3.1 / §3.2.2: port unreachable, but never about a broadcast or multicast datagram.
            if (!isBroadcastOrMulticast(datagram))
            {
                icmpErrors.destinationUnreachable(IcmpErrors.CODE_PORT_UNREACHABLE, 0, datagram, nowNs);
            }
            return;
        }
        if (target.onReceive(udp.buffer(), udp.payloadOffset(), udp.payloadLength(), source, udp.sourcePort()))
        {
            counters.increment(CounterDescriptor.UDP_DELIVERED);
        }
        else
        {
            counters.drop(DropReason.UDP_RECEIVE_QUEUE_FULL);
        }
    }

    /**
     * RFC 1122 §4.1.3.3: UDP passes ICMP errors to the application. As on Linux, only a connected socket whose peer
     * is the quoted destination hears of them; an unconnected socket could not tell which of its datagrams failed.
     */
    @Override
    public void onIcmpError(final int icmpType, final int icmpCode, final int info, final ReceivedDatagram quoted,
        final long nowNs)
    {
        final DirectBuffer buffer = quoted.buffer();
        final int offset = quoted.payloadOffset();
        if (quoted.payloadLength() < UdpHeader.DESTINATION_PORT_OFFSET + 2 || offset < 0 ||
            offset > buffer.capacity() - UdpHeader.DESTINATION_PORT_OFFSET - 2)
        {
            counters.drop(DropReason.ICMP_ERROR_UNMATCHED);
            return;
        }
        final int localPort = buffer.getShort(offset + UdpHeader.SOURCE_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int peerPort = buffer.getShort(offset + UdpHeader.DESTINATION_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final UdpSocketImpl[] sockets = ports.socketsOn(localPort);
        if (sockets.length == 0)
        {
            counters.drop(DropReason.ICMP_ERROR_UNMATCHED);
            return;
        }
        final long peer = UdpSocketImpl.peerKey(quoted.destinationAddress(), peerPort);
        final int localAddress = quoted.sourceAddress();
        for (final UdpSocketImpl socket : sockets)
        {
            final int bound = socket.localAddress();
            if ((bound == 0 || bound == localAddress) && socket.peer() == peer && !socket.isClosed())
            {
                socket.onError(PendingErrors.icmp(icmpType, icmpCode));
            }
        }
    }

    /** The sender, for application threads (its {@code sourceAddressFor} is thread-safe). */
    Ipv4Sender sender() throws SocketException
    {
        final Ipv4Sender s = sender;
        if (s == null)
        {
            throw new SocketException("UDP is not attached to a stack yet: start the stack before using sockets");
        }
        return s;
    }

    /**
     * Whether {@code address} is ours, from any thread. {@link Ipv4Sender#isLocalAddress} is network-thread-only,
     * so this asks the thread-safe {@link Ipv4Sender#sourceAddressFor}: the address we send from is always our
     * own, and the route to one of our addresses leaves through the interface that owns it, so an address is
     * ours when it is its own source address.
     */
    boolean isLocalAddress(final int address) throws SocketException
    {
        return address != 0 && sender().sourceAddressFor(address) == address;
    }

    PortTable ports()
    {
        return ports;
    }

    NanoClock clock()
    {
        return clock;
    }

    /** Application thread: copies one datagram into the send ring; false when the ring is full. */
    boolean offerSend(final int socketId, final int sourceAddress, final int destinationAddress,
        final int sourcePort, final int destinationPort, final ByteBuffer payload)
    {
        final int length = payload.remaining();
        final int index = sendRing.tryClaim(TX_MSG_TYPE, TX_PAYLOAD_OFFSET + length);
        if (index < 0)
        {
            return false;
        }
        final MutableDirectBuffer ring = sendRing.buffer();
        try
        {
            ring.putInt(index + TX_SOCKET_ID_OFFSET, socketId);
            ring.putInt(index + TX_SOURCE_ADDRESS_OFFSET, sourceAddress);
            ring.putInt(index + TX_DESTINATION_ADDRESS_OFFSET, destinationAddress);
            ring.putShort(index + TX_SOURCE_PORT_OFFSET, (short)sourcePort);
            ring.putShort(index + TX_DESTINATION_PORT_OFFSET, (short)destinationPort);
            ring.putBytes(index + TX_PAYLOAD_OFFSET, payload, payload.position(), length);
        }
        catch (final RuntimeException e)
        {
            sendRing.abort(index);
            throw e;
        }
        sendRing.commit(index);
        payload.position(payload.limit());
        return true;
    }

    /**
     * The socket that takes a datagram from {@code from} among those bound to {@code address} (0: the wildcard
     * ones): {@code peerMustMatch} false finds one that would, were it not connected elsewhere.
     */
    private static UdpSocketImpl match(final UdpSocketImpl[] sockets, final int address, final long from,
        final boolean peerMustMatch)
    {
        for (final UdpSocketImpl socket : sockets)
        {
            if (socket.localAddress() != address || socket.isClosed())
            {
                continue;
            }
            final long peer = socket.peer();
            if (!peerMustMatch || peer == UdpSocketImpl.NOT_CONNECTED || peer == from)
            {
                return socket;
            }
        }
        return null;
    }

    private boolean isBroadcastOrMulticast(final ReceivedDatagram datagram)
    {
        final int destination = datagram.destinationAddress();
        return datagram.linkBroadcast() || destination == LIMITED_BROADCAST || (destination >>> 28) == 0xE ||
            !sender.isLocalAddress(destination);
    }

    private void onSendFailed(final int socketId, final int sourcePort, final int result)
    {
        for (final UdpSocketImpl socket : ports.socketsOn(sourcePort))
        {
            if (socket.id() == socketId)
            {
                socket.onError(PendingErrors.sendResult(result));
                return;
            }
        }
    }

    /** Builds and sends one queued datagram. A field, not a lambda: draining the ring allocates nothing. */
    private final class SendHandler implements MessageHandler
    {
        long nowNs;

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer ring, final int index, final int length)
        {
            final Ipv4Sender ip = sender;
            final int socketId = ring.getInt(index + TX_SOCKET_ID_OFFSET);
            final int source = ring.getInt(index + TX_SOURCE_ADDRESS_OFFSET);
            final int destination = ring.getInt(index + TX_DESTINATION_ADDRESS_OFFSET);
            final int sourcePort = ring.getShort(index + TX_SOURCE_PORT_OFFSET) & 0xFFFF;
            final int destinationPort = ring.getShort(index + TX_DESTINATION_PORT_OFFSET) & 0xFFFF;
            final int payloadLength = length - TX_PAYLOAD_OFFSET;
            final int datagramLength = UdpHeader.HEADER_LENGTH + payloadLength;
            final int result;
            if (datagramLength <= ip.bufferCapacity())
            {
                final int bufferId = ip.claim();
                if (bufferId < 0)
                {
                    return; // the sender counted POOL_EXHAUSTED_TX; UDP does not retry
                }
                write(ip.buffer(bufferId), Ipv4Sender.PAYLOAD_OFFSET, ring, index + TX_PAYLOAD_OFFSET, payloadLength,
                    source, destination, sourcePort, destinationPort);
                result = ip.send(bufferId, datagramLength, source, destination, UdpHeader.PROTOCOL, 0, 0, nowNs);
            }
            else
            {
                write(scratch, 0, ring, index + TX_PAYLOAD_OFFSET, payloadLength, source, destination, sourcePort,
                    destinationPort);
                result = ip.sendFrom(scratch, 0, datagramLength, source, destination, UdpHeader.PROTOCOL, 0, 0, nowNs);
            }
            if (result == Ipv4Sender.SENT || result == Ipv4Sender.QUEUED_FOR_RESOLUTION)
            {
                counters.increment(CounterDescriptor.UDP_SENT);
            }
            else if (result != Ipv4Sender.NO_BUFFER)
            {
                onSendFailed(socketId, sourcePort, result);
            }
        }

        private void write(final MutableDirectBuffer out, final int offset, final DirectBuffer payload,
            final int payloadOffset, final int payloadLength, final int source, final int destination,
            final int sourcePort, final int destinationPort)
        {
            out.putBytes(offset + UdpHeader.HEADER_LENGTH, payload, payloadOffset, payloadLength);
            outputHeader.wrapForWrite(out, offset)
                .sourcePort(sourcePort)
                .destinationPort(destinationPort)
                .length(UdpHeader.HEADER_LENGTH + payloadLength)
                .computeAndSetChecksum(source, destination);
        }
    }
}
