package io.ustack.api.socket;

import java.io.IOException;
import java.time.Duration;

/**
 * Opens TCP connections (RFC 9293) on a stack: the active open ({@link #connect}) and the passive one
 * ({@link #listen}). Both wait for the stack's thread, so they need a stack with its own threads
 * ({@code SHARED} or {@code DEDICATED}); see {@link TcpSocket} for the threading rules of the sockets themselves.
 */
public interface TcpSockets
{
    /**
     * Active open: sends a SYN from an ephemeral port and waits for the handshake to complete.
     *
     * @param address the peer's IPv4 address
     * @param port    the peer's port, 1..65535
     * @param timeout how long to wait for the connection
     * @return the ESTABLISHED connection
     * @throws java.net.ConnectException         when the peer refused (RST) or the SYN retries ran out
     * @throws java.net.NoRouteToHostException    when no route leads to {@code address}
     * @throws java.net.SocketTimeoutException    when {@code timeout} passed first (the attempt is abandoned)
     * @throws java.net.SocketException          when the stack has no free connection or port
     */
    TcpSocket connect(int address, int port, Duration timeout) throws IOException;

    /**
     * Passive open: accepts connections to {@code address:port}.
     *
     * @param address our IPv4 address, or 0 for every address of the stack
     * @param port    1..65535
     * @param backlog connections held at once while handshaking or waiting for {@link TcpListener#accept}
     * @return the listener
     * @throws java.net.BindException when the port already has a listener or no listener slot is free
     */
    TcpListener listen(int address, int port, int backlog) throws IOException;

    /**
     * Active open without waiting: sends a SYN and returns the socket at once, still connecting. Register it with a
     * {@link TcpSelector} for {@link TcpSelector#OP_CONNECT}, or poll {@link TcpSocket#finishConnect()}. Works in every
     * threading mode.
     *
     * @param address the peer's IPv4 address (not 0)
     * @param port    the peer's port, 1..65535
     * @throws java.net.SocketException when no socket slot is free
     */
    TcpSocket connectNow(int address, int port) throws IOException;

    /** A new selector for non-blocking sockets and listeners of this stack; see {@link TcpSelector}. */
    TcpSelector openSelector();

    /**
     * Active open in callback style: sends a SYN and returns at once; {@code handler}'s events then run on the stack's
     * thread ({@link TcpHandler#onConnected} when the handshake completes, {@link TcpHandler#onClosed} if it fails).
     *
     * @throws java.net.SocketException when no socket slot is free
     */
    void connect(int address, int port, TcpHandler handler) throws IOException;

    /**
     * Passive open in callback style: each connection whose handshake completes goes to {@code onAccept} on the
     * stack's thread, never to {@link TcpListener#accept()} (which returns null for such a listener).
     *
     * @throws java.net.BindException when the port already has a listener or no listener slot is free
     */
    TcpListener listen(int address, int port, int backlog, TcpAcceptHandler onAccept) throws IOException;

    /**
     * {@link #connect(int, int, Duration)} with socket options in place before the SYN.
     *
     * @throws IllegalArgumentException when a policy named in {@code options} is not installed
     */
    TcpSocket connect(int address, int port, Duration timeout, TcpSocketOptions options) throws IOException;

    /** {@link #connectNow(int, int)} with socket options in place before the SYN. */
    TcpSocket connectNow(int address, int port, TcpSocketOptions options) throws IOException;

    /** {@link #listen(int, int, int)} whose accepted connections start with {@code options}. */
    TcpListener listen(int address, int port, int backlog, TcpSocketOptions options) throws IOException;

    /**
     * {@link #connect(int, int, TcpHandler)} with socket options in place before the SYN. In callback style
     * {@link TcpConnection#close()} never waits, so SO_LINGER may be left off or set to zero (close then resets the
     * connection, as {@link TcpConnection#abort()} does) but not to a time.
     *
     * @throws IllegalArgumentException when a policy named in {@code options} is not installed, or a linger time is
     *                                  set
     */
    void connect(int address, int port, TcpHandler handler, TcpSocketOptions options) throws IOException;

    /**
     * {@link #listen(int, int, int, TcpAcceptHandler)} whose accepted connections start with {@code options}; the
     * SO_LINGER rule of {@link #connect(int, int, TcpHandler, TcpSocketOptions)} applies.
     *
     * @throws IllegalArgumentException when a policy named in {@code options} is not installed, or a linger time is
     *                                  set
     */
    TcpListener listen(int address, int port, int backlog, TcpAcceptHandler onAccept, TcpSocketOptions options)
        throws IOException;
}
