package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSelectionKey;
import io.ustack.api.socket.TcpSelector;
import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * A level-triggered {@link TcpSelector}: each selection walks the registered keys and asks each socket or listener
 * what is ready from the volatile state the stack thread publishes (ring fill levels, phase, error, end of stream,
 * accept queue). Keys live in arrays that grow on registration only, so a selection allocates nothing.
 *
 * <p>Waiting: a socket or listener points at the key watching it; when the stack thread changes something that key's
 * interest covers (bytes in or out, end of stream, connected, ended, a connection to accept) it calls
 * {@link #onReadiness()}, which raises {@link #signalled} and, on the raise only, unparks the {@link #waiter}. The
 * waiting thread clears the flag, scans, and parks only while the flag is still down, for the whole remaining
 * timeout: an idle selector costs no CPU, and a wakeup costs the stack thread one atomic exchange (nothing while
 * the selector is busy and the flag already up). Both sides use full fences (exchange on the stack side, exchange and
 * volatile read on this side), so a change the stack publishes before raising the flag is seen by the scan after the
 * clear that takes it down.
 */
final class TcpSelectorImpl implements TcpSelector
{
    private static final int VALID_SOCKET_OPS = OP_CONNECT | OP_READ | OP_WRITE;

    private final TcpSocketLayer layer;
    private Key[] keys = new Key[16];
    private Key[] ready = new Key[16];
    private int keyCount;
    private int readyCount;
    private boolean closed;
    /** Raised by the stack thread (and by {@link #wakeup()}) when a watched key may have become ready. */
    private final AtomicBoolean signalled = new AtomicBoolean();
    private volatile boolean wakeupPending;
    /** The thread inside {@link #select(Duration)}, or null. */
    private volatile Thread waiter;
    /** Times {@link #select(Duration)} went round its wait loop (scan, then park): how tests see it does not spin. */
    private volatile long waitRounds;

    TcpSelectorImpl(final TcpSocketLayer layer)
    {
        this.layer = layer;
    }

    @Override
    public TcpSelectionKey register(final TcpSocket socket, final int interest, final Object attachment)
        throws IOException
    {
        if (!(socket instanceof TcpSocketImpl impl) || impl.layer() != layer)
        {
            throw new IllegalArgumentException("register takes sockets of the stack this selector came from, not " +
                socket);
        }
        checkSocketOps(interest);
        if (impl.isClosed())
        {
            throw new ClosedChannelException();
        }
        return add(new Key(this, impl, null, interest, attachment));
    }

    @Override
    public TcpSelectionKey register(final TcpListener listener, final int interest, final Object attachment)
        throws IOException
    {
        if (!(listener instanceof TcpListenerImpl impl) || impl.layer() != layer)
        {
            throw new IllegalArgumentException("register takes listeners of the stack this selector came from, not " +
                listener);
        }
        checkListenerOps(interest);
        if (impl.isClosed())
        {
            throw new ClosedChannelException();
        }
        return add(new Key(this, null, impl, interest, attachment));
    }

    private Key add(final Key key) throws ClosedChannelException
    {
        if (closed)
        {
            throw new ClosedChannelException();
        }
        for (int i = 0; i < keyCount; i++)
        {
            final Key k = keys[i];
            if (k.valid && (k.socket != null && k.socket == key.socket || k.listener != null &&
                k.listener == key.listener))
            {
                throw new IllegalArgumentException("already registered with this selector: change the interest " +
                    "of its key instead");
            }
        }
        if (!key.watch())
        {
            throw new IllegalArgumentException("already registered with another selector: a socket or listener " +
                "is watched by one selector at a time, so cancel its key there first");
        }
        if (keyCount == keys.length)
        {
            keys = Arrays.copyOf(keys, keyCount * 2);
            ready = Arrays.copyOf(ready, keyCount * 2);
        }
        keys[keyCount++] = key;
        return key;
    }

    @Override
    public int selectNow() throws IOException
    {
        if (closed)
        {
            throw new ClosedChannelException();
        }
        wakeupPending = false;
        return scan();
    }

    @Override
    public int select(final Duration timeout) throws IOException
    {
        if (closed)
        {
            throw new ClosedChannelException();
        }
        final long timeoutNs = Waits.nanos(timeout);
        final long startNs = layer.clock().nanoTime();
        waiter = Thread.currentThread();
        try
        {
            while (true)
            {
                waitRounds = waitRounds + 1;
                signalled.getAndSet(false); // an exchange: sees whatever the stack published before raising it
                final int n = scan();
                if (n > 0 || wakeupPending)
                {
                    wakeupPending = false;
                    return n;
                }
                final long waitedNs = layer.clock().nanoTime() - startNs;
                if (waitedNs - timeoutNs >= 0)
                {
                    return 0;
                }
                if (Thread.currentThread().isInterrupted())
                {
                    throw new InterruptedIOException("interrupted while selecting");
                }
                if (!signalled.get())
                {
                    LockSupport.parkNanos(this, timeoutNs - waitedNs); // until onReadiness, wakeup or interrupt
                }
            }
        }
        finally
        {
            waiter = null;
        }
    }

    /**
     * Stack thread (or {@link #wakeup()}): something a key watches may have become ready. Unparks the waiting
     * selector when this raises the flag; if the flag was already up the selector has yet to take it down and scan.
     */
    void onReadiness()
    {
        if (!signalled.getAndSet(true))
        {
            final Thread thread = waiter;
            if (thread != null)
            {
                LockSupport.unpark(thread);
            }
        }
    }

    /** Test view: rounds of the wait loop so far. */
    long waitRounds()
    {
        return waitRounds;
    }

    /** One pass: drops dead keys, records each live key's ready operations, collects the ready ones. */
    private int scan()
    {
        readyCount = 0;
        for (int i = 0; i < keyCount; i++)
        {
            final Key k = keys[i];
            if (!k.isValid())
            {
                k.unwatch();
                k.valid = false;
                k.readyOps = 0;
                keys[i] = keys[--keyCount];
                keys[keyCount] = null;
                i--;
                continue;
            }
            k.readyOps = k.poll();
            if (k.readyOps != 0)
            {
                ready[readyCount++] = k;
            }
        }
        for (int i = readyCount; i < ready.length && ready[i] != null; i++)
        {
            ready[i] = null; // let go of keys that left the set
        }
        return readyCount;
    }

    @Override
    public TcpSelectionKey readyKey(final int index)
    {
        if (index < 0 || index >= readyCount)
        {
            throw new IndexOutOfBoundsException("ready key " + index + " of " + readyCount);
        }
        return ready[index];
    }

    @Override
    public void wakeup()
    {
        wakeupPending = true;
        onReadiness();
    }

    @Override
    public int keyCount()
    {
        return keyCount;
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (int i = 0; i < keyCount; i++)
        {
            keys[i].unwatch();
            keys[i].valid = false;
            keys[i] = null;
        }
        Arrays.fill(ready, null);
        keyCount = 0;
        readyCount = 0;
    }

    private static void checkSocketOps(final int ops)
    {
        if ((ops & ~VALID_SOCKET_OPS) != 0)
        {
            throw new IllegalArgumentException("a socket's interest is a mix of OP_CONNECT (2), OP_READ (4) and " +
                "OP_WRITE (8), not " + ops + (((ops & OP_ACCEPT) != 0) ? ": OP_ACCEPT is for listeners" : ""));
        }
    }

    private static void checkListenerOps(final int ops)
    {
        if ((ops & ~OP_ACCEPT) != 0)
        {
            throw new IllegalArgumentException("a listener's interest is OP_ACCEPT (1) or 0, not " + ops);
        }
    }

    /**
     * One registration. The socket or listener points at it while it is valid ({@link #watch()}), so the stack thread
     * can tell its selector about changes the interest set covers ({@link #onChange(int)}).
     */
    static final class Key implements TcpSelectionKey
    {
        private static final AtomicReferenceFieldUpdater<TcpSocketImpl, Key> SOCKET_WATCH =
            AtomicReferenceFieldUpdater.newUpdater(TcpSocketImpl.class, Key.class, "watch");
        private static final AtomicReferenceFieldUpdater<TcpListenerImpl, Key> LISTENER_WATCH =
            AtomicReferenceFieldUpdater.newUpdater(TcpListenerImpl.class, Key.class, "watch");

        private final TcpSelectorImpl selector;
        private final TcpSocketImpl socket;
        private final TcpListenerImpl listener;
        /** Volatile: the stack thread reads it to decide whether a change matters to this key. */
        private volatile int interest;
        private int readyOps;
        private Object attachment;
        private boolean valid = true;

        Key(final TcpSelectorImpl selector, final TcpSocketImpl socket, final TcpListenerImpl listener,
            final int interest, final Object attachment)
        {
            this.selector = selector;
            this.socket = socket;
            this.listener = listener;
            this.interest = interest;
            this.attachment = attachment;
        }

        /** Stack thread: {@code ops} may have become ready; wakes the selector if it watches any of them. */
        void onChange(final int ops)
        {
            if ((interest & ops) != 0)
            {
                selector.onReadiness();
            }
        }

        /** Points the socket or listener at this key; false when another selector's key already watches it. */
        boolean watch()
        {
            return socket != null ? SOCKET_WATCH.compareAndSet(socket, null, this) :
                LISTENER_WATCH.compareAndSet(listener, null, this);
        }

        void unwatch()
        {
            if (socket != null)
            {
                SOCKET_WATCH.compareAndSet(socket, this, null);
            }
            else
            {
                LISTENER_WATCH.compareAndSet(listener, this, null);
            }
        }

        int poll()
        {
            final int watched = interest;
            if (socket != null)
            {
                return socket.readyOps(watched);
            }
            return (watched & OP_ACCEPT) != 0 && !listener.ready.isEmpty() ? OP_ACCEPT : 0;
        }

        @Override
        public TcpSocket socket()
        {
            return socket;
        }

        @Override
        public TcpListener listener()
        {
            return listener;
        }

        @Override
        public int interest()
        {
            return interest;
        }

        @Override
        public void interest(final int ops)
        {
            if (socket != null)
            {
                checkSocketOps(ops);
            }
            else
            {
                checkListenerOps(ops);
            }
            interest = ops;
        }

        @Override
        public int readyOps()
        {
            return readyOps;
        }

        @Override
        public Object attachment()
        {
            return attachment;
        }

        @Override
        public void attach(final Object attachment)
        {
            this.attachment = attachment;
        }

        @Override
        public void cancel()
        {
            unwatch();
            valid = false;
        }

        @Override
        public boolean isValid()
        {
            return valid && !(socket != null ? socket.isClosed() : listener.isClosed());
        }

        @Override
        public String toString()
        {
            return "TcpSelectionKey{" + (socket != null ? socket : listener) + " interest " + interest + " ready " +
                readyOps + (valid ? "" : " cancelled") + "}";
        }
    }
}
