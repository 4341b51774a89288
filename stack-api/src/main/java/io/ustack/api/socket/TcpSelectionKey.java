package io.ustack.api.socket;

/**
 * One registration of a socket or listener with a {@link TcpSelector}: the interest set, what the last selection
 * found ready, and the application's attachment. Used by the selecting thread only.
 */
public interface TcpSelectionKey
{
    /** The socket registered, or null for a listener. */
    TcpSocket socket();

    /** The listener registered, or null for a socket. */
    TcpListener listener();

    /** The operations watched ({@link TcpSelector#OP_READ} ...). */
    int interest();

    /**
     * Changes the operations watched; takes effect at the next selection.
     *
     * @throws IllegalArgumentException when the bits do not suit a socket (or a listener)
     */
    void interest(int ops);

    /** Of the interest set, what the last selection found ready. */
    int readyOps();

    /** Whether the last selection found {@code op} ready. */
    default boolean isReady(final int op)
    {
        return (readyOps() & op) != 0;
    }

    /** The application's object. */
    Object attachment();

    /** Replaces the application's object. */
    void attach(Object attachment);

    /** Stops watching; the key leaves the set at the next selection. The socket stays open. */
    void cancel();

    /** False once cancelled, its selector closed, or its socket or listener closed. */
    boolean isValid();
}
