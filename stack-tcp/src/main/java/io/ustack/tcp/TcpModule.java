package io.ustack.tcp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.tcp.IsnGenerator;
import io.ustack.api.tcp.TcpPolicies;
import io.ustack.api.timer.HeapTimerService;
import io.ustack.api.timer.TimerService;
import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.ipv4.TransportProtocol;
import io.ustack.tcp.conn.ConnectionTable;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * TCP (RFC 9293) on the network agent's thread: the {@link TransportProtocol} IPv4 delivers segments to, and the
 * single-threaded engine API the socket layer drives (listen, accept, connect, read, write, shutdown, close, abort).
 *
 * <p>Where things are: {@link SegmentInput} (§3.10.7 per-state rules), {@link Retransmission} (ACK processing, RTO,
 * fast retransmit/NewReno), {@link Sender} (segmentation, Nagle, windows, persist), {@link Receiver} (text, FIN,
 * delayed ACK), {@link SegmentOutput} (building segments), {@link TcpTimers}, {@link Connections} (pool, table,
 * life cycle). Control blocks are pooled in an array indexed by the connection table's {@code int}; no allocation
 * per segment. Output is deferred to the end of the duty cycle ({@link #doWork}): several ACKs owed by one
 * connection in one cycle become one, the latest, and ACKs ride on data when there is any.
 *
 * <p>Ids: connection ids and listener ids are separate spaces. An id stays valid until {@link #close} or
 * {@link #abort}, even after the protocol reached CLOSED ({@link #state} and {@link #error} then say how it ended).
 */
public final class TcpModule implements TransportProtocol
{
    private static final int TIMER_POLL_LIMIT = 1024;

    private final StackCounters counters;
    private final TcpSettings settings;
    private final StackConfig config;
    private final Connections connections;
    private final TcpTimers timers;
    private final SegmentOutput output;
    private final Sender sender;
    private final Retransmission retransmission;
    private final Receiver receiver;
    private final SegmentInput input;
    private final IsnGenerator isn;
    private final IcmpInput icmpInput;
    private final TcpHeader inputHeader = new TcpHeader();
    private final int[] dirtyScratch;
    private int nextEphemeral;
    private Ipv4Sender ip;

    /**
     * @param config   ephemeral port range and random seed
     * @param counters where segments, drops and events are counted
     * @param settings buffers, timers, policies
     */
    public TcpModule(final StackConfig config, final StackCounters counters, final TcpSettings settings)
    {
        this(config, counters, settings, new HeapTimerService(), TcpPolicies.installed());
    }

    /**
     * @param timerService the timer service for this module's connections (one per agent)
     * @param policies     where policies are found by name
     */
    public TcpModule(final StackConfig config, final StackCounters counters, final TcpSettings settings,
        final TimerService timerService, final TcpPolicies policies)
    {
        this.config = config;
        this.counters = counters;
        this.settings = settings;
        final long seed = config.randomSeed();
        this.connections = new Connections(settings, policies, seed * 0x9E37_79B9_7F4A_7C15L, ~seed ^ 0x5851_F42DL);
        this.timers = new TcpTimers(timerService);
        this.output = new SegmentOutput(counters, connections);
        this.sender = new Sender(output, timers, connections, counters, settings);
        this.retransmission = new Retransmission(sender, output, timers, connections, counters, settings, policies);
        this.receiver = new Receiver(output, timers, connections, counters);
        this.isn = policies.isnGenerator(settings.isnGenerator(), settings.isnSecret());
        this.input = new SegmentInput(connections, output, timers, retransmission, receiver, counters, settings, isn);
        this.icmpInput = new IcmpInput(connections);
        this.dirtyScratch = new int[settings.maxConnections()];
        this.nextEphemeral = (int)(seed & 0x7FFF_FFFF);
        connections.attach(timers);
        timers.expiry(this::onTimerExpired);
    }

    /** Where connection events go (one listener for the module; the socket layer multiplexes). */
    public void eventListener(final TcpEventListener listener)
    {
        connections.events(listener);
    }

    @Override
    public int protocolNumber()
    {
        return TcpHeader.PROTOCOL;
    }

    @Override
    public void onAttach(final Ipv4Sender sender, final IcmpErrors icmpErrors)
    {
        this.ip = sender;
        output.attach(sender, timers);
    }

    @Override
    public void onDatagram(final ReceivedDatagram datagram, final long nowNs)
    {
        final TcpHeader seg = inputHeader;
        if (!seg.tryWrap(datagram.buffer(), datagram.payloadOffset(), datagram.payloadLength()))
        {
            counters.drop(seg.failure());
            return;
        }
        final int local = datagram.destinationAddress();
        final int remote = datagram.sourceAddress();
        if (!seg.checksumValid(remote, local))
        {
            counters.drop(DropReason.TCP_BAD_CHECKSUM);
            return;
        }
        counters.increment(CounterDescriptor.TCP_SEGMENTS_RECEIVED);
        final int connId = connections.table.lookup(local, seg.destinationPort(), remote, seg.sourcePort());
        if (connId != ConnectionTable.NO_CONNECTION)
        {
            final Tcb t = connections.pool[connId];
            t.nowNs = nowNs;
            input.onSegment(t, seg, nowNs);
            if (t.inUse && t.state != TcpState.CLOSED)
            {
                connections.markDirty(t);
            }
            return;
        }
        if (datagram.linkBroadcast())
        {
            // RFC 1122 §4.2.3.10: a SYN to a broadcast or multicast address is silently discarded; nor do we answer
            // anything that came that way with a RST.
            counters.drop(DropReason.TCP_NO_CONNECTION);
            return;
        }
        final int listenerId = connections.table.lookupListener(local, seg.destinationPort());
        if (listenerId != ConnectionTable.NO_CONNECTION)
        {
            connections.nextOptions = connections.listeners[listenerId].options;
            input.onListen(connections.listeners[listenerId], seg, local, remote, nowNs);
            connections.nextOptions = null;
            return;
        }
        input.onNoConnection(seg, local, remote, nowNs);
    }

    /** RFC 1122 §4.2.3.9, RFC 5927: see {@link IcmpInput}. */
    @Override
    public void onIcmpError(final int icmpType, final int icmpCode, final int info, final ReceivedDatagram quoted,
        final long nowNs)
    {
        icmpInput.onIcmpError(icmpType, icmpCode, info, quoted);
    }

    @Override
    public int doWork(final long nowNs)
    {
        int work = timers.service().poll(nowNs, TIMER_POLL_LIMIT);
        final int n = connections.drainDirty(dirtyScratch);
        for (int i = 0; i < n; i++)
        {
            final Tcb t = connections.pool[dirtyScratch[i]];
            t.dirty = false;
            if (t.inUse && t.state != TcpState.CLOSED)
            {
                t.nowNs = nowNs;
                work += sender.transmit(t, nowNs);
            }
        }
        return work;
    }

    /** The earliest timer deadline, where a simulator may jump its clock to ({@link Long#MAX_VALUE} if none). */
    public long nextDeadlineNs()
    {
        return timers.service().nextDeadlineNs();
    }

    private void onTimerExpired(final int kind, final int connId, final long nowNs)
    {
        final Tcb t = connections.pool[connId];
        if (t == null || !t.inUse)
        {
            return;
        }
        timers.fired(t, kind);
        t.nowNs = nowNs;
        switch (kind)
        {
            case TcpTimers.RETRANSMIT -> retransmission.onTimeout(t, nowNs);
            case TcpTimers.PERSIST -> sender.onPersistTimeout(t, nowNs);
            case TcpTimers.DELAYED_ACK -> t.ackNow = true;
            case TcpTimers.KEEPALIVE -> onKeepalive(t, nowNs);
            default -> connections.onClosed(t, TcpError.NONE); // TIME-WAIT over (or orphaned FIN-WAIT-2)
        }
        if (t.inUse && t.state != TcpState.CLOSED)
        {
            connections.markDirty(t);
        }
    }

    /**
     * RFC 9293 §3.8.4 / RFC 1122 §4.2.3.6: after the idle time with nothing received, probe with
     * {@code <SEQ=SND.UNA-1>} (no data) every interval; the configured number of unanswered probes aborts.
     */
    private void onKeepalive(final Tcb t, final long nowNs)
    {
        if (!TcpState.synchronizedState(t.state) || t.state == TcpState.TIME_WAIT)
        {
            return;
        }
        final long idleNs = nowNs - t.lastReceiveNs;
        if (idleNs < t.keepaliveIdleNs && t.probes == 0)
        {
            timers.restartKeepalive(t, t.keepaliveIdleNs - idleNs, nowNs);
            return;
        }
        if (t.probes >= t.keepaliveProbes)
        {
            counters.increment(CounterDescriptor.TCP_TIMEOUT_ABORTS);
            connections.onClosed(t, TcpError.TIMED_OUT);
            return;
        }
        t.probes++;
        output.send(t, SeqNum.add(t.sndUna, -1), TcpHeader.ACK, 0, nowNs);
        timers.restartKeepalive(t, t.keepaliveIntervalNs, nowNs);
    }

    // ---- engine API (network thread) ----------------------------------------------------------------------------

    /**
     * Passive open (RFC 9293 §3.10.1): accept connections to {@code localAddress:localPort} (0.0.0.0 = any).
     *
     * @param backlog connections held at once in SYN-RECEIVED or waiting in the accept queue
     * @return the listener id
     * @throws IllegalStateException when a listener is already bound there or no listener slot is free
     */
    public int listen(final int localAddress, final int localPort, final int backlog)
    {
        if (backlog < 1 || localPort < 1 || localPort > 0xFFFF)
        {
            throw new IllegalArgumentException("listen needs a port in 1..65535 and a backlog >= 1, not port " +
                localPort + " backlog " + backlog);
        }
        final int existing = connections.table.lookupListener(localAddress, localPort);
        if (existing != ConnectionTable.NO_CONNECTION && connections.listeners[existing].localAddress == localAddress)
        {
            throw new IllegalStateException("port " + localPort + " already has a listener: close it first");
        }
        for (int i = 0; i < connections.listeners.length; i++)
        {
            Connections.Listener l = connections.listeners[i];
            if (l == null)
            {
                l = new Connections.Listener(i);
                connections.listeners[i] = l;
            }
            if (!l.inUse)
            {
                l.inUse = true;
                l.localAddress = localAddress;
                l.localPort = localPort;
                l.backlog = backlog;
                l.pending = 0;
                l.queue = new int[backlog];
                l.head = 0;
                l.count = 0;
                l.options = null;
                connections.table.putListener(localAddress, localPort, i);
                return i;
            }
        }
        throw new IllegalStateException("no free listener slot: raise TcpSettings.maxListeners (" +
            connections.listeners.length + ")");
    }

    /** @return an ESTABLISHED (or since closed) connection from the accept queue, or -1 when none is ready */
    public int accept(final int listenerId)
    {
        final Connections.Listener l = connections.listener(listenerId);
        final int connId = l.poll();
        if (connId >= 0)
        {
            final Tcb t = connections.pool[connId];
            t.listenerId = -1;
            t.userOwned = true;
        }
        return connId;
    }

    /** Stops listening; connections not yet accepted are reset. */
    public void closeListener(final int listenerId, final long nowNs)
    {
        final Connections.Listener l = connections.listener(listenerId);
        connections.table.removeListener(l.localAddress, l.localPort);
        l.inUse = false;
        for (final Tcb t : connections.pool)
        {
            if (t != null && t.inUse && t.listenerId == listenerId)
            {
                t.listenerId = -1;
                resetAndClose(t, TcpError.ABORTED, nowNs);
            }
        }
    }

    /**
     * Active open (RFC 9293 §3.10.1): sends a SYN. The id is returned even when the open fails at once (no route):
     * {@link #state} is then CLOSED and {@link #error} says why.
     *
     * @param localPort 0 for an ephemeral port
     * @return the connection id, or -1 when the pool or the ephemeral port range is exhausted
     */
    public int connect(final int remoteAddress, final int remotePort, final int localPort, final long nowNs)
    {
        final Tcb t = connections.allocate();
        if (t == null)
        {
            return -1;
        }
        t.userOwned = true;
        t.nowNs = nowNs;
        t.remoteAddress = remoteAddress;
        t.remotePort = remotePort;
        t.localAddress = ip.sourceAddressFor(remoteAddress);
        if (t.localAddress == 0)
        {
            t.error = TcpError.UNREACHABLE;
            return t.id;
        }
        t.localPort = localPort != 0 ? localPort : connections.ephemeralPort(t.localAddress, remoteAddress,
            remotePort, config.ephemeralPortFirst(), config.ephemeralPortLast(), nextEphemeral++);
        if (t.localPort < 0 || connections.table.lookup(t.localAddress, t.localPort, remoteAddress, remotePort) !=
            ConnectionTable.NO_CONNECTION)
        {
            t.inUse = false;
            return -1;
        }
        t.startSend(isn.isn(t.localAddress, t.localPort, remoteAddress, remotePort, nowNs));
        t.ourMss = output.mssFor(remoteAddress, nowNs);
        t.offerWindowScale = true; // RFC 7323 §2.2: offered in every active SYN
        t.effMss = Math.min(t.ourMss, SegmentOutput.DEFAULT_MSS);
        t.receiveBuffer.start(0);
        t.state = TcpState.SYN_SENT;
        connections.addToTable(t);
        input.sendSyn(t, TcpHeader.SYN, nowNs);
        counters.increment(CounterDescriptor.TCP_ACTIVE_OPENS);
        return t.id;
    }

    /**
     * Queues bytes for sending (RFC 9293 §3.10.2 SEND); they leave in {@link #doWork}.
     *
     * @return bytes taken (0 when the send buffer is full), or -1 when the connection can no longer send
     */
    public int write(final int connId, final DirectBuffer src, final int offset, final int length, final long nowNs)
    {
        final Tcb t = connections.get(connId);
        final boolean open = t.state == TcpState.SYN_SENT || t.state == TcpState.SYN_RECEIVED ||
            TcpState.canSendData(t.state);
        if (!open || t.sendBuffer.finQueued())
        {
            return -1;
        }
        final int taken = t.sendBuffer.write(src, offset, length);
        if (taken > 0)
        {
            connections.markDirty(t);
        }
        return taken;
    }

    /**
     * Reads received bytes in order (RFC 9293 §3.10.3 RECEIVE).
     *
     * @return bytes read, 0 when none is ready, -1 at the end of the stream (the peer's FIN and every byte read)
     */
    public int read(final int connId, final MutableDirectBuffer dst, final int offset, final int length,
        final long nowNs)
    {
        final Tcb t = connections.get(connId);
        final int n = t.receiveBuffer.read(dst, offset, length);
        if (n > 0)
        {
            receiver.onRead(t);
            return n;
        }
        return t.receiveBuffer.eof() ? -1 : 0;
    }

    /** Bytes ready for {@link #read}. */
    public int readable(final int connId)
    {
        return connections.get(connId).receiveBuffer.readable();
    }

    /** Room in the send buffer for {@link #write}. */
    public int writable(final int connId)
    {
        return connections.get(connId).sendBuffer.free();
    }

    /** Half-close (shutdown(SHUT_WR)): a FIN after the data written; reading goes on (RFC 9293 §3.6, §3.10.4). */
    public void shutdownOutput(final int connId, final long nowNs)
    {
        final Tcb t = connections.get(connId);
        switch (t.state)
        {
            case TcpState.SYN_SENT -> connections.onClosed(t, TcpError.NONE); // §3.10.4: delete the TCB
            case TcpState.SYN_RECEIVED -> t.sendBuffer.markFin(); // FIN-WAIT-1 once established
            case TcpState.ESTABLISHED ->
            {
                t.sendBuffer.markFin();
                t.state = TcpState.FIN_WAIT_1;
            }
            case TcpState.CLOSE_WAIT ->
            {
                t.sendBuffer.markFin();
                t.state = TcpState.LAST_ACK;
            }
            default ->
            {
                return;
            }
        }
        if (t.inUse && t.state != TcpState.CLOSED)
        {
            connections.markDirty(t);
        }
    }

    /**
     * Close (RFC 9293 §3.10.4): the application lets go of the id. Unread data makes it an abort (RST, as Linux
     * and RFC 2525 §2.17 do); otherwise a FIN follows the data and the block is freed after LAST-ACK or TIME-WAIT.
     */
    public void close(final int connId, final long nowNs)
    {
        final Tcb t = connections.get(connId);
        if (t.receiveBuffer.readable() > 0 && TcpState.synchronizedState(t.state))
        {
            abort(connId, nowNs);
            return;
        }
        t.userClosed = true;
        if (t.state == TcpState.CLOSED)
        {
            connections.release(t);
            return;
        }
        shutdownOutput(connId, nowNs);
        if (t.state == TcpState.FIN_WAIT_2)
        {
            timers.restartTimeWait(t, 2 * settings.mslNs(), nowNs); // orphaned FIN-WAIT-2 (Linux tcp_fin_timeout)
        }
    }

    /** Abort (RFC 9293 §3.10.5): RST to the peer in synchronized states, block freed at once. */
    public void abort(final int connId, final long nowNs)
    {
        final Tcb t = connections.get(connId);
        t.userClosed = true;
        resetAndClose(t, TcpError.ABORTED, nowNs);
    }

    private void resetAndClose(final Tcb t, final int error, final long nowNs)
    {
        if (t.state == TcpState.SYN_RECEIVED || TcpState.synchronizedState(t.state) && t.state != TcpState.TIME_WAIT)
        {
            output.sendReset(t.localAddress, t.localPort, t.remoteAddress, t.remotePort, t.sndMax, 0, false, nowNs);
        }
        connections.onClosed(t, error);
        if (t.userClosed)
        {
            connections.release(t);
        }
    }

    /** @return one of {@link TcpState}'s constants */
    public int state(final int connId)
    {
        return connections.get(connId).state;
    }

    /** @return one of {@link TcpError}'s constants: why the connection ended */
    public int error(final int connId)
    {
        return connections.get(connId).error;
    }

    /** Our address on the connection (chosen by route for an active open). */
    public int localAddress(final int connId)
    {
        return connections.get(connId).localAddress;
    }

    /** Our port on the connection (ephemeral for an active open). */
    public int localPort(final int connId)
    {
        return connections.get(connId).localPort;
    }

    /** The peer's address. */
    public int remoteAddress(final int connId)
    {
        return connections.get(connId).remoteAddress;
    }

    /** The peer's port. */
    public int remotePort(final int connId)
    {
        return connections.get(connId).remotePort;
    }

    /** TCP_NODELAY: turn Nagle off (RFC 9293 §3.7.4 MUST-17 lets the application disable it). */
    public void noDelay(final int connId, final boolean on)
    {
        final Tcb t = connections.get(connId);
        t.noDelay = on;
        connections.markDirty(t);
    }

    /** TCP_CORK: hold partial segments until uncorked (or a full segment is ready). */
    public void cork(final int connId, final boolean on)
    {
        final Tcb t = connections.get(connId);
        t.cork = on;
        connections.markDirty(t);
    }

    /** Per-connection statistics in the manner of {@code ss -ti}. */
    public String info(final int connId)
    {
        return connections.get(connId).toString();
    }

    /** Connections in the table (every state but CLOSED; listeners not counted). */
    public int connectionCount()
    {
        return connections.table.size();
    }

    /** Control blocks in use, including CLOSED ones the application has not closed yet. */
    public int blocksInUse()
    {
        int n = 0;
        for (final Tcb t : connections.pool)
        {
            if (t != null && t.inUse)
            {
                n++;
            }
        }
        return n;
    }

    /** Timers armed (for leak checks in tests). */
    public int timersPending()
    {
        return timers.service().pending();
    }

    // ---- stack shutdown ------------------------------------------------------------------------------------------

    /**
     * The stack is going away: every connection that can still send gets its FIN after the data already queued, as
     * if the application had shut down output (RFC 9293 §3.10.4); one still in SYN-SENT is deleted. Application
     * handles stay valid. Call once the applications' queued bytes have reached the send buffers.
     */
    public void shutdownOutputOfAll(final long nowNs)
    {
        for (final Tcb t : connections.pool)
        {
            if (t != null && t.inUse && t.state != TcpState.CLOSED)
            {
                shutdownOutput(t.id, nowNs);
            }
        }
    }

    /** Connections not yet closed by both sides (anything but CLOSED and TIME-WAIT): what a shutdown waits for. */
    public int connectionsStillClosing()
    {
        int n = 0;
        for (final Tcb t : connections.pool)
        {
            if (t != null && t.inUse && t.state != TcpState.CLOSED && t.state != TcpState.TIME_WAIT)
            {
                n++;
            }
        }
        return n;
    }

    /**
     * The end of a stack shutdown: resets (RFC 9293 §3.10.5) every connection that did not finish closing in time,
     * so peers learn at once rather than by timing out. Application handles stay valid and report the reset.
     *
     * @return how many were reset
     */
    public int resetUnfinished(final long nowNs)
    {
        int n = 0;
        for (final Tcb t : connections.pool)
        {
            if (t != null && t.inUse && t.state != TcpState.CLOSED && t.state != TcpState.TIME_WAIT)
            {
                resetAndClose(t, TcpError.ABORTED, nowNs);
                n++;
            }
        }
        return n;
    }

    // ---- zero-copy receive, for callbacks on this thread ---------------------------------------------------------

    /** The receive buffer's storage, to read (never write) from {@link #receivedOffset} on this thread. */
    public DirectBuffer receivedBytes(final int connId)
    {
        return connections.get(connId).receiveBuffer.buffer();
    }

    /** Index in {@link #receivedBytes} of the first unread in-order byte. */
    public int receivedOffset(final int connId)
    {
        return connections.get(connId).receiveBuffer.readOffset();
    }

    /** In-order unread bytes lying contiguously from {@link #receivedOffset} (the rest wraps to offset 0). */
    public int receivedContiguous(final int connId)
    {
        return connections.get(connId).receiveBuffer.readableContiguous();
    }

    /** Marks {@code n} bytes read after zero-copy access, opening the window as {@link #read} does. */
    public void consume(final int connId, final int n)
    {
        final Tcb t = connections.get(connId);
        t.receiveBuffer.consume(n);
        if (n > 0)
        {
            receiver.onRead(t);
        }
    }

    /** The peer's FIN arrived and every byte before it was read. */
    public boolean endOfStream(final int connId)
    {
        return connections.get(connId).receiveBuffer.eof();
    }

    // ---- per-connection options (socket options) ----------------------------------------------------------------

    /** Active open with per-connection options (buffer sizes, keepalive, policies) in place before the SYN. */
    public int connect(final int remoteAddress, final int remotePort, final int localPort, final long nowNs,
        final ConnectionOptions options)
    {
        connections.nextOptions = options;
        try
        {
            return connect(remoteAddress, remotePort, localPort, nowNs);
        }
        finally
        {
            connections.nextOptions = null;
        }
    }

    /** Passive open whose accepted connections start with {@code options} (as Linux children inherit options). */
    public int listen(final int localAddress, final int localPort, final int backlog, final ConnectionOptions options)
    {
        final int listenerId = listen(localAddress, localPort, backlog);
        connections.listeners[listenerId].options = options;
        return listenerId;
    }

    /**
     * Any thread: checks that the named policies exist (null names are skipped).
     *
     * @throws IllegalArgumentException naming the unknown policy and the names there are
     */
    public void checkPolicyNames(final String congestionControl, final String rtoEstimator, final String ackPolicy)
    {
        if (congestionControl != null)
        {
            connections.policies().congestionControl(congestionControl);
        }
        if (rtoEstimator != null)
        {
            connections.policies().rtoEstimator(rtoEstimator);
        }
        if (ackPolicy != null)
        {
            connections.policies().ackPolicy(ackPolicy);
        }
    }

    /**
     * SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT for one connection (RFC 1122 §4.2.3.6): turning it on
     * in a synchronized state starts the idle timer from now; off stops it.
     */
    public void keepalive(final int connId, final boolean on, final long idleNs, final long intervalNs,
        final int probes, final long nowNs)
    {
        final Tcb t = connections.get(connId);
        t.keepaliveOn = on;
        t.keepaliveIdleNs = idleNs > 0 ? idleNs : t.keepaliveIdleNs; // 0: keep what the connection has
        t.keepaliveIntervalNs = intervalNs > 0 ? intervalNs : t.keepaliveIntervalNs;
        t.keepaliveProbes = probes > 0 ? probes : t.keepaliveProbes;
        t.probes = 0;
        if (on && TcpState.synchronizedState(t.state) && t.state != TcpState.TIME_WAIT)
        {
            t.lastReceiveNs = nowNs;
            timers.restartKeepalive(t, t.keepaliveIdleNs, nowNs);
        }
        else if (!on)
        {
            timers.cancelKeepalive(t);
        }
    }

    /**
     * TCP_CONGESTION: switches the connection to another algorithm, which starts afresh from the current MSS (as
     * Linux's tcp_set_congestion_control re-initialises the new one).
     */
    public void congestionControl(final int connId, final String name)
    {
        final Tcb t = connections.get(connId);
        t.cc = connections.policies().congestionControl(name);
        if (TcpState.synchronizedState(t.state))
        {
            t.cc.init(t);
            t.cc.onStateChange(io.ustack.api.tcp.CongestionControl.OPEN);
        }
    }

    /** Every byte written and our FIN have been acknowledged (what a lingering close waits for). */
    public boolean sendQueueAcked(final int connId)
    {
        final Tcb t = connections.get(connId);
        return t.sendBuffer.finQueued() && t.sendBuffer.finAcked();
    }

    /** The connection's statistics as a value ({@code ss -ti}). */
    public io.ustack.api.socket.TcpConnectionStats stats(final int connId)
    {
        final Tcb t = connections.get(connId);
        return new io.ustack.api.socket.TcpConnectionStats(TcpState.name(t.state), t.cc.name(), t.rto.name(),
            t.ackPolicy.name(), t.cc.cwnd(), t.cc.ssthresh(), t.srttNs() / 1000, t.rto.rttVarNs() / 1000,
            t.rto.rtoNs() / 1_000_000, t.effMss, t.sndWnd, t.rcvWnd(), t.sendBuffer.capacity(),
            t.receiveBuffer.capacity(), t.keepaliveOn, t.bytesSent, t.bytesAcked, t.bytesReceived, t.segmentsOut,
            t.segmentsIn, t.retransmits, t.dsackSent, t.dsackReceived, t.dsackIgnored);
    }
}
