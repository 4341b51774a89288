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
import java.util.concurrent.locks.LockSupport;

/**
 * A level-triggered {@link TcpSelector}: each selection walks the registered keys and asks each socket or listener
 * what is ready from the volatile state the stack thread publishes (ring fill levels, phase, error, end of stream,
 * accept queue). Nothing is signalled by the stack thread, so selecting costs one pass over the keys and the stack's
 * data path is untouched; a waiting {@link #select(Duration)} repeats the pass with the same spin-yield-park backoff
 * the blocking socket calls use. Keys live in arrays that grow on registration only, so a selection allocates
 * nothing.
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
    private volatile boolean wakeupPending;
    private volatile Thread selecting;

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
        return add(new Key(impl, null, interest, attachment));
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
        return add(new Key(null, impl, interest, attachment));
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
        selecting = Thread.currentThread();
        try
        {
            for (int round = 0; ; round++)
            {
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
                Waits.idle(round, timeoutNs - waitedNs);
            }
        }
        finally
        {
            selecting = null;
        }
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
        final Thread waiter = selecting;
        if (waiter != null)
        {
            LockSupport.unpark(waiter);
        }
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

    /** One registration. */
    private static final class Key implements TcpSelectionKey
    {
        private final TcpSocketImpl socket;
        private final TcpListenerImpl listener;
        private int interest;
        private int readyOps;
        private Object attachment;
        private boolean valid = true;

        Key(final TcpSocketImpl socket, final TcpListenerImpl listener, final int interest, final Object attachment)
        {
            this.socket = socket;
            this.listener = listener;
            this.interest = interest;
            this.attachment = attachment;
        }

        int poll()
        {
            if (socket != null)
            {
                return socket.readyOps(interest);
            }
            return (interest & OP_ACCEPT) != 0 && !listener.ready.isEmpty() ? OP_ACCEPT : 0;
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
