package io.ustack.cli.bench;

import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection's throughput, a to b: the sender writes 64 KiB chunks as fast as the stack takes them; after the
 * warm-up, the receiver notes bytes and time at the end of each measurement window, and each window gives one
 * sample in Mbit/s (bytes over the window's real length, so a late mark does not bias the rate). Then the sender
 * stops and sends a FIN, and the receiver reads to the end.
 */
final class Throughput
{
    static final int CHUNK = 64 * 1024;

    private final TwoStacks stacks;
    private final long warmupNs;
    private final long windowNs;
    private final int windows;

    /** What the receiver saw: total bytes, and Mbit/s per window. */
    record Outcome(long bytes, double[] mbitPerSecond)
    {
    }

    Throughput(final TwoStacks stacks, final long warmupNs, final long windowNs, final int windows)
    {
        this.stacks = stacks;
        this.warmupNs = warmupNs;
        this.windowNs = windowNs;
        this.windows = windows;
    }

    Outcome run(final TcpSocket client, final TcpSocket server) throws IOException
    {
        return stacks.invoker() ? runPolled(client, server) : runThreaded(client, server);
    }

    private Outcome runThreaded(final TcpSocket client, final TcpSocket server) throws IOException
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<IOException> failure = new AtomicReference<>();
        final Thread sender = new Thread(() ->
        {
            final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            try
            {
                while (!stop.get())
                {
                    chunk.clear();
                    client.write(chunk, TwoStacks.WAIT);
                }
                client.shutdownOutput();
            }
            catch (final IOException e)
            {
                failure.set(e);
            }
        }, "bench-sender");
        sender.setDaemon(true);
        sender.start();
        final Windows marks = new Windows(stacks.clock.nanoTime());
        final ByteBuffer into = ByteBuffer.allocateDirect(CHUNK);
        long total = 0;
        try
        {
            while (true)
            {
                into.clear();
                final int n = server.read(into, TwoStacks.WAIT);
                if (n < 0)
                {
                    break;
                }
                total += n;
                if (marks.observe(total, stacks.clock.nanoTime()))
                {
                    stop.set(true);
                }
            }
        }
        finally
        {
            stop.set(true);
            TwoStacks.joinUninterruptibly(sender);
        }
        if (failure.get() != null)
        {
            throw new IOException("the sender failed: " + failure.get().getMessage(), failure.get());
        }
        return new Outcome(total, marks.rates());
    }

    private Outcome runPolled(final TcpSocket client, final TcpSocket server) throws IOException
    {
        final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        final ByteBuffer into = ByteBuffer.allocateDirect(CHUNK);
        final Windows marks = new Windows(stacks.clock.nanoTime());
        long total = 0;
        boolean sending = true;
        long lastProgressNs = stacks.clock.nanoTime();
        while (true)
        {
            stacks.poll();
            if (sending)
            {
                if (!chunk.hasRemaining())
                {
                    chunk.clear();
                }
                client.writeNow(chunk);
            }
            into.clear();
            final int n = server.readNow(into);
            final long nowNs = stacks.clock.nanoTime();
            if (n < 0)
            {
                break;
            }
            if (n > 0)
            {
                total += n;
                lastProgressNs = nowNs;
                if (sending && marks.observe(total, nowNs))
                {
                    sending = false;
                    client.shutdownOutput();
                }
            }
            else if (nowNs - lastProgressNs > TwoStacks.WAIT.toNanos())
            {
                throw new SocketTimeoutException("no bytes arrived for " + TwoStacks.WAIT);
            }
        }
        return new Outcome(total, marks.rates());
    }

    /** Marks the end of the warm-up and of each window; done after the last window. */
    private final class Windows
    {
        private final long[] bytesAt = new long[windows + 1];
        private final long[] timeAt = new long[windows + 1];
        private final long startNs;
        private int marked;

        Windows(final long startNs)
        {
            this.startNs = startNs;
        }

        /** Notes {@code total} bytes at {@code nowNs}; true once every window is measured. */
        boolean observe(final long total, final long nowNs)
        {
            if (marked > windows)
            {
                return true;
            }
            final long dueNs = startNs + warmupNs + marked * windowNs;
            if (nowNs - dueNs >= 0)
            {
                bytesAt[marked] = total;
                timeAt[marked] = nowNs;
                marked++;
            }
            return marked > windows;
        }

        double[] rates()
        {
            if (marked <= windows)
            {
                throw new IllegalStateException("the transfer ended before its last measurement window");
            }
            final double[] rates = new double[windows];
            for (int i = 0; i < windows; i++)
            {
                rates[i] = (bytesAt[i + 1] - bytesAt[i]) * 8.0 / ((timeAt[i + 1] - timeAt[i]) / 1e9) / 1e6;
            }
            return rates;
        }
    }
}
