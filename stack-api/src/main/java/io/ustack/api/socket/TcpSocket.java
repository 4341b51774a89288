package io.ustack.api.socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One TCP connection (RFC 9293) of a ustack stack: a handle the application holds; the stack keeps the control
 * block. Bytes pass through a send queue and a receive queue between the application and the stack's thread.
 *
 * <p>Safe to use from any application thread, but one thread at a time per direction (one writer, one reader).
 * Non-blocking calls ({@link #readNow}, {@link #writeNow}) work in every threading mode; blocking calls need a stack
 * with its own threads ({@code SHARED} or {@code DEDICATED}), since in {@code INVOKER} mode nothing would move while
 * the caller waits.
 *
 * <p>Errors use the familiar {@code java.net} exceptions: {@link java.net.SocketException} "Connection reset" (the
 * peer sent a RST), "Connection timed out" (retransmissions ran out, RFC 9293 §3.8.3 R2),
 * {@link java.net.SocketTimeoutException} (a call's own timeout), {@link java.net.NoRouteToHostException},
 * {@link java.nio.channels.ClosedChannelException} (used after {@link #close}).
 *
 * <p>Many non-blocking sockets on one thread: {@link TcpSelector}. Code that must run on the stack's own thread
 * with zero copies: {@link TcpHandler}. Options that must be in place before the SYN: {@link TcpSocketOptions}.
 */
public interface TcpSocket extends AutoCloseable
{
    /**
     * Reads what is there without waiting.
     *
     * @param into where the bytes go (from its position)
     * @return bytes read, 0 when none is ready, -1 at the end of the stream (the peer's FIN, every byte read)
     */
    int readNow(ByteBuffer into) throws IOException;

    /**
     * Waits up to {@code timeout} for at least one byte or the end of the stream.
     *
     * @return bytes read (at least one, unless {@code into} has no room), or -1 at the end of the stream
     * @throws java.net.SocketTimeoutException when nothing arrives in time
     */
    int read(ByteBuffer into, Duration timeout) throws IOException;

    /**
     * Queues what fits of the remaining bytes of {@code from} without waiting.
     *
     * @return bytes taken, 0 when the send queue is full
     * @throws java.net.SocketException when the connection can no longer send (reset, shut down)
     */
    int writeNow(ByteBuffer from) throws IOException;

    /**
     * Queues every remaining byte of {@code from}, waiting for room as long as {@code timeout} allows.
     *
     * @throws java.net.SocketTimeoutException when room did not open in time ({@code from}'s position then says
     *                                         how much was taken)
     */
    void write(ByteBuffer from, Duration timeout) throws IOException;

    /**
     * Half-close (shutdown(SHUT_WR)): a FIN follows the bytes already written; reading goes on (RFC 9293 §3.6).
     */
    void shutdownOutput() throws IOException;

    /**
     * Lets go of the connection: the bytes written are still delivered, then a FIN (RFC 9293 §3.10.4). Unread bytes
     * make it a reset, as on Linux. With {@link #linger SO_LINGER} 0 it is a reset; with SO_LINGER N it waits up to N
     * for every byte and the FIN to be acknowledged and resets the connection if they are not. Idempotent.
     */
    @Override
    void close();

    /** Resets the connection (RFC 9293 §3.10.5 ABORT, or SO_LINGER 0): a RST, queued bytes discarded. */
    void abort();

    /** TCP_NODELAY: true turns Nagle's algorithm off (RFC 9293 §3.7.4). */
    void noDelay(boolean on) throws IOException;

    /** TCP_CORK: true holds partial segments until uncorked or a full segment is ready. */
    void cork(boolean on) throws IOException;

    /**
     * The connection's statistics in the manner of {@code ss -ti} (state, cwnd, ssthresh, srtt, rttvar, rto, bytes,
     * segments, retransmits), as the stack's thread last saw them; {@link #stats()} gives them as a value.
     */
    String info();

    /** Our IPv4 address on this connection. */
    int localAddress();

    /** Our port. */
    int localPort();

    /** The peer's IPv4 address. */
    int remoteAddress();

    /** The peer's port. */
    int remotePort();

    /**
     * Completes a non-blocking connect ({@link TcpSockets#connectNow}) without waiting.
     *
     * @return true once the handshake completed (and ever after), false while it is still going on
     * @throws java.net.ConnectException       when the peer refused or the SYN retries ran out
     * @throws java.net.NoRouteToHostException when no route leads to the peer
     */
    boolean finishConnect() throws IOException;

    /** SO_KEEPALIVE on or off with the idle time, interval and probe count the connection has. */
    void keepalive(boolean on) throws IOException;

    /**
     * SO_KEEPALIVE on with TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT (RFC 1122 §4.2.3.6); the idle time counts
     * from now. Ranges as in {@link TcpSocketOptions#keepalive(Duration, Duration, int)}.
     */
    void keepalive(Duration idle, Duration interval, int probes) throws IOException;

    /** SO_LINGER for {@link #close()}: see {@link TcpSocketOptions#linger(Duration)}. */
    void linger(Duration linger) throws IOException;

    /**
     * TCP_CONGESTION: switches to another congestion-control algorithm by name.
     *
     * @throws IllegalArgumentException when the stack has no algorithm of that name (the message lists them)
     */
    void congestionControl(String name) throws IOException;

    /**
     * The connection's statistics as a value ({@link #info()} as text), asked of the stack's thread; after close, the
     * last ones it published; null while a non-blocking connect has not reached the stack yet.
     */
    TcpConnectionStats stats();
}
