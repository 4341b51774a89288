package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpAcceptHandler;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * A listening port as the application holds it. The stack thread takes established connections from the engine's
 * accept queue while {@link #ready} has room, wraps each in a {@link TcpSocketImpl} and offers it here; any
 * application thread takes them. The engine's backlog bounds what waits beyond that.
 */
final class TcpListenerImpl implements TcpListener
{
    static final int PENDING = 0;
    static final int LISTENING = 1;
    static final int FAILED = 2;

    final int slot;
    final int address;
    final int port;
    final int backlog;
    final ManyToManyConcurrentArrayQueue<TcpSocketImpl> ready;
    /** Callback style: where accepted connections go instead of {@link #ready}; null for accept(). */
    final TcpAcceptHandler acceptHandler;
    /** What accepted connections start with (set before the listener is published), or null. */
    io.ustack.tcp.ConnectionOptions options;
    long lingerNs = -1;
    private final TcpSocketLayer layer;

    // published by the stack thread
    volatile int phase = PENDING;
    volatile String failure;

    private volatile boolean closed;
    /** The selector key watching this listener, or null ({@link TcpSelectorImpl.Key#watch()} sets it). */
    volatile TcpSelectorImpl.Key watch;

    // stack thread only
    int listenerId = -1;

    TcpListenerImpl(final TcpSocketLayer layer, final int slot, final int address, final int port, final int backlog,
        final TcpAcceptHandler acceptHandler)
    {
        this.acceptHandler = acceptHandler;
        this.layer = layer;
        this.slot = slot;
        this.address = address;
        this.port = port;
        this.backlog = backlog;
        this.ready = new ManyToManyConcurrentArrayQueue<>(Math.max(2, backlog));
    }

    @Override
    public int localPort()
    {
        return port;
    }

    @Override
    public TcpSocket accept() throws IOException
    {
        if (closed)
        {
            throw new ClosedChannelException();
        }
        return ready.poll();
    }

    @Override
    public TcpSocket accept(final Duration timeout) throws IOException
    {
        final long timeoutNs = Waits.nanos(timeout);
        final long startNs = layer.clock().nanoTime();
        for (int round = 0; ; round++)
        {
            final TcpSocket socket = accept();
            if (socket != null)
            {
                return socket;
            }
            final long waitedNs = layer.clock().nanoTime() - startNs;
            if (waitedNs - timeoutNs >= 0)
            {
                throw new SocketTimeoutException("Accept timed out: no connection to port " + port + " within " +
                    timeout);
            }
            if (Thread.currentThread().isInterrupted())
            {
                throw new InterruptedIOException("interrupted while accepting on port " + port);
            }
            Waits.idle(round, timeoutNs - waitedNs);
        }
    }

    /** Stack thread: a connection joined {@link #ready}; wakes a selector waiting to accept. */
    void onAcceptable()
    {
        final TcpSelectorImpl.Key key = watch;
        if (key != null)
        {
            key.onChange(io.ustack.api.socket.TcpSelector.OP_ACCEPT);
        }
    }

    boolean isClosed()
    {
        return closed;
    }

    TcpSocketLayer layer()
    {
        return layer;
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        layer.command(TcpSocketLayer.CMD_CLOSE_LISTENER, slot, 0);
    }

    @Override
    public String toString()
    {
        return "TcpListener{port " + port + (closed ? " closed" : "") + "}";
    }
}
