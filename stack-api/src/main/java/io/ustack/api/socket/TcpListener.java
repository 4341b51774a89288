package io.ustack.api.socket;

import java.io.IOException;
import java.time.Duration;

/**
 * A listening TCP port (RFC 9293 §3.10.1 passive OPEN): hands out connections whose handshake completed.
 *
 * <p>Safe from any application thread. {@link #accept()} works in every threading mode; {@link #accept(Duration)}
 * needs a stack with its own threads ({@code SHARED} or {@code DEDICATED}).
 */
public interface TcpListener extends AutoCloseable
{
    /** The port listened on. */
    int localPort();

    /**
     * Takes a connection from the accept queue without waiting.
     *
     * @return an established connection, or null when none is ready
     * @throws java.nio.channels.ClosedChannelException when the listener is closed
     */
    TcpSocket accept() throws IOException;

    /**
     * Waits up to {@code timeout} for a connection.
     *
     * @throws java.net.SocketTimeoutException when none completes its handshake in time
     */
    TcpSocket accept(Duration timeout) throws IOException;

    /** Stops listening; connections not yet accepted are reset. Idempotent. */
    @Override
    void close();
}
