package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpAcceptHandler;
import io.ustack.api.socket.TcpCloseReason;
import io.ustack.api.socket.TcpHandler;
import io.ustack.tcp.TcpError;
import io.ustack.tcp.TcpModule;
import io.ustack.tcp.TcpState;

/**
 * Stack thread: the connections in callback style, and the delivery of their events once per duty cycle. Received
 * bytes are handed to {@link TcpHandler#onData} as a view of the engine's receive buffer (no copy, no socket ring),
 * then consumed in the engine, which opens the window as a read would. Engine events (connected, closed) only set
 * state here; the handler hears of them from {@link #doWork}, outside the engine's segment processing.
 *
 * <p>A cycle visits only the connections with something to deliver, as {@link ActiveSockets} does for blocking
 * sockets: one joins the queue when it is attached and on each engine event (connected, readable, writable,
 * closed), and stays queued while received bytes its handler left unconsumed are waiting (they are offered again
 * every cycle, as before). An idle connection costs a cycle nothing.
 */
final class CallbackConnections
{
    private final TcpModule module;
    private final CallbackConnection[] byConnId;
    private CallbackConnection[] queue;
    private CallbackConnection[] batch;
    private int queued;
    /** Connections serviced so far, one per connection per cycle it was queued (tests read it). */
    private long serviced;
    private Thread stackThread;
    private long nowNs;

    CallbackConnections(final TcpModule module, final int maxConnections)
    {
        this.module = module;
        this.byConnId = new CallbackConnection[maxConnections];
        this.queue = new CallbackConnection[maxConnections];
        this.batch = new CallbackConnection[maxConnections];
    }

    /** At the start of each duty cycle: who the stack thread is, and the time. */
    void beginCycle(final long nowNs)
    {
        this.stackThread = Thread.currentThread();
        this.nowNs = nowNs;
    }

    long nowNs()
    {
        return nowNs;
    }

    void checkStackThread()
    {
        if (Thread.currentThread() != stackThread)
        {
            throw new IllegalStateException("TcpConnection methods run on the stack's thread, inside a TcpHandler " +
                "callback; from other threads use a TcpSocket");
        }
    }

    boolean owns(final int connId)
    {
        return byConnId[connId] != null;
    }

    /** Test view: connections serviced so far. */
    long serviced()
    {
        return serviced;
    }

    /** A connect command from an application thread. */
    void onConnectCommand(final CallbackConnection c)
    {
        final int connId = module.connect(c.remoteAddressWanted, c.remotePortWanted, 0, nowNs, c.options);
        if (connId < 0)
        {
            c.released = true;
            c.handler.onClosed(c, TcpCloseReason.ABORTED); // no free control block or ephemeral port
            return;
        }
        attach(c, connId);
    }

    /**
     * A connection a callback listener's handshake completed (the engine gave it the listener's options already).
     *
     * @param resetOnClose the listener's SO_LINGER 0
     */
    void onAccepted(final TcpAcceptHandler acceptHandler, final int connId, final boolean resetOnClose)
    {
        final CallbackConnection c = new CallbackConnection(this, module, null);
        c.resetOnClose = resetOnClose;
        attach(c, connId);
        c.connectedDelivered = true;
        try
        {
            c.handler = acceptHandler.onAccept(c);
        }
        catch (final RuntimeException e)
        {
            c.abort();
            throw e;
        }
        if (c.handler == null && !c.released)
        {
            c.abort(); // refused by the application
        }
    }

    private void attach(final CallbackConnection c, final int connId)
    {
        c.onAttached(connId);
        byConnId[connId] = c;
        enqueue(c);
    }

    /** An engine event (connected, readable, writable, closed) for {@code connId}: deliver it next. */
    void onEvent(final int connId)
    {
        final CallbackConnection c = byConnId[connId];
        if (c != null)
        {
            enqueue(c);
        }
    }

    private void enqueue(final CallbackConnection c)
    {
        if (!c.queued && !c.released)
        {
            c.queued = true;
            queue[queued++] = c;
        }
    }

    /** Drops a connection from event delivery; its engine id is then the caller's to close or abort. */
    void release(final CallbackConnection c)
    {
        c.released = true;
        byConnId[c.connId] = null;
    }

    /**
     * Delivers the events of the queued connections; returns the work done. Connections queued meanwhile (by
     * engine events their handlers cause) wait for the next cycle.
     */
    int doWork()
    {
        final CallbackConnection[] taken = queue;
        final int count = queued;
        queue = batch;
        queued = 0;
        batch = taken;
        int work = 0;
        for (int i = 0; i < count; i++)
        {
            final CallbackConnection c = taken[i];
            taken[i] = null;
            c.queued = false;
            if (c.released)
            {
                continue;
            }
            serviced++;
            work += service(c);
            if (!c.released && c.connectedDelivered && module.receivedContiguous(c.connId) > 0)
            {
                enqueue(c); // bytes the handler left: offered again next cycle
            }
        }
        return work;
    }

    private int service(final CallbackConnection c)
    {
        try
        {
            return deliver(c);
        }
        catch (final RuntimeException e)
        {
            if (!c.released)
            {
                c.abort(); // a handler that throws loses its connection, not the stack
            }
            throw e;
        }
    }

    private int deliver(final CallbackConnection c)
    {
        final int connId = c.connId;
        final TcpHandler handler = c.handler;
        int work = 0;
        if (!c.connectedDelivered && TcpState.synchronizedState(module.state(connId)))
        {
            c.connectedDelivered = true;
            handler.onConnected(c);
            work++;
        }
        for (int pass = 0; pass < 2 && !c.released && c.connectedDelivered; pass++)
        {
            final int length = module.receivedContiguous(connId);
            if (length == 0)
            {
                break;
            }
            c.inOnData = true;
            final int consumed;
            try
            {
                consumed = handler.onData(c, module.receivedBytes(connId), module.receivedOffset(connId), length);
            }
            finally
            {
                c.inOnData = false;
            }
            if (c.released)
            {
                break;
            }
            if (consumed > 0)
            {
                module.consume(connId, Math.min(consumed, length));
                work += consumed;
            }
            if (c.closeAfterData)
            {
                c.close(); // asked for inside onData: after the bytes it consumed are gone, so no reset for them
                return work + 1;
            }
            if (consumed < length)
            {
                break;
            }
        }
        if (!c.released && !c.peerClosedDelivered && module.endOfStream(connId))
        {
            c.peerClosedDelivered = true;
            handler.onPeerClosed(c);
            work++;
        }
        if (!c.released && c.wantWritable && module.writable(connId) > 0)
        {
            c.wantWritable = false;
            handler.onWritable(c);
            work++;
        }
        if (!c.released && module.state(connId) == TcpState.CLOSED)
        {
            final int error = module.error(connId);
            release(c);
            module.close(connId, nowNs);
            handler.onClosed(c, CallbackConnection.reason(error == TcpError.NONE && !c.connectedDelivered ?
                TcpError.ABORTED : error));
            work++;
        }
        return work;
    }
}
