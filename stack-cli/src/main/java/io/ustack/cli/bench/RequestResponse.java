package io.ustack.cli.bench;

import io.ustack.api.socket.TcpSocket;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Request/response latency: the client writes a 64-byte request, the server echoes it, and the client times the
 * round trip until the whole reply is back; one message in flight at a time. After warm-up messages, each repeat
 * of {@code messages} round trips gives one p50 and one p99 (nearest rank), in microseconds.
 */
final class RequestResponse
{
    static final int MESSAGE_BYTES = 64;

    private final TwoStacks stacks;
    private final int warmupMessages;
    private final int messages;
    private final int repeats;

    /** p50 and p99 of each repeat, in microseconds. */
    record Outcome(double[] p50Us, double[] p99Us)
    {
    }

    RequestResponse(final TwoStacks stacks, final int warmupMessages, final int messages, final int repeats)
    {
        this.stacks = stacks;
        this.warmupMessages = warmupMessages;
        this.messages = messages;
        this.repeats = repeats;
    }

    Outcome run(final TcpSocket client, final TcpSocket server) throws IOException
    {
        final AtomicReference<IOException> failure = new AtomicReference<>();
        Thread echo = null;
        if (!stacks.invoker())
        {
            echo = new Thread(() -> echo(server, failure), "bench-echo");
            echo.setDaemon(true);
            echo.start();
        }
        final ByteBuffer request = ByteBuffer.allocateDirect(MESSAGE_BYTES);
        final ByteBuffer reply = ByteBuffer.allocateDirect(MESSAGE_BYTES);
        final PolledEcho polledEcho = new PolledEcho();
        final long[] rttNs = new long[messages];
        final double[] p50 = new double[repeats];
        final double[] p99 = new double[repeats];
        // On a failure the echo thread (a daemon blocked in a read) ends when the case shuts its stacks down.
        for (int i = 0; i < warmupMessages; i++)
        {
            roundTrip(client, server, request, reply, polledEcho);
        }
        for (int r = 0; r < repeats; r++)
        {
            for (int i = 0; i < messages; i++)
            {
                rttNs[i] = roundTrip(client, server, request, reply, polledEcho);
            }
            Arrays.sort(rttNs);
            p50[r] = Estimate.percentile(rttNs, messages, 0.50) / 1e3;
            p99[r] = Estimate.percentile(rttNs, messages, 0.99) / 1e3;
        }
        if (stacks.invoker())
        {
            stacks.withPoller(() ->
            {
                client.shutdownOutput();
                return null;
            });
        }
        else
        {
            client.shutdownOutput();
        }
        if (echo != null)
        {
            TwoStacks.joinUninterruptibly(echo); // it ends at the client's FIN
        }
        if (failure.get() != null)
        {
            throw new IOException("the echo side failed: " + failure.get().getMessage(), failure.get());
        }
        return new Outcome(p50, p99);
    }

    private long roundTrip(final TcpSocket client, final TcpSocket server, final ByteBuffer request,
        final ByteBuffer reply, final PolledEcho polledEcho) throws IOException
    {
        final long startNs = stacks.clock.nanoTime();
        request.clear();
        reply.clear();
        if (stacks.invoker())
        {
            long lastProgressNs = startNs;
            while (reply.hasRemaining())
            {
                stacks.poll();
                final int progress = (request.hasRemaining() ? client.writeNow(request) : 0) +
                    polledEcho.pump(server) + Math.max(0, client.readNow(reply));
                final long nowNs = stacks.clock.nanoTime();
                if (progress > 0)
                {
                    lastProgressNs = nowNs;
                }
                else if (nowNs - lastProgressNs > TwoStacks.WAIT.toNanos())
                {
                    throw new SocketTimeoutException("no reply for " + TwoStacks.WAIT);
                }
            }
        }
        else
        {
            client.write(request, TwoStacks.WAIT);
            readFully(client, reply);
        }
        return stacks.clock.nanoTime() - startNs;
    }

    /** The server's half in INVOKER mode: reads a whole request, then writes it back, a step per call. */
    private static final class PolledEcho
    {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(MESSAGE_BYTES);
        private boolean writing;

        /** Moves what it can now; returns the bytes moved. */
        int pump(final TcpSocket server) throws IOException
        {
            if (!writing)
            {
                final int n = server.readNow(buffer);
                if (n < 0)
                {
                    throw new EOFException("the client closed mid-request");
                }
                if (!buffer.hasRemaining())
                {
                    buffer.flip();
                    writing = true;
                }
                return n;
            }
            final int n = server.writeNow(buffer);
            if (!buffer.hasRemaining())
            {
                buffer.clear();
                writing = false;
            }
            return n;
        }
    }

    private static void echo(final TcpSocket server, final AtomicReference<IOException> failure)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(MESSAGE_BYTES);
        try
        {
            while (true)
            {
                buffer.clear();
                if (!readFully(server, buffer))
                {
                    return;
                }
                buffer.flip();
                server.write(buffer, TwoStacks.WAIT);
            }
        }
        catch (final IOException e)
        {
            failure.set(e);
        }
    }

    /** Fills {@code into}; false on end of stream before the first byte. */
    private static boolean readFully(final TcpSocket socket, final ByteBuffer into) throws IOException
    {
        while (into.hasRemaining())
        {
            final int n = socket.read(into, TwoStacks.WAIT);
            if (n < 0)
            {
                if (into.position() == 0)
                {
                    return false;
                }
                throw new EOFException("the peer closed mid-message");
            }
        }
        return true;
    }
}
