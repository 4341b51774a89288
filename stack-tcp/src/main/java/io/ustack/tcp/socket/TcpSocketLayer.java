package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpAcceptHandler;
import io.ustack.api.socket.TcpHandler;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSelector;
import io.ustack.api.socket.TcpSocket;
import io.ustack.api.socket.TcpSocketOptions;
import io.ustack.api.socket.TcpSockets;
import io.ustack.tcp.ConnectionOptions;
import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.ipv4.TransportProtocol;
import io.ustack.tcp.TcpEventListener;
import io.ustack.tcp.TcpModule;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.TcpState;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * TCP sockets over the single-threaded {@link TcpModule}: the {@link TransportProtocol} IPv4 hosts (it wraps the
 * module and adds the socket pump to its duty cycle) and the factory applications open connections with.
 *
 * <pre>
 *   app threads --command ring (MPSC: connect, listen, shutdown, close, abort, options, info)--&gt;  stack thread
 *   app writer  --send ring (SPSC bytes)--&gt;  pump --TcpModule.write--&gt;  engine send buffer
 *   app reader  &lt;--receive ring (SPSC bytes)--  pump &lt;--TcpModule.read--  engine receive buffer
 * </pre>
 *
 * <p>Each {@link #doWork} drains the command ring, takes established connections from listeners whose application
 * queue has room, moves bytes both ways for every socket with something to move ({@link ActiveSockets}) as far as
 * the rings and the engine's buffers allow, and then runs the engine's own duty cycle (so bytes moved in this cycle
 * leave in it). Phases and errors reach
 * the application through volatile fields the engine's events set. Nothing is allocated per read or write; a
 * connection's rings are allocated when it opens.
 */
public final class TcpSocketLayer implements TransportProtocol, TcpSockets, TcpEventListener
{
    /** Default size of each of a connection's two byte rings. */
    public static final int DEFAULT_RING_BYTES = 1 << 18;

    static final int CMD_CONNECT = 1;
    static final int CMD_LISTEN = 2;
    static final int CMD_CLOSE_LISTENER = 3;
    static final int CMD_SHUTDOWN = 4;
    static final int CMD_CLOSE = 5;
    static final int CMD_ABORT = 6;
    static final int CMD_NO_DELAY = 7;
    static final int CMD_CORK = 8;
    static final int CMD_INFO = 9;
    static final int CMD_SNAPSHOT = 10;
    static final int CMD_KEEPALIVE = 11;
    static final int CMD_CONGESTION = 12;
    static final int CMD_LINGER_CLOSE = 13;
    static final int CMD_PUMP = 14;

    private static final int CMD_SLOT_OFFSET = 0;
    private static final int CMD_ARG_OFFSET = 4;
    private static final int CMD_LENGTH = 8;
    private static final int COMMAND_RING_BYTES = 1 << 16;
    private static final int COMMANDS_PER_CYCLE = 256;
    private static final long LISTEN_WAIT_NS = 5_000_000_000L;

    private final TcpModule module;
    private final NanoClock clock;
    private final int ringBytes;
    private final ManyToOneRingBuffer commands;
    private final AtomicReferenceArray<Object> slots;
    /** Where the next slot search starts (a hint: racing threads may both read it, and the CAS decides). */
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final TcpSocketImpl[] byConnId;
    private final TcpSocketImpl[] open;
    private final ActiveSockets active;
    private final TcpListenerImpl[] listeners;
    private final CommandHandler commandHandler = new CommandHandler();
    private final SocketPump pump;
    private final CallbackConnections callbacks;
    private int openCount;
    /** Pumps run so far, one per socket per cycle it was active (the stack thread writes it; tests read it). */
    private long socketsPumped;
    private int listenerCount;
    private long nowNs;
    private volatile TcpEngineSnapshot snapshot = new TcpEngineSnapshot(0, 0, 0, 0);
    private volatile int snapshotVersion;

    /**
     * @param module    the engine; this layer becomes its event listener
     * @param settings  the engine's settings (connection and listener limits)
     * @param clock     the stack's time, for blocking calls' timeouts
     * @param ringBytes size of each connection's send and receive ring (rounded up to a power of two)
     */
    public TcpSocketLayer(final TcpModule module, final TcpSettings settings, final NanoClock clock,
        final int ringBytes)
    {
        this.module = module;
        this.clock = clock;
        this.ringBytes = ringBytes;
        this.commands = new ManyToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            COMMAND_RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        this.byConnId = new TcpSocketImpl[settings.maxConnections()];
        this.open = new TcpSocketImpl[settings.maxConnections()];
        this.active = new ActiveSockets(open.length);
        this.listeners = new TcpListenerImpl[settings.maxListeners()];
        this.slots = new AtomicReferenceArray<>(settings.maxConnections() + settings.maxListeners());
        this.pump = new SocketPump(module, byConnId);
        this.callbacks = new CallbackConnections(module, settings.maxConnections());
        module.eventListener(this);
    }

    /** The engine underneath (network thread only). */
    public TcpModule module()
    {
        return module;
    }

    NanoClock clock()
    {
        return clock;
    }

    // ---- application side ---------------------------------------------------------------------------------------

    @Override
    public TcpSocket connect(final int address, final int port, final Duration timeout) throws IOException
    {
        return connect(address, port, timeout, null);
    }

    @Override
    public TcpSocket connect(final int address, final int port, final Duration timeout,
        final TcpSocketOptions options) throws IOException
    {
        final TcpSocketImpl socket = startConnect(address, port, options);
        final long timeoutNs = Waits.nanos(timeout);
        final long startNs = clock.nanoTime();
        for (int round = 0; socket.phase == TcpSocketImpl.CONNECTING; round++)
        {
            final long waitedNs = clock.nanoTime() - startNs;
            if (waitedNs - timeoutNs >= 0)
            {
                socket.abort();
                throw new SocketTimeoutException("connect timed out: no answer within " + timeout);
            }
            Waits.idle(round, timeoutNs - waitedNs);
        }
        if (!socket.established)
        {
            final int error = socket.error;
            socket.close();
            throw SocketErrors.onConnect(error, address, port);
        }
        return socket;
    }

    @Override
    public TcpSocket connectNow(final int address, final int port) throws IOException
    {
        return startConnect(address, port, null);
    }

    @Override
    public TcpSocket connectNow(final int address, final int port, final TcpSocketOptions options)
        throws IOException
    {
        return startConnect(address, port, options);
    }

    @Override
    public TcpListener listen(final int address, final int port, final int backlog, final TcpSocketOptions options)
        throws IOException
    {
        return listenWith(address, port, backlog, null, options);
    }

    @Override
    public TcpSelector openSelector()
    {
        return new TcpSelectorImpl(this);
    }

    private TcpSocketImpl startConnect(final int address, final int port, final TcpSocketOptions options)
        throws IOException
    {
        if (address == 0 || port < 1 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("connect needs a non-zero address and a port 1..65535, not port " +
                port);
        }
        final ConnectionOptions engineOptions = EngineOptions.from(module, options);
        final int slot = reserveSlot();
        final TcpSocketImpl socket = new TcpSocketImpl(this, slot, ringBytes);
        socket.options = engineOptions;
        socket.lingerNs = EngineOptions.lingerNs(options);
        socket.remoteAddress = address;
        socket.remotePort = port;
        slots.set(slot, socket);
        command(CMD_CONNECT, slot, 0);
        return socket;
    }

    @Override
    public TcpListener listen(final int address, final int port, final int backlog) throws IOException
    {
        return listen(address, port, backlog, (TcpAcceptHandler)null);
    }

    @Override
    public void connect(final int address, final int port, final TcpHandler handler) throws IOException
    {
        connect(address, port, handler, null);
    }

    @Override
    public void connect(final int address, final int port, final TcpHandler handler, final TcpSocketOptions options)
        throws IOException
    {
        if (address == 0 || port < 1 || port > 0xFFFF || handler == null)
        {
            throw new IllegalArgumentException("connect needs a non-zero address, a port 1..65535 and a handler, " +
                "not port " + port + " handler " + handler);
        }
        final boolean resetOnClose = EngineOptions.callbackResetOnClose(options);
        final ConnectionOptions engineOptions = EngineOptions.from(module, options);
        final int slot = reserveSlot();
        final CallbackConnection connection = new CallbackConnection(callbacks, module, handler);
        connection.options = engineOptions;
        connection.resetOnClose = resetOnClose;
        connection.remoteAddressWanted = address;
        connection.remotePortWanted = port;
        connection.slot = slot;
        slots.set(slot, connection);
        command(CMD_CONNECT, slot, 0);
    }

    @Override
    public TcpListener listen(final int address, final int port, final int backlog, final TcpAcceptHandler onAccept)
        throws IOException
    {
        return listenWith(address, port, backlog, onAccept, null);
    }

    @Override
    public TcpListener listen(final int address, final int port, final int backlog, final TcpAcceptHandler onAccept,
        final TcpSocketOptions options) throws IOException
    {
        if (onAccept == null)
        {
            throw new IllegalArgumentException("a callback listener needs an accept handler (for accept(), use " +
                "listen(address, port, backlog, options))");
        }
        EngineOptions.callbackResetOnClose(options); // refuses a linger time before anything is opened
        return listenWith(address, port, backlog, onAccept, options);
    }

    private TcpListener listenWith(final int address, final int port, final int backlog,
        final TcpAcceptHandler onAccept, final TcpSocketOptions options) throws IOException
    {
        final ConnectionOptions engineOptions = EngineOptions.from(module, options);
        if (backlog < 1 || port < 1 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("listen needs a port in 1..65535 and a backlog >= 1, not port " +
                port + " backlog " + backlog);
        }
        final int slot = reserveSlot();
        final TcpListenerImpl listener = new TcpListenerImpl(this, slot, address, port, backlog, onAccept);
        listener.options = engineOptions;
        listener.lingerNs = EngineOptions.lingerNs(options);
        slots.set(slot, listener);
        command(CMD_LISTEN, slot, 0);
        final long startNs = clock.nanoTime();
        for (int round = 0; listener.phase == TcpListenerImpl.PENDING; round++)
        {
            final long waitedNs = clock.nanoTime() - startNs;
            if (waitedNs - LISTEN_WAIT_NS >= 0)
            {
                listener.close();
                throw new SocketException("the stack did not take the listen request within 5 s: is it started " +
                    "(and, in INVOKER mode, polled)?");
            }
            Waits.idle(round, LISTEN_WAIT_NS - waitedNs);
        }
        if (listener.phase == TcpListenerImpl.FAILED)
        {
            throw new BindException(listener.failure);
        }
        return listener;
    }

    /**
     * What the engine holds, asked of the stack thread (which must be running).
     *
     * @throws SocketTimeoutException when the stack thread does not answer within {@code timeout}
     */
    public TcpEngineSnapshot snapshot(final Duration timeout) throws SocketTimeoutException
    {
        final int version = snapshotVersion;
        command(CMD_SNAPSHOT, 0, 0);
        final long timeoutNs = Waits.nanos(timeout);
        final long startNs = clock.nanoTime();
        for (int round = 0; snapshotVersion == version; round++)
        {
            final long waitedNs = clock.nanoTime() - startNs;
            if (waitedNs - timeoutNs >= 0)
            {
                throw new SocketTimeoutException("the stack thread did not answer within " + timeout);
            }
            Waits.idle(round, timeoutNs - waitedNs);
        }
        return snapshot;
    }

    /** Any thread: queues a command for the stack thread, waiting while the ring is full. */
    void command(final int type, final int slot, final int arg)
    {
        for (int round = 0; ; round++)
        {
            final int index = commands.tryClaim(type, CMD_LENGTH);
            if (index >= 0)
            {
                final MutableDirectBuffer buffer = commands.buffer();
                buffer.putInt(index + CMD_SLOT_OFFSET, slot);
                buffer.putInt(index + CMD_ARG_OFFSET, arg);
                commands.commit(index);
                return;
            }
            Waits.idle(round, Long.MAX_VALUE);
        }
    }

    /**
     * Application thread (a socket's doorbell): asks the stack thread to pump the socket in {@code slot}. Never
     * waits: when the command ring is full, the next cycle pumps every open socket instead.
     */
    void requestPump(final int slot)
    {
        final int index = commands.tryClaim(CMD_PUMP, CMD_LENGTH);
        if (index < 0)
        {
            active.requestAll();
            return;
        }
        final MutableDirectBuffer buffer = commands.buffer();
        buffer.putInt(index + CMD_SLOT_OFFSET, slot);
        buffer.putInt(index + CMD_ARG_OFFSET, 0);
        commands.commit(index);
    }

    /** Test view: callback connections serviced so far (one per connection per cycle it had something). */
    long callbacksServiced()
    {
        return callbacks.serviced();
    }

    /** Test view: the sockets queued for pumping. */
    ActiveSockets activeSockets()
    {
        return active;
    }

    private int reserveSlot() throws SocketException
    {
        final int slot = tryReserveSlot();
        if (slot < 0)
        {
            throw new SocketException("no free socket slot (" + slots.length() + " in use): close sockets, or " +
                "raise TcpSettings.maxConnections");
        }
        return slot;
    }

    /**
     * Any thread: a free slot, held by a placeholder until its socket or listener is published; -1 if none. The
     * search starts after the slot last reserved (next fit), so opening n sockets one after another costs O(n), not
     * the O(n^2) of searching from slot 0 each time.
     */
    private int tryReserveSlot()
    {
        final int length = slots.length();
        final int start = nextSlot.get();
        for (int k = 0; k < length; k++)
        {
            final int i = start + k < length ? start + k : start + k - length;
            if (slots.compareAndSet(i, null, Reserved.INSTANCE))
            {
                nextSlot.set(i + 1 < length ? i + 1 : 0);
                return i;
            }
        }
        return -1;
    }

    /** Holds a slot between reservation and publication. */
    private enum Reserved
    {
        INSTANCE
    }

    // ---- TransportProtocol (stack thread) ------------------------------------------------------------------------

    @Override
    public int protocolNumber()
    {
        return module.protocolNumber();
    }

    @Override
    public void onAttach(final Ipv4Sender sender, final IcmpErrors icmpErrors)
    {
        module.onAttach(sender, icmpErrors);
    }

    @Override
    public void onDatagram(final ReceivedDatagram datagram, final long nowNs)
    {
        module.onDatagram(datagram, nowNs);
    }

    @Override
    public void onIcmpError(final int icmpType, final int icmpCode, final int info, final ReceivedDatagram quoted,
        final long nowNs)
    {
        module.onIcmpError(icmpType, icmpCode, info, quoted, nowNs);
    }

    @Override
    public int doWork(final long nowNs)
    {
        this.nowNs = nowNs;
        callbacks.beginCycle(nowNs);
        int work = commands.read(commandHandler, COMMANDS_PER_CYCLE);
        for (int i = 0; i < listenerCount; i++)
        {
            work += takeAccepted(listeners[i]);
        }
        work += pumpActive(nowNs);
        work += callbacks.doWork();
        return work + module.doWork(nowNs);
    }

    /** Pumps the sockets with something to move; a socket whose pump did work stays queued for the next cycle. */
    private int pumpActive(final long nowNs)
    {
        if (active.takeRequestAll())
        {
            for (int i = 0; i < openCount; i++)
            {
                open[i].answerDoorbell();
                active.add(open[i]);
            }
        }
        int work = 0;
        final int count = active.beginBatch();
        for (int i = 0; i < count; i++)
        {
            final TcpSocketImpl socket = active.take(i);
            final int moved = pump.pump(socket, nowNs);
            socketsPumped++;
            work += moved;
            if (socket.connId < 0 && socket.closeRequested)
            {
                removeOpen(socket);
            }
            else if (moved > 0 || socket.lingerClose)
            {
                active.add(socket);
            }
        }
        return work;
    }

    /** Test view: pumps run so far. */
    long socketsPumped()
    {
        return socketsPumped;
    }

    private void addOpen(final TcpSocketImpl socket)
    {
        socket.openIndex = openCount;
        open[openCount++] = socket;
        active.add(socket);
    }

    private void removeOpen(final TcpSocketImpl socket)
    {
        final int at = socket.openIndex;
        if (at < 0)
        {
            return; // already removed: a stale entry of the queue
        }
        socket.onInfo(socket.info, socket.stats); // a last snapshot for info() after close
        final TcpSocketImpl last = open[--openCount];
        open[at] = last;
        last.openIndex = at;
        open[openCount] = null;
        socket.openIndex = -1;
        slots.set(socket.slot, null);
    }

    // ---- engine events (stack thread) ---------------------------------------------------------------------------

    @Override
    public void onConnected(final int connId)
    {
        final TcpSocketImpl socket = byConnId[connId];
        if (socket != null && socket.phase == TcpSocketImpl.CONNECTING)
        {
            socket.onEstablished();
        }
        activate(connId);
    }

    @Override
    public void onReadable(final int connId)
    {
        activate(connId);
    }

    @Override
    public void onWritable(final int connId)
    {
        activate(connId);
    }

    /** Queues the connection's socket for a pump, or its callback connection for delivery, next cycle. */
    private void activate(final int connId)
    {
        final TcpSocketImpl socket = byConnId[connId];
        if (socket != null)
        {
            active.add(socket);
        }
        else
        {
            callbacks.onEvent(connId);
        }
    }

    @Override
    public void onClosed(final int connId, final int error)
    {
        final TcpSocketImpl socket = byConnId[connId];
        if (socket != null)
        {
            socket.onEnded(error);
        }
        activate(connId);
    }

    // ---- stack thread -------------------------------------------------------------------------------------------

    private int takeAccepted(final TcpListenerImpl listener)
    {
        int work = 0;
        while (listener.ready.remainingCapacity() > 0)
        {
            final int connId = module.accept(listener.listenerId);
            if (connId < 0)
            {
                break;
            }
            work++;
            if (listener.acceptHandler != null)
            {
                callbacks.onAccepted(listener.acceptHandler, connId, listener.lingerNs == 0);
                continue;
            }
            final int slot = tryReserveSlot();
            if (slot < 0)
            {
                module.abort(connId, nowNs); // no room for one more socket: the peer hears a RST
                continue;
            }
            final TcpSocketImpl socket = new TcpSocketImpl(this, slot, ringBytes);
            socket.lingerNs = listener.lingerNs;
            slots.set(slot, socket);
            attach(socket, connId);
            socket.established = true;
            if (socket.phase == TcpSocketImpl.CONNECTING)
            {
                socket.phase = TcpSocketImpl.OPEN;
            }
            listener.ready.offer(socket);
            listener.onAcceptable();
        }
        return work;
    }

    private void attach(final TcpSocketImpl socket, final int connId)
    {
        socket.onAttached(connId, module.localAddress(connId), module.localPort(connId),
            module.remoteAddress(connId), module.remotePort(connId));
        byConnId[connId] = socket;
        addOpen(socket);
        if (module.state(connId) == TcpState.CLOSED)
        {
            socket.onEnded(module.error(connId));
        }
    }

    private void onConnect(final TcpSocketImpl socket)
    {
        final int connId = module.connect(socket.remoteAddress, socket.remotePort, 0, nowNs, socket.options);
        if (connId < 0)
        {
            socket.onEnded(SocketErrors.NO_RESOURCES);
            addOpen(socket); // kept until the application closes it, which frees the slot
            return;
        }
        attach(socket, connId);
    }

    private void onListen(final TcpListenerImpl listener)
    {
        try
        {
            listener.listenerId = module.listen(listener.address, listener.port, listener.backlog,
                listener.options);
            listeners[listenerCount++] = listener;
            listener.phase = TcpListenerImpl.LISTENING;
        }
        catch (final IllegalStateException e)
        {
            listener.failure = e.getMessage();
            listener.phase = TcpListenerImpl.FAILED;
            slots.set(listener.slot, null);
        }
    }

    private void onCloseListener(final TcpListenerImpl listener)
    {
        if (listener.phase == TcpListenerImpl.LISTENING)
        {
            module.closeListener(listener.listenerId, nowNs);
            for (int i = 0; i < listenerCount; i++)
            {
                if (listeners[i] == listener)
                {
                    listeners[i] = listeners[--listenerCount];
                    listeners[listenerCount] = null;
                    break;
                }
            }
            // accepted from the engine but never taken by the application: reset, as the engine does its own
            TcpSocketImpl orphan;
            while ((orphan = listener.ready.poll()) != null)
            {
                orphan.abortFromStack();
                active.add(orphan);
            }
        }
        slots.set(listener.slot, null);
    }

    private void onSocketCommand(final int type, final TcpSocketImpl socket, final int arg)
    {
        switch (type)
        {
            case CMD_CONNECT -> onConnect(socket);
            case CMD_SHUTDOWN -> socket.finRequested = true;
            case CMD_CLOSE -> socket.closeRequested = true;
            case CMD_ABORT ->
            {
                socket.abortRequested = true;
                socket.closeRequested = true;
            }
            case CMD_NO_DELAY, CMD_CORK, CMD_INFO, CMD_KEEPALIVE, CMD_CONGESTION -> onOption(type, socket, arg);
            case CMD_LINGER_CLOSE -> onLingerClose(socket);
            case CMD_PUMP -> socket.answerDoorbell();
            default -> throw new IllegalStateException("unknown socket command " + type);
        }
        active.add(socket); // whatever the command changed, the socket's next pump acts on it
    }

    private void onOption(final int type, final TcpSocketImpl socket, final int arg)
    {
        if (socket.connId >= 0 && type == CMD_INFO)
        {
            socket.onInfo(module.info(socket.connId), module.stats(socket.connId)); // the id is valid until close
            return;
        }
        if (socket.connId < 0 || module.state(socket.connId) == TcpState.CLOSED)
        {
            if (type == CMD_INFO)
            {
                socket.onInfo(socket.info, socket.stats);
            }
            return;
        }
        switch (type)
        {
            case CMD_NO_DELAY -> module.noDelay(socket.connId, arg != 0);
            case CMD_CORK -> module.cork(socket.connId, arg != 0);
            case CMD_KEEPALIVE -> module.keepalive(socket.connId, socket.keepaliveOn, socket.keepaliveIdleNs,
                socket.keepaliveIntervalNs, socket.keepaliveProbes, nowNs);
            case CMD_CONGESTION -> module.congestionControl(socket.connId, socket.congestionControlWanted);
            default -> socket.onInfo(module.info(socket.connId), module.stats(socket.connId));
        }
    }

    /** SO_LINGER close: FIN after the queued bytes, then {@link SocketPump} waits for the ACK or the deadline. */
    private void onLingerClose(final TcpSocketImpl socket)
    {
        if (socket.connId < 0)
        {
            socket.closeRequested = true; // never connected: nothing to deliver
            socket.lingerOutcome = TcpSocketImpl.LINGER_RESET;
            return;
        }
        socket.finRequested = true;
        socket.lingerClose = true;
        socket.lingerDeadlineNs = nowNs + socket.lingerNs;
    }

    /** Decodes one command. A field, not a lambda: draining the ring allocates nothing. */
    private final class CommandHandler implements MessageHandler
    {
        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final int slot = buffer.getInt(index + CMD_SLOT_OFFSET);
            final int arg = buffer.getInt(index + CMD_ARG_OFFSET);
            if (msgTypeId == CMD_SNAPSHOT)
            {
                snapshot = new TcpEngineSnapshot(module.connectionCount(), module.blocksInUse(),
                    module.timersPending(), openCount);
                snapshotVersion = snapshotVersion + 1;
                return;
            }
            // A command racing its socket's close (another thread) may find the slot empty or reused: ignored.
            final Object target = slots.get(slot);
            if (target instanceof TcpListenerImpl listener)
            {
                if (msgTypeId == CMD_LISTEN)
                {
                    onListen(listener);
                }
                else if (msgTypeId == CMD_CLOSE_LISTENER)
                {
                    onCloseListener(listener);
                }
            }
            else if (target instanceof TcpSocketImpl socket)
            {
                onSocketCommand(msgTypeId, socket, arg);
            }
            else if (target instanceof CallbackConnection connection && msgTypeId == CMD_CONNECT)
            {
                slots.set(slot, null); // from here on the connection is known by its engine id
                callbacks.onConnectCommand(connection);
            }
        }
    }

    /**
     * Whether applications have queued commands, or bytes the pump has not yet moved into the engine: a stack
     * shutdown lets these through before it closes connections. Stack thread.
     */
    public boolean applicationOutputPending()
    {
        if (commands.size() > 0)
        {
            return true;
        }
        for (int i = 0; i < openCount; i++)
        {
            final TcpSocketImpl socket = open[i];
            if (socket.connId >= 0 && socket.sendRing.size() > 0 && mayStillSend(module.state(socket.connId)))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean mayStillSend(final int state)
    {
        return state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED || state == TcpState.ESTABLISHED ||
            state == TcpState.CLOSE_WAIT;
    }
}
