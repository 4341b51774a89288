package io.ustack.api.socket;

import org.agrona.DirectBuffer;

/**
 * One TCP connection in callback style: what a {@link TcpHandler} may do with it. Only from inside a callback, on
 * the stack's thread (see {@link TcpHandler}); nothing here blocks or allocates.
 */
public interface TcpConnection
{
    /**
     * Copies what fits of the bytes into the connection's send buffer (RFC 9293 §3.10.2 SEND); they leave at the end
     * of the stack's duty cycle. When fewer bytes are taken than given, {@link TcpHandler#onWritable} follows once
     * room opens.
     *
     * @return bytes taken (0 when the send buffer is full), or -1 when the connection can no longer send
     */
    int write(DirectBuffer src, int offset, int length);

    /** Half-close: a FIN after the bytes written (RFC 9293 §3.6); {@link TcpHandler#onData} goes on. */
    void shutdownOutput();

    /**
     * Lets go of the connection: bytes written are still delivered, then a FIN (RFC 9293 §3.10.4); unconsumed received
     * bytes make it a reset, as on Linux. Called inside {@link TcpHandler#onData}, it takes effect when the call
     * returns, after the bytes it consumed. No callback follows.
     */
    void close();

    /** RST to the peer, unsent bytes discarded (RFC 9293 §3.10.5). No callback follows. */
    void abort();

    /** Room in the send buffer now. */
    int writable();

    /** Our IPv4 address. */
    int localAddress();

    /** Our port. */
    int localPort();

    /** The peer's IPv4 address. */
    int remoteAddress();

    /** The peer's port. */
    int remotePort();

    /** The application's object for this connection, or null. */
    Object attachment();

    /** Sets the application's object for this connection. */
    void attach(Object attachment);
}
