package io.ustack.udp;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.Endpoint;
import io.ustack.api.socket.UdpSocket;
import io.ustack.ip.ipv4.Ipv4Sender;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One UDP socket: the application's handle, and the state the stack thread reads (address, port, peer) and writes
 * (received datagrams, pending errors).
 *
 * <p>Stack → application: a single-producer ring (the stack thread) of {@code (source address, source port,
 * payload)} records, read by the one receiving thread. Application → stack: the module's many-producer send ring.
 * Bind, connect and close take this socket's lock; sending and receiving do not.
 */
final class UdpSocketImpl implements UdpSocket
{
    /** Peer value of a socket that is not connected. */
    static final long NOT_CONNECTED = -1L;

    static final int RX_SOURCE_ADDRESS_OFFSET = 0;
    static final int RX_SOURCE_PORT_OFFSET = 4;
    static final int RX_PAYLOAD_OFFSET = 8;
    static final int RX_MSG_TYPE = 1;

    private static final int SPIN_ROUNDS = 100;
    private static final int YIELD_ROUNDS = 200;
    private static final long MAX_PARK_NS = 100_000;

    private final UdpModule module;
    private final int id;
    private final OneToOneRingBuffer receiveRing;
    private final int receiveQueueLimit;
    private final AtomicInteger pendingError = new AtomicInteger(PendingErrors.NONE);
    private final Receiver receiver = new Receiver();
    private volatile int localAddress;
    private volatile int localPort;
    private volatile long peer = NOT_CONNECTED;
    private volatile boolean closed;

    UdpSocketImpl(final UdpModule module, final int id, final int receiveQueueLimit)
    {
        this.module = module;
        this.id = id;
        this.receiveQueueLimit = receiveQueueLimit;
        this.receiveRing = new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            ringCapacityFor(receiveQueueLimit) + RingBufferDescriptor.TRAILER_LENGTH, 64)));
    }

    /**
     * Ring capacity: a power of two at least the configured queue size, and large enough that the biggest datagram
     * fits one record (an Agrona ring takes records up to an eighth of its capacity). The configured size is what
     * limits the queue; the ring may be larger.
     */
    static int ringCapacityFor(final int receiveQueueBytes)
    {
        final int largestRecord = RX_PAYLOAD_OFFSET + UdpModule.MAX_PAYLOAD + RecordDescriptor.HEADER_LENGTH;
        final int needed = Math.max(receiveQueueBytes, largestRecord * 8);
        return Integer.highestOneBit(needed - 1) << 1;
    }

    /** Packs a peer into one value so the stack thread reads address and port together. */
    static long peerKey(final int address, final int port)
    {
        return ((address & 0xFFFF_FFFFL) << 16) | (port & 0xFFFF);
    }

    int id()
    {
        return id;
    }

    long peer()
    {
        return peer;
    }

    boolean isClosed()
    {
        return closed;
    }

    /** Called by the port table before it publishes this socket. */
    void bound(final int address, final int port)
    {
        this.localAddress = address;
        this.localPort = port;
    }

    @Override
    public synchronized void bind(final int address, final int port) throws IOException
    {
        ensureOpen();
        if (port < 0 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("port " + port + ": use 1..65535, or 0 for an ephemeral port");
        }
        if (localPort != 0)
        {
            throw new BindException("already bound to " + Ipv4Address.toString(localAddress) + ":" + localPort);
        }
        if (address != 0 && !module.isLocalAddress(address))
        {
            throw new BindException(Ipv4Address.toString(address) + " is not an address of this stack: bind to one " +
                "of its own addresses, or 0 for all of them");
        }
        final PortTable ports = module.ports();
        if (port == 0)
        {
            if (ports.bindEphemeral(this, address) == 0)
            {
                throw new BindException("no free ephemeral port for " + Ipv4Address.toString(address) +
                    ": every port of the ephemeral range is in use; close sockets or widen the range");
            }
        }
        else if (!ports.tryBind(this, address, port))
        {
            throw new BindException("port " + port + " is already in use" +
                (address == 0 ? "" : " on " + Ipv4Address.toString(address)));
        }
    }

    @Override
    public synchronized void connect(final int address, final int port) throws IOException
    {
        ensureOpen();
        if (address == 0 || port < 1 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("connect to " + Ipv4Address.toString(address) + ":" + port +
                ": use a non-zero address and a port 1..65535");
        }
        if (localPort == 0)
        {
            bind(0, 0);
        }
        peer = peerKey(address, port);
    }

    @Override
    public int localPort()
    {
        return localPort;
    }

    @Override
    public int localAddress()
    {
        return localAddress;
    }

    @Override
    public boolean sendTo(final ByteBuffer payload, final int address, final int port) throws IOException
    {
        ensureOpen();
        throwPendingError();
        final int length = payload.remaining();
        if (length > UdpModule.MAX_PAYLOAD)
        {
            throw new IllegalArgumentException("datagram of " + length + " bytes: UDP over IPv4 carries at most " +
                UdpModule.MAX_PAYLOAD);
        }
        if (port < 1 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("destination port " + port + ": use 1..65535");
        }
        final Ipv4Sender sender = module.sender();
        final int routeSource = sender.sourceAddressFor(address);
        if (routeSource == 0)
        {
            throw new NoRouteToHostException("no route to " + Ipv4Address.toString(address));
        }
        if (localPort == 0)
        {
            bindIfUnbound();
        }
        final int bound = localAddress;
        return module.offerSend(id, bound != 0 ? bound : routeSource, address, localPort, port, payload);
    }

    @Override
    public boolean send(final ByteBuffer payload) throws IOException
    {
        final long connectedTo = peer;
        if (connectedTo == NOT_CONNECTED)
        {
            ensureOpen();
            throw new SocketException("send() needs a connected socket: connect first, or use sendTo");
        }
        return sendTo(payload, (int)(connectedTo >>> 16), (int)(connectedTo & 0xFFFF));
    }

    @Override
    public int receive(final ByteBuffer into, final Endpoint source) throws IOException
    {
        ensureOpen();
        throwPendingError();
        receiver.into = into;
        receiver.source = source;
        receiver.fullLength = -1;
        receiveRing.read(receiver, 1);
        receiver.into = null;
        receiver.source = null;
        return receiver.fullLength;
    }

    @Override
    public int receive(final ByteBuffer into, final Endpoint source, final Duration timeout) throws IOException
    {
        final long timeoutNs = saturatedNanos(timeout);
        final long startNs = module.clock().nanoTime();
        int idleRounds = 0;
        while (true)
        {
            if (closed)
            {
                throw new AsynchronousCloseException();
            }
            final int length = receive(into, source);
            if (length >= 0)
            {
                return length;
            }
            final long waitedNs = module.clock().nanoTime() - startNs;
            if (waitedNs - timeoutNs >= 0)
            {
                throw new SocketTimeoutException("no datagram within " + timeout);
            }
            if (Thread.currentThread().isInterrupted())
            {
                throw new InterruptedIOException("interrupted while waiting for a datagram");
            }
            idle(idleRounds++, timeoutNs - waitedNs);
        }
    }

    @Override
    public void close()
    {
        final int port;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            port = localPort;
        }
        if (port != 0)
        {
            module.ports().unbind(this, port);
        }
        // Queued datagrams are discarded with the ring: nothing reads it after this, and the stack thread, which
        // may still hold the old port array for one more datagram, only writes into memory that is still valid.
    }

    /**
     * Stack thread: queues a received datagram for the application.
     *
     * @return false when the queue is full (the caller counts the drop)
     */
    boolean onReceive(final DirectBuffer buffer, final int payloadOffset, final int payloadLength,
        final int sourceAddress, final int sourcePort)
    {
        final int recordLength = RX_PAYLOAD_OFFSET + payloadLength;
        if (receiveRing.size() + recordLength + RecordDescriptor.HEADER_LENGTH > receiveQueueLimit)
        {
            return false;
        }
        final int index = receiveRing.tryClaim(RX_MSG_TYPE, recordLength);
        if (index < 0)
        {
            return false;
        }
        final MutableDirectBuffer ring = receiveRing.buffer();
        ring.putInt(index + RX_SOURCE_ADDRESS_OFFSET, sourceAddress);
        ring.putInt(index + RX_SOURCE_PORT_OFFSET, sourcePort);
        ring.putBytes(index + RX_PAYLOAD_OFFSET, buffer, payloadOffset, payloadLength);
        receiveRing.commit(index);
        return true;
    }

    /** Stack thread: an error to throw from the next call (a later one replaces an earlier one not yet seen). */
    void onError(final int pendingErrorCode)
    {
        pendingError.set(pendingErrorCode);
    }

    private synchronized void bindIfUnbound() throws IOException
    {
        if (localPort == 0)
        {
            bind(0, 0);
        }
    }

    private void ensureOpen() throws ClosedChannelException
    {
        if (closed)
        {
            throw new ClosedChannelException();
        }
    }

    private void throwPendingError() throws IOException
    {
        if (pendingError.get() != PendingErrors.NONE)
        {
            final int code = pendingError.getAndSet(PendingErrors.NONE);
            if (code != PendingErrors.NONE)
            {
                throw PendingErrors.toException(code, peer);
            }
        }
    }

    private static void idle(final int round, final long remainingNs)
    {
        if (round < SPIN_ROUNDS)
        {
            Thread.onSpinWait();
        }
        else if (round < YIELD_ROUNDS)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(Math.max(1, Math.min(MAX_PARK_NS, remainingNs)));
        }
    }

    private static long saturatedNanos(final Duration timeout)
    {
        try
        {
            return Math.max(0, timeout.toNanos());
        }
        catch (final ArithmeticException tooLong)
        {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString()
    {
        return "UdpSocket{" + Ipv4Address.toString(localAddress) + ":" + localPort +
            (peer == NOT_CONNECTED ? "" : " -> " + Ipv4Address.toString((int)(peer >>> 16)) + ":" + (peer & 0xFFFF)) +
            (closed ? " closed" : "") + "}";
    }

    /** Copies one record out of the receive ring: a field, not a lambda, so receiving allocates nothing. */
    private static final class Receiver implements MessageHandler
    {
        ByteBuffer into;
        Endpoint source;
        int fullLength;

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final int payloadLength = length - RX_PAYLOAD_OFFSET;
            final int copied = Math.min(payloadLength, into.remaining());
            final int position = into.position();
            buffer.getBytes(index + RX_PAYLOAD_OFFSET, into, position, copied);
            into.position(position + copied);
            if (source != null)
            {
                source.set(buffer.getInt(index + RX_SOURCE_ADDRESS_OFFSET), buffer.getInt(index + RX_SOURCE_PORT_OFFSET));
            }
            fullLength = payloadLength;
        }
    }
}
