package io.ustack.tcp;

import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.TcpPolicies;
import io.ustack.tcp.conn.ConnectionTable;

/**
 * The pool of control blocks and listeners, the connection table, and the life-cycle steps shared by input, output
 * and timers: established, TIME_WAIT, closed, freed. Slots are indexed by the table's {@code int}; a slot is reused
 * only after the protocol is done with it <em>and</em> the application closed its id (or never got it).
 */
final class Connections
{
    /** A passive-open socket (RFC 9293 §3.10.1 OPEN with passive flag): backlog and accept queue. */
    static final class Listener
    {
        final int id;
        boolean inUse;
        int localAddress;
        int localPort;
        int backlog;
        /** Children in SYN-RECEIVED. */
        int pending;
        int[] queue = new int[0];
        int head;
        int count;
        /** What the connections this listener accepts start with, or null for the module's settings. */
        ConnectionOptions options;

        Listener(final int id)
        {
            this.id = id;
        }

        void offer(final int connId)
        {
            queue[(head + count) % queue.length] = connId;
            count++;
        }

        int poll()
        {
            if (count == 0)
            {
                return -1;
            }
            final int connId = queue[head];
            head = (head + 1) % queue.length;
            count--;
            return connId;
        }
    }

    final Tcb[] pool;
    final Listener[] listeners;
    final ConnectionTable table;
    private final TcpSettings settings;
    private final TcpPolicies policies;
    private final int[] dirty;
    private int dirtyCount;
    private int freeHint;
    private TcpTimers timers;
    private TcpEventListener events = TcpEventListener.NONE;
    /** Options for the next {@link #allocate} (an active open's, or the listener's a SYN arrived for), or null. */
    ConnectionOptions nextOptions;

    Connections(final TcpSettings settings, final TcpPolicies policies, final long secret0, final long secret1)
    {
        this.settings = settings;
        this.policies = policies;
        this.pool = new Tcb[settings.maxConnections()];
        this.dirty = new int[settings.maxConnections()];
        this.listeners = new Listener[settings.maxListeners()];
        this.table = new ConnectionTable(Math.min(settings.maxConnections(), 1 << 16), secret0, secret1);
    }

    void attach(final TcpTimers timers)
    {
        this.timers = timers;
    }

    void events(final TcpEventListener events)
    {
        this.events = events == null ? TcpEventListener.NONE : events;
    }

    TcpEventListener events()
    {
        return events;
    }

    /** A free control block, reset, with fresh policy instances; null when the pool is full. */
    Tcb allocate()
    {
        for (int i = 0; i < pool.length; i++)
        {
            final int index = (freeHint + i) % pool.length;
            Tcb t = pool[index];
            if (t == null)
            {
                t = new Tcb(index, settings.sendBufferBytes(), settings.receiveBufferBytes());
                pool[index] = t;
            }
            if (!t.inUse)
            {
                freeHint = index + 1;
                t.reset();
                t.inUse = true;
                t.cc = policies.congestionControl(settings.congestionControl());
                t.rto = policies.rtoEstimator(settings.rtoEstimator());
                t.ackPolicy = policies.ackPolicy(settings.ackPolicy());
                applyOptions(t, nextOptions);
                return t;
            }
        }
        return null;
    }

    Tcb get(final int connId)
    {
        if (connId < 0 || connId >= pool.length || pool[connId] == null || !pool[connId].inUse)
        {
            throw new IllegalArgumentException("no connection " + connId);
        }
        return pool[connId];
    }

    Listener listener(final int listenerId)
    {
        if (listenerId < 0 || listenerId >= listeners.length || listeners[listenerId] == null ||
            !listeners[listenerId].inUse)
        {
            throw new IllegalArgumentException("no listener " + listenerId);
        }
        return listeners[listenerId];
    }

    void addToTable(final Tcb t)
    {
        table.put(t.localAddress, t.localPort, t.remoteAddress, t.remotePort, t.id);
        t.inTable = true;
    }

    /** Queue a connection for output at the end of the duty cycle (ACKs coalesce: only the latest goes). */
    void markDirty(final Tcb t)
    {
        if (!t.dirty)
        {
            t.dirty = true;
            dirty[dirtyCount++] = t.id;
        }
    }

    int dirtyCount()
    {
        return dirtyCount;
    }

    /** Takes the dirty list; returns how many ids were copied into {@code into}. */
    int drainDirty(final int[] into)
    {
        final int n = dirtyCount;
        System.arraycopy(dirty, 0, into, 0, n);
        dirtyCount = 0;
        return n;
    }

    /** RFC 9293 §3.10.7.3/4: the handshake completed. */
    void onEstablished(final Tcb t, final long nowNs)
    {
        t.state = TcpState.ESTABLISHED;
        t.cc.init(t);
        t.cc.onStateChange(CongestionControl.OPEN);
        t.rto.onHandshakeComplete(t.synTimedOut);
        t.retries = 0;
        if (t.keepaliveOn)
        {
            t.lastReceiveNs = nowNs;
            timers.restartKeepalive(t, t.keepaliveIdleNs, nowNs);
        }
        if (t.sendBuffer.finQueued())
        {
            t.state = TcpState.FIN_WAIT_1; // close() was called during the handshake (RFC 9293 §3.10.4)
        }
        if (t.listenerId >= 0)
        {
            final Listener l = listeners[t.listenerId];
            l.pending--;
            l.offer(t.id);
            events.onAcceptable(l.id);
        }
        else
        {
            events.onConnected(t.id);
        }
    }

    /** RFC 9293 §3.6.1: both FINs are acknowledged; wait 2×MSL before the block can be freed. */
    void enterTimeWait(final Tcb t, final long nowNs)
    {
        t.state = TcpState.TIME_WAIT;
        timers.cancelRetransmit(t);
        timers.cancelPersist(t);
        timers.cancelKeepalive(t);
        timers.restartTimeWait(t, 2 * settings.mslNs(), nowNs);
    }

    /**
     * The connection is over: timers stopped, table entry removed, the application told; the slot is freed unless
     * the application still holds the id (then {@link TcpModule#close} frees it).
     */
    void onClosed(final Tcb t, final int error)
    {
        final boolean wasOpen = t.state != TcpState.CLOSED;
        timers.cancelAll(t);
        if (t.inTable)
        {
            table.remove(t.localAddress, t.localPort, t.remoteAddress, t.remotePort);
            t.inTable = false;
        }
        if (t.state == TcpState.SYN_RECEIVED && t.listenerId >= 0 && listeners[t.listenerId] != null)
        {
            listeners[t.listenerId].pending--;
            t.listenerId = -1;
        }
        if (wasOpen && t.error == TcpError.NONE)
        {
            t.error = error;
        }
        t.state = TcpState.CLOSED;
        final boolean queued = t.listenerId >= 0;
        if (t.userClosed || (!t.userOwned && !queued))
        {
            t.inUse = false;
        }
        else if (wasOpen && t.userOwned)
        {
            events.onClosed(t.id, t.error);
        }
    }

    /** Frees a block that is CLOSED and that the application has let go of. */
    void release(final Tcb t)
    {
        t.userClosed = true;
        if (t.state == TcpState.CLOSED)
        {
            onClosed(t, TcpError.NONE);
        }
    }

    /** A free local port in the ephemeral range for this remote end, or -1. */
    int ephemeralPort(final int localAddress, final int remoteAddress, final int remotePort, final int first,
        final int last, final int start)
    {
        final int span = last - first + 1;
        for (int i = 0; i < span; i++)
        {
            final int port = first + Math.floorMod(start + i, span);
            if (table.lookup(localAddress, port, remoteAddress, remotePort) == ConnectionTable.NO_CONNECTION &&
                table.lookupListener(localAddress, port) == ConnectionTable.NO_CONNECTION)
            {
                return port;
            }
        }
        return -1;
    }

    /**
     * Gives a fresh block the module's keepalive settings and default buffer sizes, then what {@code o} overrides
     * (buffers are replaced only when the size differs from the block's current one).
     */
    private void applyOptions(final Tcb t, final ConnectionOptions o)
    {
        t.keepaliveOn = settings.keepalive();
        t.keepaliveIdleNs = settings.keepaliveIdleNs();
        t.keepaliveIntervalNs = settings.keepaliveIntervalNs();
        t.keepaliveProbes = settings.keepaliveProbes();
        int sendBytes = settings.sendBufferBytes();
        int receiveBytes = settings.receiveBufferBytes();
        if (o != null)
        {
            sendBytes = o.sendBufferBytes > 0 ? o.sendBufferBytes : sendBytes;
            receiveBytes = o.receiveBufferBytes > 0 ? o.receiveBufferBytes : receiveBytes;
            t.noDelay = o.noDelay;
            t.cork = o.cork;
            t.keepaliveOn = o.keepalive < 0 ? t.keepaliveOn : o.keepalive == 1;
            t.keepaliveIdleNs = o.keepaliveIdleNs > 0 ? o.keepaliveIdleNs : t.keepaliveIdleNs;
            t.keepaliveIntervalNs = o.keepaliveIntervalNs > 0 ? o.keepaliveIntervalNs : t.keepaliveIntervalNs;
            t.keepaliveProbes = o.keepaliveProbes > 0 ? o.keepaliveProbes : t.keepaliveProbes;
            t.cc = o.congestionControl != null ? policies.congestionControl(o.congestionControl) : t.cc;
            t.rto = o.rtoEstimator != null ? policies.rtoEstimator(o.rtoEstimator) : t.rto;
            t.ackPolicy = o.ackPolicy != null ? policies.ackPolicy(o.ackPolicy) : t.ackPolicy;
        }
        if (t.sendBuffer.capacity() != sendBytes)
        {
            t.sendBuffer = new io.ustack.tcp.buffer.SendBuffer(sendBytes);
        }
        if (t.receiveBuffer.capacity() != receiveBytes)
        {
            t.receiveBuffer = new io.ustack.tcp.buffer.ReceiveBuffer(receiveBytes);
        }
    }

    TcpPolicies policies()
    {
        return policies;
    }
}
