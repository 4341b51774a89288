package io.ustack.cli.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Linux kernel's side of {@link KernelReference}: a small Java NIO program that {@code ustack bench} starts in a
 * network namespace ({@code ip netns exec NS java -cp ... KernelTcpPeer ...}), so the kernel's own TCP carries the
 * bytes. It measures exactly as the ustack cases do: the same 64 KiB chunks and {@link ThroughputWindows}, and the
 * same 64-byte request/response with nearest-rank percentiles. It uses the JDK only (its class path is just this
 * jar or class directory). Servers print {@value #READY} once listening; results are single lines of numbers.
 *
 * <pre>
 * receive ADDR PORT WARMUP_NS WINDOW_NS WINDOWS   listen, read one connection, print "mbps r1 r2 ..."
 * send ADDR PORT                                   connect, write until the receiver closes
 * echo ADDR PORT                                   listen, echo 64-byte messages until the client's FIN
 * rr ADDR PORT WARMUP MESSAGES REPEATS             connect, print "p50us ..." and "p99us ..." per repeat
 * </pre>
 */
public final class KernelTcpPeer
{
    static final String READY = "ready";

    private KernelTcpPeer()
    {
    }

    /** Runs one role; exits 2 on bad arguments, 1 on a failure. */
    public static void main(final String[] args)
    {
        try
        {
            final InetSocketAddress address = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
            switch (args[0])
            {
                case "receive" -> receive(address, Long.parseLong(args[3]), Long.parseLong(args[4]),
                    Integer.parseInt(args[5]));
                case "send" -> send(address);
                case "echo" -> echo(address);
                case "rr" -> requestResponse(address, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
                default -> throw new IllegalArgumentException("no role " + args[0]);
            }
        }
        catch (final ArrayIndexOutOfBoundsException | IllegalArgumentException e)
        {
            System.out.println("usage: receive|send|echo|rr ADDR PORT ... (" + e.getMessage() + ")");
            System.exit(2);
        }
        catch (final IOException e)
        {
            System.out.println("failed: " + e);
            System.exit(1);
        }
    }

    private static void receive(final InetSocketAddress address, final long warmupNs, final long windowNs,
        final int windows) throws IOException
    {
        try (ServerSocketChannel listener = listen(address))
        {
            try (SocketChannel connection = listener.accept())
            {
                final ByteBuffer into = ByteBuffer.allocateDirect(Throughput.CHUNK);
                final ThroughputWindows marks = new ThroughputWindows(System.nanoTime(), warmupNs, windowNs,
                    windows);
                long total = 0;
                boolean done = false;
                while (!done)
                {
                    into.clear();
                    final int n = connection.read(into);
                    if (n < 0)
                    {
                        throw new EOFException("the sender closed before the last window");
                    }
                    total += n;
                    done = marks.observe(total, System.nanoTime());
                }
                System.out.println("mbps " + numbers(marks.rates()));
            }
        }
    }

    private static void send(final InetSocketAddress address) throws IOException
    {
        try (SocketChannel connection = SocketChannel.open(address))
        {
            final ByteBuffer chunk = ByteBuffer.allocateDirect(Throughput.CHUNK);
            System.out.println(READY);
            while (true)
            {
                chunk.clear();
                while (chunk.hasRemaining())
                {
                    connection.write(chunk);
                }
            }
        }
        catch (final IOException e)
        {
            // The receiver closes the connection once it has measured its windows: the normal end.
            System.out.println("sender stopped: " + e.getMessage());
        }
    }

    private static void echo(final InetSocketAddress address) throws IOException
    {
        try (ServerSocketChannel listener = listen(address); SocketChannel connection = listener.accept())
        {
            connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
            final ByteBuffer message = ByteBuffer.allocateDirect(RequestResponse.MESSAGE_BYTES);
            while (true)
            {
                message.clear();
                if (!readFully(connection, message))
                {
                    return;
                }
                message.flip();
                while (message.hasRemaining())
                {
                    connection.write(message);
                }
            }
        }
    }

    private static void requestResponse(final InetSocketAddress address, final int warmup, final int messages,
        final int repeats) throws IOException
    {
        try (SocketChannel connection = SocketChannel.open(address))
        {
            connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
            System.out.println(READY);
            final ByteBuffer request = ByteBuffer.allocateDirect(RequestResponse.MESSAGE_BYTES);
            final ByteBuffer reply = ByteBuffer.allocateDirect(RequestResponse.MESSAGE_BYTES);
            for (int i = 0; i < warmup; i++)
            {
                roundTrip(connection, request, reply);
            }
            final long[] rttNs = new long[messages];
            final double[] p50 = new double[repeats];
            final double[] p99 = new double[repeats];
            for (int r = 0; r < repeats; r++)
            {
                for (int i = 0; i < messages; i++)
                {
                    rttNs[i] = roundTrip(connection, request, reply);
                }
                Arrays.sort(rttNs);
                p50[r] = Estimate.percentile(rttNs, messages, 0.50) / 1e3;
                p99[r] = Estimate.percentile(rttNs, messages, 0.99) / 1e3;
            }
            connection.shutdownOutput();
            System.out.println("p50us " + numbers(p50));
            System.out.println("p99us " + numbers(p99));
        }
    }

    private static long roundTrip(final SocketChannel connection, final ByteBuffer request, final ByteBuffer reply)
        throws IOException
    {
        final long startNs = System.nanoTime();
        request.clear();
        reply.clear();
        while (request.hasRemaining())
        {
            connection.write(request);
        }
        if (!readFully(connection, reply))
        {
            throw new EOFException("the echo server closed");
        }
        return System.nanoTime() - startNs;
    }

    private static ServerSocketChannel listen(final InetSocketAddress address) throws IOException
    {
        final ServerSocketChannel listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(address, 4);
        System.out.println(READY);
        return listener;
    }

    /** Fills {@code into}; false on end of stream before the first byte. */
    private static boolean readFully(final SocketChannel connection, final ByteBuffer into) throws IOException
    {
        while (into.hasRemaining())
        {
            if (connection.read(into) < 0)
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

    private static String numbers(final double[] values)
    {
        final StringBuilder text = new StringBuilder();
        for (final double value : values)
        {
            text.append(text.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", value));
        }
        return text.toString();
    }
}
