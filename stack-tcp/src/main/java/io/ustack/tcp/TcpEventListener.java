package io.ustack.tcp;

/**
 * What the socket layer hears from the engine, on the network thread, during {@link TcpModule#onDatagram},
 * {@link TcpModule#doWork} or an API call. Implementations must not call back into the module re-entrantly from
 * {@link #onClosed} in a way that frees the connection twice; everything else may be called.
 */
public interface TcpEventListener
{
    /** Does nothing. */
    TcpEventListener NONE = new TcpEventListener()
    {
    };

    /** An active open completed: the connection is ESTABLISHED. */
    default void onConnected(final int connId)
    {
    }

    /** A passive open completed: {@link TcpModule#accept(int)} on this listener now returns a connection. */
    default void onAcceptable(final int listenerId)
    {
    }

    /** In-order bytes (or the end of the stream) are ready for {@link TcpModule#read}. */
    default void onReadable(final int connId)
    {
    }

    /** Room opened in the send buffer for {@link TcpModule#write}. */
    default void onWritable(final int connId)
    {
    }

    /** The connection reached CLOSED; {@link TcpModule#error(int)} says why ({@link TcpError#NONE} if in order). */
    default void onClosed(final int connId, final int error)
    {
    }
}
