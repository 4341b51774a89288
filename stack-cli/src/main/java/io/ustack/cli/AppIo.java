package io.ustack.cli;

import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Blocking reads and writes for the apps of {@code ustack serve} that wake up every {@value #POLL_MS} ms to notice
 * a stop (Ctrl-C) and give up after an idle limit, and the graceful end of a connection: our FIN, then the peer's.
 */
final class AppIo
{
    /** Reads and writes wait at most this long before checking for a stop. */
    static final long POLL_MS = 250;
    /** A connection that moves no byte for this long is reset. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(60);
    /** After our FIN, how long we read on waiting for the peer's. */
    static final Duration LINGER = Duration.ofSeconds(3);

    /** What {@link #read} returns when the app is asked to stop before anything arrived. */
    static final int STOPPED = -2;

    private static final Duration POLL = Duration.ofMillis(POLL_MS);

    private AppIo()
    {
    }

    /**
     * Waits for bytes like {@link TcpSocket#read}, checking {@code stopping} every {@value #POLL_MS} ms.
     *
     * @return bytes read, -1 at the peer's FIN, {@link #STOPPED} when asked to stop
     * @throws SocketTimeoutException when nothing came for {@link #IDLE_LIMIT}
     */
    static int read(final TcpSocket socket, final ByteBuffer into, final BooleanSupplier stopping) throws IOException
    {
        final long deadlineNs = System.nanoTime() + IDLE_LIMIT.toNanos();
        while (true)
        {
            if (stopping.getAsBoolean())
            {
                return STOPPED;
            }
            try
            {
                return socket.read(into, POLL);
            }
            catch (final SocketTimeoutException e)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new SocketTimeoutException("idle for " + IDLE_LIMIT.toSeconds() + " s");
                }
            }
        }
    }

    /**
     * Writes every remaining byte of {@code from}, checking {@code stopping} every {@value #POLL_MS} ms.
     *
     * @return true when all went into the send queue, false when asked to stop first
     * @throws SocketTimeoutException when the peer took nothing for {@link #IDLE_LIMIT}
     */
    static boolean write(final TcpSocket socket, final ByteBuffer from, final BooleanSupplier stopping)
        throws IOException
    {
        long deadlineNs = System.nanoTime() + IDLE_LIMIT.toNanos();
        while (from.hasRemaining())
        {
            if (stopping.getAsBoolean())
            {
                return false;
            }
            final int before = from.remaining();
            try
            {
                socket.write(from, POLL);
            }
            catch (final SocketTimeoutException e)
            {
                if (from.remaining() < before)
                {
                    deadlineNs = System.nanoTime() + IDLE_LIMIT.toNanos();
                }
                else if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new SocketTimeoutException("the peer took no byte for " + IDLE_LIMIT.toSeconds() + " s");
                }
            }
        }
        return true;
    }

    /**
     * Ends a connection gracefully (RFC 9293 §3.6): our FIN after the bytes written, then read (and count, and drop)
     * until the peer's FIN, for at most {@link #LINGER}; then close. Reading to the end keeps bytes the peer still
     * sent from turning our close into a reset.
     */
    static void finish(final TcpSocket socket, final ServeCommand.Counters counters) throws IOException
    {
        socket.shutdownOutput();
        final ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
        final long deadlineNs = System.nanoTime() + LINGER.toNanos();
        try
        {
            int n;
            while ((n = socket.read(sink.clear(), Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime())))) >= 0)
            {
                counters.bytesIn.addAndGet(n);
                if (System.nanoTime() - deadlineNs > 0)
                {
                    break;
                }
            }
        }
        catch (final SocketTimeoutException e)
        {
            // the peer keeps its side open: close anyway
        }
        socket.close();
    }
}
