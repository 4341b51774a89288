package io.ustack.bench.e2e;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Locale;

/**
 * The kernel's side of the end-to-end benchmarks: plain blocking Java NIO on the Linux TCP stack, started by
 * {@link KernelComparisonHarness} inside a kernel namespace ({@code ip netns exec NS java ... KernelPeer MODE ...}).
 * The same program is the kernel's peer against ustack and both ends of kernel to kernel, so the yardstick uses
 * the same application code. Results go to stdout as one {@code key=value} line each.
 * <ul>
 * <li>{@code sink PORT}: accepts connections one after another, reads each to its end, prints
 *     {@code bytes=N seconds=T cpu_ns=C} (first byte to end of stream; C: the reading thread's CPU time meanwhile,
 *     user and system, which includes the kernel's receive processing done in its system calls).</li>
 * <li>{@code source HOST PORT SECONDS}: writes 64 KiB buffers for SECONDS, closes, prints {@code bytes=N cpu_ns=C}
 *     (C: the writing thread's CPU time while writing, including the kernel's work inside its writes).</li>
 * <li>{@code echo PORT}: accepts connections, each on its own thread, and writes back what it reads.</li>
 * <li>{@code pingpong HOST PORT COUNT SIZE}: COUNT round trips of SIZE bytes (TCP_NODELAY), after a tenth as many
 *     to warm up; prints {@code p50us=.. p99us=..}.</li>
 * </ul>
 */
public final class KernelPeer
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private KernelPeer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        switch (args[0])
        {
            case "sink" -> sink(Integer.parseInt(args[1]));
            case "source" -> source(args[1], Integer.parseInt(args[2]), Double.parseDouble(args[3]));
            case "echo" -> echo(Integer.parseInt(args[1]));
            case "pingpong" -> pingPong(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("mode must be sink, source, echo or pingpong: " + args[0]);
        }
    }

    private static ServerSocketChannel listen(final int port) throws IOException
    {
        final ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(port));
        System.out.println("listening");
        System.out.flush();
        return server;
    }

    private static void sink(final int port) throws IOException
    {
        try (ServerSocketChannel server = listen(port))
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 18);
            while (true)
            {
                try (SocketChannel connection = server.accept())
                {
                    long bytes = 0;
                    long firstNs = 0;
                    long firstCpuNs = 0;
                    int read;
                    while ((read = connection.read(buffer.clear())) >= 0)
                    {
                        if (firstNs == 0 && read > 0)
                        {
                            firstNs = System.nanoTime();
                            firstCpuNs = THREADS.getCurrentThreadCpuTime();
                        }
                        bytes += read;
                    }
                    System.out.printf(Locale.ROOT, "bytes=%d seconds=%.6f cpu_ns=%d%n", bytes,
                        (System.nanoTime() - firstNs) / 1e9, THREADS.getCurrentThreadCpuTime() - firstCpuNs);
                    System.out.flush();
                }
            }
        }
    }

    private static void source(final String host, final int port, final double seconds) throws IOException
    {
        try (SocketChannel connection = SocketChannel.open(new InetSocketAddress(host, port)))
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
            final long startCpuNs = THREADS.getCurrentThreadCpuTime();
            final long end = System.nanoTime() + (long)(seconds * 1e9);
            long bytes = 0;
            while (System.nanoTime() - end < 0)
            {
                bytes += connection.write(buffer.clear());
            }
            final long cpuNs = THREADS.getCurrentThreadCpuTime() - startCpuNs;
            connection.shutdownOutput();
            System.out.println("bytes=" + bytes + " cpu_ns=" + cpuNs);
        }
    }

    private static void echo(final int port) throws IOException
    {
        try (ServerSocketChannel server = listen(port))
        {
            while (true)
            {
                final SocketChannel connection = server.accept();
                connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final Thread thread = new Thread(() -> echoUntilClosed(connection), "echo");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private static void echoUntilClosed(final SocketChannel connection)
    {
        try (connection)
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
            while (connection.read(buffer.clear()) >= 0)
            {
                buffer.flip();
                while (buffer.hasRemaining())
                {
                    connection.write(buffer);
                }
            }
        }
        catch (final IOException e)
        {
            // the client went away: nothing to echo
        }
    }

    private static void pingPong(final String host, final int port, final int count, final int size)
        throws IOException
    {
        try (SocketChannel connection = SocketChannel.open(new InetSocketAddress(host, port)))
        {
            connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
            final ByteBuffer request = ByteBuffer.allocateDirect(size);
            final ByteBuffer reply = ByteBuffer.allocateDirect(size);
            final long[] rttNs = new long[count];
            for (int i = -count / 10; i < count; i++)
            {
                final long startNs = System.nanoTime();
                request.clear();
                while (request.hasRemaining())
                {
                    connection.write(request);
                }
                reply.clear();
                while (reply.hasRemaining())
                {
                    if (connection.read(reply) < 0)
                    {
                        throw new IOException("echo server closed the connection");
                    }
                }
                if (i >= 0)
                {
                    rttNs[i] = System.nanoTime() - startNs;
                }
            }
            Arrays.sort(rttNs);
            System.out.printf(Locale.ROOT, "p50us=%.2f p99us=%.2f%n", percentile(rttNs, 0.50) / 1e3,
                percentile(rttNs, 0.99) / 1e3);
        }
    }

    /** The value at quantile {@code q} of sorted values (nearest rank). */
    static long percentile(final long[] sorted, final double q)
    {
        return sorted[Math.min(sorted.length - 1, (int)Math.ceil(q * sorted.length) - 1)];
    }
}
