package io.ustack.tcp.socket;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The blocking sockets the stack thread pumps in its next duty cycle, so that an idle connection costs a cycle
 * nothing: with 100,000 open sockets a cycle visits only those with something to move, instead of all of them.
 * A socket joins the queue when
 * <ul>
 *   <li>its application moved bytes through one of its rings ({@link TcpSocketImpl}'s doorbell) or sent it a
 *       command,</li>
 *   <li>the engine reports it readable, writable, connected or closed, or the layer has just attached it,</li>
 * </ul>
 * and it stays queued while its pump still does work, or while a lingering close waits on the clock. Anything else
 * that could give a pump work is one of those events: bytes leave the send ring only when the engine's send buffer
 * has room (writable), enter the receive ring only when the engine has bytes (readable) and the ring has room (the
 * application's read, which rings the doorbell).
 *
 * <p>Stack thread only, except {@link #requestAll()}. The two arrays are sized for every open socket, and a socket
 * is queued at most once ({@link TcpSocketImpl#queued}), so adding never fails and allocates nothing.
 */
final class ActiveSockets
{
    private TcpSocketImpl[] queue;
    private int queued;
    private TcpSocketImpl[] batch;
    private final AtomicBoolean everyone = new AtomicBoolean();

    ActiveSockets(final int capacity)
    {
        this.queue = new TcpSocketImpl[capacity];
        this.batch = new TcpSocketImpl[capacity];
    }

    /** Queues an open socket for the next batch, once. Sockets not (or no longer) open are ignored. */
    void add(final TcpSocketImpl socket)
    {
        if (!socket.queued && socket.openIndex >= 0)
        {
            socket.queued = true;
            queue[queued++] = socket;
        }
    }

    /**
     * Any thread: an application's doorbell found no room in the command ring, so the next cycle pumps every open
     * socket (and answers every doorbell) instead of the queued ones only.
     */
    void requestAll()
    {
        everyone.set(true);
    }

    /** Whether {@link #requestAll()} was called since the last time this returned true. */
    boolean takeRequestAll()
    {
        return everyone.get() && everyone.getAndSet(false);
    }

    /**
     * Starts a batch: the queued sockets move to it and the queue empties, so sockets queued while the batch is
     * pumped (by their own pump, or by engine events it causes) wait for the next cycle.
     *
     * @return how many sockets the batch holds; {@link #take(int)} hands out each
     */
    int beginBatch()
    {
        final TcpSocketImpl[] full = queue;
        final int count = queued;
        queue = batch;
        queued = 0;
        batch = full;
        return count;
    }

    /** The {@code i}-th socket of the batch, no longer counted as queued. */
    TcpSocketImpl take(final int i)
    {
        final TcpSocketImpl socket = batch[i];
        batch[i] = null;
        socket.queued = false;
        return socket;
    }
}
