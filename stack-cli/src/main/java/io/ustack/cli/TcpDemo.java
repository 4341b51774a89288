package io.ustack.cli;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpConnectionStats;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.runtime.Stack;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The TCP part of {@code ustack demo}: one connection from stack a to stack b carries a configurable number of
 * seeded pseudo-random bytes; both ends hash what they handled with SHA-256 and the hashes must match. Prints the
 * throughput, the retransmissions and both ends' {@code ss -ti}-style summaries, and can record the sender's cwnd/RTT
 * time series ({@link CwndSeries}). Needs stacks with their own threads.
 */
final class TcpDemo
{
    private static final int PORT = 5001;
    private static final int CHUNK = 64 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final Stack a;
    private final Stack b;
    private final NanoClock clock;

    TcpDemo(final PrintStream out, final Stack a, final Stack b, final NanoClock clock)
    {
        this.out = out;
        this.a = a;
        this.b = b;
        this.clock = clock;
    }

    /** Runs the transfer; returns false when the hashes differ or the transfer failed. */
    boolean run(final long bytes) throws IOException, InterruptedException
    {
        return run(bytes, null, 0);
    }

    /**
     * Runs the transfer, sampling the sender's cwnd and RTT into {@code seriesFile} (a CSV; none when null) every
     * {@code sampleMs}; returns false when the hashes differ or the transfer failed.
     */
    boolean run(final long bytes, final Path seriesFile, final long sampleMs) throws IOException, InterruptedException
    {
        out.printf("%nTCP: %,d bytes %s -> %s:%d over one connection, SHA-256 on both ends%n", bytes,
            IpDemo.ADDRESS_A, IpDemo.ADDRESS_B, PORT);
        try (TcpListener listener = b.tcp().listen(0, PORT, 4);
            TcpSocket client = a.tcp().connect(Ipv4Address.parse(IpDemo.ADDRESS_B), PORT, WAIT);
            TcpSocket server = listener.accept(WAIT))
        {
            final CwndSeries series = seriesFile == null ? null : new CwndSeries(seriesFile, client, sampleMs, clock);
            try
            {
                return transfer(client, server, bytes, series, sampleMs);
            }
            finally
            {
                if (series != null)
                {
                    series.close();
                }
            }
        }
    }

    /** The transfer on an open connection, with the series (if any) sampling the sender. */
    private boolean transfer(final TcpSocket client, final TcpSocket server, final long bytes,
        final CwndSeries series, final long sampleMs) throws IOException, InterruptedException
    {
        final long retransmitsBefore = a.counters().get(CounterDescriptor.TCP_RETRANSMITS);
        final long fastBefore = a.counters().get(CounterDescriptor.TCP_FAST_RETRANSMITS);
        final long rtoBefore = a.counters().get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS);
        final AtomicReference<Object> sent = new AtomicReference<>();
        final Thread sender = new Thread(() -> sent.set(send(client, bytes)), "demo-tcp-sender");
        final long startNs = clock.nanoTime();
        sender.start();
        final Progress progress = new Progress(out, bytes);
        final MessageDigest received = sha256();
        final ByteBuffer into = ByteBuffer.allocateDirect(CHUNK);
        final byte[] copy = new byte[CHUNK];
        long total = 0;
        while (true)
        {
            into.clear();
            final int n = server.read(into, WAIT);
            if (n < 0)
            {
                break;
            }
            into.flip().get(copy, 0, n);
            received.update(copy, 0, n);
            total += n;
            progress.show(total, clock.nanoTime() - startNs);
        }
        final long elapsedNs = clock.nanoTime() - startNs;
        progress.done();
        sender.join();
        awaitAcked(client, bytes);
        if (series != null)
        {
            series.close(); // its last row is the connection as the transfer ended
        }
        final String clientInfo = client.info();
        final String serverInfo = server.info();
        if (sent.get() instanceof Exception e)
        {
            out.printf("  FAILED: the sender stopped: %s%n", e);
            return false;
        }
        final byte[] sentHash = (byte[])sent.get();
        final byte[] receivedHash = received.digest();
        final boolean same = total == bytes && MessageDigest.isEqual(sentHash, receivedHash);
        final double seconds = elapsedNs / 1e9;
        out.printf("  %,d bytes in %.2f s: %.1f Mbit/s (%.1f MiB/s)%n", total, seconds, total * 8 / seconds / 1e6,
            total / seconds / (1 << 20));
        out.printf("  sha-256 sent     %s%n  sha-256 received %s  %s%n", HexFormat.of().formatHex(sentHash),
            HexFormat.of().formatHex(receivedHash), same ? "(match)" : "(MISMATCH)");
        out.printf("  retransmissions: %,d segments (%,d fast retransmits, %,d timeouts)%n",
            a.counters().get(CounterDescriptor.TCP_RETRANSMITS) - retransmitsBefore,
            a.counters().get(CounterDescriptor.TCP_FAST_RETRANSMITS) - fastBefore,
            a.counters().get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS) - rtoBefore);
        out.printf("  a %s:%d -> %s:%d  %s%n", Ipv4Address.toString(client.localAddress()), client.localPort(),
            Ipv4Address.toString(client.remoteAddress()), client.remotePort(), clientInfo);
        out.printf("  b %s:%d <- %s:%d  %s%n", Ipv4Address.toString(server.localAddress()), server.localPort(),
            Ipv4Address.toString(server.remoteAddress()), server.remotePort(), serverInfo);
        if (series != null)
        {
            out.printf("  cwnd/RTT series: %s (%,d samples, every %d ms)%n", series.file().toAbsolutePath(),
                series.samples(), sampleMs);
        }
        return same;
    }

    /**
     * The receiver reads EOF as soon as the FIN arrives, a moment before the ACK of the last bytes reaches the
     * sender: waits (at most a second) for it, so the sender's summary and last series row show every byte acked.
     */
    private static void awaitAcked(final TcpSocket client, final long bytes) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + 1_000_000_000L;
        while (bytesAcked(client) < bytes && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(1);
        }
    }

    private static long bytesAcked(final TcpSocket socket)
    {
        final TcpConnectionStats stats = socket.stats();
        return stats == null ? -1 : stats.bytesAcked();
    }

    /** The sender thread: seeded bytes in 64 KiB writes, then a FIN; returns the SHA-256 or the exception. */
    private static Object send(final TcpSocket socket, final long bytes)
    {
        try
        {
            final MessageDigest sha = sha256();
            final SplittableRandom random = new SplittableRandom(42);
            final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            final byte[] copy = new byte[CHUNK];
            long sent = 0;
            while (sent < bytes)
            {
                final int n = (int)Math.min(CHUNK, bytes - sent);
                chunk.clear();
                for (int i = 0; i + 8 <= n; i += 8)
                {
                    chunk.putLong(i, random.nextLong());
                }
                for (int i = n & ~7; i < n; i++)
                {
                    chunk.put(i, (byte)random.nextInt());
                }
                chunk.limit(n);
                chunk.get(0, copy, 0, n);
                sha.update(copy, 0, n);
                socket.write(chunk, WAIT);
                sent += n;
            }
            socket.shutdownOutput();
            return sha.digest();
        }
        catch (final IOException e)
        {
            return e;
        }
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
