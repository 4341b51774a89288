package io.ustack.cli.bench;

import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection's throughput, a to b: the sender writes 64 KiB chunks as fast as the stack takes them; the receiver
 * measures {@link ThroughputWindows}. Then the sender
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
        final ThroughputWindows marks = windows(stacks.clock.nanoTime());
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
        final ThroughputWindows marks = windows(stacks.clock.nanoTime());
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

    private ThroughputWindows windows(final long startNs)
    {
        return new ThroughputWindows(startNs, warmupNs, windowNs, windows);
    }
}
