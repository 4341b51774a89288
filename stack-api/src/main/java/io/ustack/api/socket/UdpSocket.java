package io.ustack.api.socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A UDP socket (RFC 768) of a ustack stack: a handle the application holds; the stack keeps the control block.
 *
 * <p>Safe to use from any application thread, but one thread at a time per direction (one sender, one receiver).
 * Non-blocking calls work in every threading mode; blocking calls need a stack with its own threads
 * ({@code SHARED} or {@code DEDICATED}), since in {@code INVOKER} mode nothing would move while the caller waits.
 *
 * <p>Errors use the familiar {@code java.net} exceptions: {@link java.net.BindException} (port in use),
 * {@link java.net.NoRouteToHostException}, {@link java.net.PortUnreachableException} (an ICMP port unreachable
 * answered an earlier datagram of a connected socket), {@link java.net.SocketTimeoutException},
 * {@link java.nio.channels.ClosedChannelException}.
 */
public interface UdpSocket extends AutoCloseable
{
    /**
     * Binds to a local address and port.
     *
     * @param address our IPv4 address, or 0 for every address of the stack
     * @param port    1..65535, or 0 for an ephemeral port
     * @throws java.net.BindException when the port is taken or the address is not the stack's
     */
    void bind(int address, int port) throws IOException;

    /**
     * Fixes the peer: {@link #send(ByteBuffer)} goes there, and only its datagrams are received. Binds to an
     * ephemeral port first if the socket is unbound.
     */
    void connect(int address, int port) throws IOException;

    /** The bound local port, or 0 when unbound. */
    int localPort();

    /** The bound local address (0 = any). */
    int localAddress();

    /**
     * Queues one datagram holding the remaining bytes of {@code payload} for {@code address:port}, binding to an
     * ephemeral port first if needed. The bytes are copied before this returns.
     *
     * @return false when the stack's send queue is full right now (nothing was sent; try again)
     * @throws java.net.NoRouteToHostException when no route leads to {@code address}
     * @throws IllegalArgumentException when the datagram exceeds 65,507 bytes
     */
    boolean sendTo(ByteBuffer payload, int address, int port) throws IOException;

    /** {@link #sendTo} to the connected peer. */
    boolean send(ByteBuffer payload) throws IOException;

    /**
     * Takes the next received datagram, if any, without waiting. Bytes that do not fit {@code into} are dropped,
     * as with a datagram socket, and the returned length says how long the datagram was.
     *
     * @param into   where the payload goes (from its position)
     * @param source filled with the sender's address and port; may be null
     * @return the datagram's full length, or -1 when none is waiting
     */
    int receive(ByteBuffer into, Endpoint source) throws IOException;

    /**
     * Waits up to {@code timeout} for a datagram.
     *
     * @throws java.net.SocketTimeoutException when none arrives in time
     */
    int receive(ByteBuffer into, Endpoint source, Duration timeout) throws IOException;

    /** Releases the port; datagrams still queued for it are discarded. Idempotent. */
    @Override
    void close();
}
