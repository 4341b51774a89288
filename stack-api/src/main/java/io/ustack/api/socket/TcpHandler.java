package io.ustack.api.socket;

import org.agrona.DirectBuffer;

/**
 * Callback style: a connection's events, delivered on the stack's own thread with zero-copy access to received
 * bytes. Register one through {@link TcpSockets#connect(int, int, TcpHandler)} or return one from a
 * {@link TcpAcceptHandler}.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li>Every method runs on the thread that runs the stack's TCP layer (in {@code INVOKER} mode: the thread calling
 *       {@code stack.poll}), one at a time, never concurrently with the stack's own work on that connection.</li>
 *   <li>A callback must not block or wait for anything the stack does (it would stall every connection of the stack)
 *       and should return quickly; hand long work to another thread and come back through a blocking or
 *       non-blocking socket instead.</li>
 *   <li>{@link TcpConnection}'s methods may be called only from inside these callbacks (they throw
 *       {@link IllegalStateException} on any other thread).</li>
 *   <li>The buffer given to {@link #onData} is the connection's receive buffer itself: read it, never write it, and
 *       only during the call (after it returns, the bytes consumed are overwritten by new data).</li>
 * </ul>
 */
public interface TcpHandler
{
    /** The handshake of an active open completed (not called for accepted connections). */
    default void onConnected(final TcpConnection connection)
    {
    }

    /**
     * In-order received bytes, read straight out of the connection's receive buffer. Bytes not consumed stay there
     * (shrinking the window the peer sees, RFC 9293 §3.8.6.2) and are offered again in the stack's next duty cycle,
     * together with whatever arrived since; the length may be less than what is buffered when the buffer wraps.
     *
     * @return how many of the {@code length} bytes from {@code offset} were consumed (0..length)
     */
    int onData(TcpConnection connection, DirectBuffer buffer, int offset, int length);

    /** The peer's FIN arrived and every byte before it was consumed: no more {@link #onData} (RFC 9293 §3.6). */
    default void onPeerClosed(final TcpConnection connection)
    {
    }

    /** Room opened in the send buffer after a {@link TcpConnection#write} took less than it was given. */
    default void onWritable(final TcpConnection connection)
    {
    }

    /**
     * The connection ended (or an active open failed): the last callback for it. Not called after the application
     * itself closed or aborted the connection.
     */
    default void onClosed(final TcpConnection connection, final TcpCloseReason reason)
    {
    }
}
