package io.ustack.tcp.socket;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpSelector;
import io.ustack.api.socket.TcpConnectionStats;
import io.ustack.api.socket.TcpSocket;
import io.ustack.api.socket.TcpSocketOptions;
import io.ustack.tcp.ConnectionOptions;
import io.ustack.tcp.TcpError;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One TCP connection as the application holds it, and the state the stack's thread publishes about it.
 *
 * <p>Data: two {@link SpscByteRing}s, application → stack ({@link #sendRing}) and stack → application
 * ({@link #receiveRing}); {@link TcpSocketLayer} moves bytes between them and the engine's buffers. Control
 * (shutdown, close, abort, options, info) goes through the layer's many-producer command ring. The stack thread
 * publishes {@link #phase}, {@link #error} and {@link #eof} in volatile fields that waiting calls poll.
 */
final class TcpSocketImpl implements TcpSocket
{
    static final int CONNECTING = 0;
    static final int OPEN = 1;
    static final int CLOSED = 2;
    static final int LINGER_PENDING = 0;
    static final int LINGER_ACKED = 1;
    static final int LINGER_RESET = 2;
    private static final long LINGER_SLACK_NS = 5_000_000_000L;

    private static final long INFO_WAIT_NS = 1_000_000_000L;
    private static final AtomicIntegerFieldUpdater<TcpSocketImpl> DOORBELL =
        AtomicIntegerFieldUpdater.newUpdater(TcpSocketImpl.class, "doorbell");
    private static final int ALL_OPS = TcpSelector.OP_CONNECT | TcpSelector.OP_READ | TcpSelector.OP_WRITE;

    final SpscByteRing sendRing;
    final SpscByteRing receiveRing;
    final int slot;
    private final TcpSocketLayer layer;

    // published by the stack thread
    volatile int phase = CONNECTING;
    /** Set before {@link #phase} leaves CONNECTING when the handshake completed. */
    volatile boolean established;
    volatile int error = TcpError.NONE;
    volatile boolean eof;
    volatile int localAddress;
    volatile int localPort;
    volatile int remoteAddress;
    volatile int remotePort;
    volatile String info = "not connected";
    volatile TcpConnectionStats stats;
    /** Set by the application before the socket is published: what the connection starts with, or null. */
    ConnectionOptions options;
    /** SO_LINGER in ns: -1 off, 0 reset on close, else how long close waits for the peer's ACK of everything. */
    volatile long lingerNs = -1;
    volatile boolean keepaliveOn;
    volatile long keepaliveIdleNs;
    volatile long keepaliveIntervalNs;
    volatile int keepaliveProbes;
    volatile String congestionControlWanted;
    /** How a lingering close ended: {@link #LINGER_PENDING}, {@link #LINGER_ACKED} or {@link #LINGER_RESET}. */
    volatile int lingerOutcome = LINGER_PENDING;
    volatile int infoVersion;
    /** The selector key watching this socket, or null ({@link TcpSelectorImpl.Key#watch()} sets it). */
    volatile TcpSelectorImpl.Key watch;

    // application side
    /**
     * 1 while the stack thread owes this socket a pump the application asked for: raised by the application after
     * it moved bytes through a ring, lowered by the stack thread before it pumps ({@link ActiveSockets}).
     */
    private volatile int doorbell;
    private volatile boolean closed;
    private volatile boolean outputShutdown;
    private volatile int versionAtClose;

    // stack thread only
    int connId = -1;
    boolean finRequested;
    boolean finSent;
    boolean closeRequested;
    boolean abortRequested;
    boolean cannotSend;
    boolean lingerClose;
    /** Where this socket sits in the layer's open array, or -1 while it is not there. */
    int openIndex = -1;
    /** Whether {@link ActiveSockets} has it queued for the next pump. */
    boolean queued;
    long lingerDeadlineNs;

    TcpSocketImpl(final TcpSocketLayer layer, final int slot, final int ringBytes)
    {
        this.layer = layer;
        this.slot = slot;
        this.sendRing = new SpscByteRing(ringBytes);
        this.receiveRing = new SpscByteRing(ringBytes);
    }

    @Override
    public int readNow(final ByteBuffer into) throws IOException
    {
        ensureOpen();
        final int n = receiveRing.poll(into);
        if (n > 0)
        {
            ringDoorbell(); // room in the receive ring: the stack may move more of the engine's bytes into it
            return n;
        }
        if (!into.hasRemaining())
        {
            return 0;
        }
        final int e = error;
        if (e != TcpError.NONE)
        {
            throw SocketErrors.onTransfer(e);
        }
        if (eof)
        {
            // the stack thread sets eof after publishing the last bytes: look once more
            final int last = receiveRing.poll(into);
            return last > 0 ? last : -1;
        }
        return 0;
    }

    @Override
    public int read(final ByteBuffer into, final Duration timeout) throws IOException
    {
        final long timeoutNs = Waits.nanos(timeout);
        final long startNs = layer.clock().nanoTime();
        for (int round = 0; ; round++)
        {
            final int n = readNow(into);
            if (n != 0 || !into.hasRemaining())
            {
                return n;
            }
            final long waitedNs = layer.clock().nanoTime() - startNs;
            if (waitedNs - timeoutNs >= 0)
            {
                throw new SocketTimeoutException("Read timed out: nothing arrived within " + timeout);
            }
            checkInterrupt("reading");
            Waits.idle(round, timeoutNs - waitedNs);
        }
    }

    @Override
    public int writeNow(final ByteBuffer from) throws IOException
    {
        ensureWritable();
        final int n = sendRing.offer(from);
        if (n > 0)
        {
            ringDoorbell();
        }
        return n;
    }

    /** Throws what a write would throw now: closed, output shut down, a connection error, or the connection gone. */
    private void ensureWritable() throws IOException
    {
        ensureOpen();
        if (outputShutdown)
        {
            throw new SocketException("Socket output is shut down");
        }
        final int e = error;
        if (e != TcpError.NONE)
        {
            throw SocketErrors.onTransfer(e);
        }
        if (phase == CLOSED)
        {
            throw new SocketException("Broken pipe: the connection is closed");
        }
    }

    /**
     * Application thread, after a ring operation moved bytes: asks the stack thread to pump this socket, unless it
     * already owes a pump. Both sides exchange the flag (a full fence), so either the stack thread's pump after its
     * exchange sees the ring operation, or this exchange finds the flag lowered and asks again.
     */
    private void ringDoorbell()
    {
        if (DOORBELL.getAndSet(this, 1) == 0)
        {
            layer.requestPump(slot);
        }
    }

    /** Stack thread, before pumping this socket: lowers the doorbell, so the next ring operation rings it again. */
    void answerDoorbell()
    {
        DOORBELL.getAndSet(this, 0);
    }

    @Override
    public void write(final ByteBuffer from, final Duration timeout) throws IOException
    {
        final long timeoutNs = Waits.nanos(timeout);
        final long startNs = layer.clock().nanoTime();
        int round = 0;
        while (from.hasRemaining())
        {
            // Once the ring was full, wait until a quarter of it (or all that is left to write) is free, as Linux
            // wakes a blocked writer only when the send buffer is writeable again (sk_stream_is_writeable): writing
            // each few bytes the stack takes would wake this thread, and take a CPU, per segment.
            if ((round == 0 || sendRing.free() >= Math.min(from.remaining(), sendRing.capacity() / 4)) &&
                writeNow(from) > 0)
            {
                round = 0;
                continue;
            }
            ensureWritable();
            final long waitedNs = layer.clock().nanoTime() - startNs;
            if (waitedNs - timeoutNs >= 0)
            {
                throw new SocketTimeoutException("Write timed out: " + from.remaining() + " bytes found no room " +
                    "within " + timeout);
            }
            checkInterrupt("writing");
            Waits.idleWhileQueued(round++, timeoutNs - waitedNs);
        }
    }

    @Override
    public void shutdownOutput() throws IOException
    {
        ensureOpen();
        if (!outputShutdown)
        {
            outputShutdown = true;
            layer.command(TcpSocketLayer.CMD_SHUTDOWN, slot, 0);
        }
    }

    @Override
    public void close()
    {
        if (markClosed())
        {
            // Unread bytes make close an abort, as Linux does (RFC 2525 §2.17); so does SO_LINGER 0.
            final boolean unread = receiveRing.size() > 0;
            final long linger = lingerNs;
            if (unread || linger == 0)
            {
                layer.command(TcpSocketLayer.CMD_ABORT, slot, 0);
            }
            else if (linger > 0)
            {
                layer.command(TcpSocketLayer.CMD_LINGER_CLOSE, slot, 0);
                awaitLinger(linger);
            }
            else
            {
                layer.command(TcpSocketLayer.CMD_CLOSE, slot, 0);
            }
        }
    }

    @Override
    public void abort()
    {
        if (markClosed())
        {
            layer.command(TcpSocketLayer.CMD_ABORT, slot, 0);
        }
    }

    /** Stack thread: resets a socket the application never received (its listener closed first). */
    void abortFromStack()
    {
        if (markClosed())
        {
            abortRequested = true;
            closeRequested = true;
        }
    }

    private synchronized boolean markClosed()
    {
        if (closed)
        {
            return false;
        }
        versionAtClose = infoVersion;
        closed = true;
        return true;
    }

    @Override
    public void noDelay(final boolean on) throws IOException
    {
        ensureOpen();
        layer.command(TcpSocketLayer.CMD_NO_DELAY, slot, on ? 1 : 0);
    }

    @Override
    public void cork(final boolean on) throws IOException
    {
        ensureOpen();
        layer.command(TcpSocketLayer.CMD_CORK, slot, on ? 1 : 0);
    }

    /** SO_LINGER: the stack thread resets the connection at the deadline; this waits for its word (or gives up). */
    private void awaitLinger(final long linger)
    {
        final long limitNs = linger > Long.MAX_VALUE - LINGER_SLACK_NS ? Long.MAX_VALUE : linger + LINGER_SLACK_NS;
        final long startNs = layer.clock().nanoTime();
        for (int round = 0; lingerOutcome == LINGER_PENDING; round++)
        {
            final long waitedNs = layer.clock().nanoTime() - startNs;
            if (waitedNs - limitNs >= 0 || Thread.currentThread().isInterrupted())
            {
                return; // the stack is not running (INVOKER mode not polled) or we were interrupted
            }
            Waits.idle(round, limitNs - waitedNs);
        }
    }

    @Override
    public void keepalive(final boolean on) throws IOException
    {
        ensureOpen();
        keepaliveOn = on;
        layer.command(TcpSocketLayer.CMD_KEEPALIVE, slot, 0);
    }

    @Override
    public void keepalive(final Duration idle, final Duration interval, final int probes) throws IOException
    {
        new TcpSocketOptions().keepalive(idle, interval, probes); // checks the ranges
        ensureOpen();
        keepaliveIdleNs = idle.toNanos();
        keepaliveIntervalNs = interval.toNanos();
        keepaliveProbes = probes;
        keepaliveOn = true;
        layer.command(TcpSocketLayer.CMD_KEEPALIVE, slot, 0);
    }

    @Override
    public void linger(final Duration linger) throws IOException
    {
        new TcpSocketOptions().linger(linger); // checks the range
        ensureOpen();
        lingerNs = linger == null ? -1 : Waits.nanos(linger);
    }

    @Override
    public void congestionControl(final String name) throws IOException
    {
        new TcpSocketOptions().congestionControl(name);
        layer.module().checkPolicyNames(name, null, null);
        ensureOpen();
        congestionControlWanted = name;
        layer.command(TcpSocketLayer.CMD_CONGESTION, slot, 0);
    }

    @Override
    public TcpConnectionStats stats()
    {
        refresh();
        return stats;
    }

    @Override
    public String info()
    {
        refresh();
        return info;
    }

    private void refresh()
    {
        final int version;
        if (closed)
        {
            // the stack thread publishes a last snapshot when it lets go of the connection
            version = versionAtClose;
        }
        else
        {
            version = infoVersion;
            layer.command(TcpSocketLayer.CMD_INFO, slot, 0);
        }
        final long startNs = layer.clock().nanoTime();
        for (int round = 0; infoVersion == version; round++)
        {
            final long waitedNs = layer.clock().nanoTime() - startNs;
            if (waitedNs - INFO_WAIT_NS >= 0)
            {
                break; // the stack thread did not answer (INVOKER mode not polled): the last snapshot
            }
            Waits.idle(round, INFO_WAIT_NS - waitedNs);
        }
    }

    @Override
    public boolean finishConnect() throws IOException
    {
        // Phase first: the stack thread sets established before it leaves CONNECTING, so once the phase says the
        // handshake ended, established is already visible. Reading established first could miss a handshake that
        // completes between the two reads and report a connection that succeeded as failed.
        final int seen = phase;
        if (established)
        {
            return true;
        }
        if (seen == CONNECTING)
        {
            ensureOpen();
            return false;
        }
        throw SocketErrors.onConnect(error, remoteAddress, remotePort);
    }

    /** Selector: of {@code interest}, what is ready now (see {@link TcpSelector}'s readiness rules). */
    int readyOps(final int interest)
    {
        if (phase == CONNECTING)
        {
            return 0;
        }
        int ready = interest & TcpSelector.OP_CONNECT;
        final boolean failed = error != TcpError.NONE || !established;
        if ((interest & TcpSelector.OP_READ) != 0 && (receiveRing.size() > 0 || eof || failed))
        {
            ready |= TcpSelector.OP_READ;
        }
        if ((interest & TcpSelector.OP_WRITE) != 0 &&
            (sendRing.free() > 0 || failed || phase == CLOSED || outputShutdown))
        {
            ready |= TcpSelector.OP_WRITE;
        }
        return ready;
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
    public int localAddress()
    {
        return localAddress;
    }

    @Override
    public int localPort()
    {
        return localPort;
    }

    @Override
    public int remoteAddress()
    {
        return remoteAddress;
    }

    @Override
    public int remotePort()
    {
        return remotePort;
    }

    /** Stack thread: the engine's view of the connection, and whether it opened or failed. */
    void onAttached(final int connId, final int localAddress, final int localPort, final int remoteAddress,
        final int remotePort)
    {
        this.connId = connId;
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
    }

    /** Stack thread: the handshake completed. */
    void onEstablished()
    {
        established = true;
        phase = OPEN;
        onReadinessChange(ALL_OPS);
    }

    /** Stack thread: the connection reached CLOSED ({@code error} is a {@link TcpError} code or NO_RESOURCES). */
    void onEnded(final int error)
    {
        this.error = error;
        this.phase = CLOSED;
        onReadinessChange(ALL_OPS); // connect failed, or reads and writes now report what happened
    }

    /**
     * Stack thread, after publishing a change: {@code ops} ({@link TcpSelector#OP_READ} ...) may have become ready,
     * so a selector waiting on this socket for any of them is woken. One volatile read when nobody watches.
     */
    void onReadinessChange(final int ops)
    {
        final TcpSelectorImpl.Key key = watch;
        if (key != null)
        {
            key.onChange(ops);
        }
    }

    /** Stack thread: a fresh {@link #info} snapshot. */
    void onInfo(final String snapshot, final TcpConnectionStats stats)
    {
        this.stats = stats;
        this.info = snapshot;
        this.infoVersion = infoVersion + 1;
    }

    private void ensureOpen() throws ClosedChannelException
    {
        if (closed)
        {
            throw new ClosedChannelException();
        }
    }

    private static void checkInterrupt(final String what) throws InterruptedIOException
    {
        if (Thread.currentThread().isInterrupted())
        {
            throw new InterruptedIOException("interrupted while " + what);
        }
    }

    @Override
    public String toString()
    {
        return "TcpSocket{" + Ipv4Address.toString(localAddress) + ":" + localPort + " -> " +
            Ipv4Address.toString(remoteAddress) + ":" + remotePort + (closed ? " closed" : "") + "}";
    }
}
