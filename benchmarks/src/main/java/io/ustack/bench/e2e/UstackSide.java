package io.ustack.bench.e2e;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import io.ustack.runtime.Stack;
import io.ustack.tcp.TcpSettings;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * ustack's side of the end-to-end benchmarks: one stack on the AF_PACKET driver, its agents on one thread
 * ({@link ThreadingMode#SHARED}) idling as told ({@link IdleStrategyKind#BUSY_SPIN} for latency: busy-polling), the
 * application on the harness's thread: blocking calls for bulk transfers, spinning on the socket for round trips.
 */
final class UstackSide implements AutoCloseable
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Stack stack;
    private final StackThreadCpu cpu = new StackThreadCpu();
    private String lastInfo = "";
    private long[] lastCpuNs = {-1, -1};

    UstackSide(final AfPacketConfig link, final String addressAndPrefix, final IdleStrategyKind idle,
        final UstackVariant variant) throws IOException
    {
        this(link, addressAndPrefix, ThreadingMode.SHARED, idle, variant);
    }

    /** A stack the caller drives ({@link ThreadingMode#INVOKER}): for {@link #pingPongRunToCompletion}. */
    static UstackSide invoker(final AfPacketConfig link, final String addressAndPrefix) throws IOException
    {
        final UstackVariant base = UstackVariant.base();
        return new UstackSide(link, addressAndPrefix, ThreadingMode.INVOKER, IdleStrategyKind.BUSY_SPIN,
            new UstackVariant("", base.ackPolicy(), 1 << 16, base.socketRing(), base.idle(), base.rings()));
    }

    private UstackSide(final AfPacketConfig link, final String addressAndPrefix, final ThreadingMode threading,
        final IdleStrategyKind idle, final UstackVariant variant) throws IOException
    {
        final AfPacketEndpoint endpoint = AfPacketEndpoint.open(link);
        try
        {
            stack = variant.applyTo(Stack.builder(StackConfig.builder().name("bench").threadingMode(threading)
                    .idleStrategy(idle).ringKind(variant.rings()).arpRetryIntervalMs(100).build())
                .iface(endpoint, addressAndPrefix).clock(new SystemNanoClock())
                .tcp(TcpSettings.builder().sendBufferBytes(variant.bufferBytes())
                    .receiveBufferBytes(variant.bufferBytes()).ackPolicy(variant.ackPolicy()).build()))
                .build().start();
        }
        catch (final RuntimeException e)
        {
            endpoint.close();
            throw e;
        }
    }

    /** Connects and writes 64 KiB buffers for {@code seconds}, then closes; returns the bytes written. */
    long sendFor(final String host, final int port, final double seconds) throws IOException
    {
        try (TcpSocket socket = stack.tcp().connect(Ipv4Address.parse(host), port, WAIT))
        {
            cpu.start();
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
            final long end = System.nanoTime() + (long)(seconds * 1e9);
            long bytes = 0;
            while (System.nanoTime() - end < 0)
            {
                buffer.clear();
                socket.write(buffer, WAIT);
                bytes += buffer.capacity();
            }
            lastCpuNs = cpu.stop();
            lastInfo = socket.info();
            return bytes;
        }
    }

    /** Listens on {@code port}, for {@link #receiveAll} to accept from. */
    TcpListener listen(final int port) throws IOException
    {
        return stack.tcp().listen(0, port, 4);
    }

    /** Accepts one connection and reads it to its end; returns {bytes, nanoseconds from first byte to end}. */
    long[] receiveAll(final TcpListener listener) throws IOException
    {
        try (TcpSocket socket = listener.accept(Duration.ofSeconds(30)))
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 18);
            long bytes = 0;
            long firstNs = 0;
            int read;
            while ((read = socket.read(buffer.clear(), WAIT)) >= 0)
            {
                if (read > 0 && firstNs == 0)
                {
                    firstNs = System.nanoTime();
                    cpu.start();
                }
                bytes += read;
            }
            final long elapsedNs = System.nanoTime() - firstNs;
            lastCpuNs = cpu.stop();
            lastInfo = socket.info();
            return new long[] {bytes, elapsedNs};
        }
    }

    /**
     * {@code count} round trips of {@code size} bytes to an echo server, spinning on the socket (after a tenth as many
     * to warm up); returns {p50, p99} in nanoseconds.
     */
    long[] pingPong(final String host, final int port, final int count, final int size) throws IOException
    {
        try (TcpSocket socket = stack.tcp().connect(Ipv4Address.parse(host), port, WAIT))
        {
            socket.noDelay(true);
            final ByteBuffer request = ByteBuffer.allocateDirect(size);
            final ByteBuffer reply = ByteBuffer.allocateDirect(size);
            final long[] rttNs = new long[count];
            for (int i = -count / 10; i < count; i++)
            {
                final long startNs = System.nanoTime();
                request.clear();
                while (request.hasRemaining())
                {
                    socket.writeNow(request);
                }
                reply.clear();
                while (reply.hasRemaining())
                {
                    if (socket.readNow(reply) < 0)
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
            return new long[] {KernelPeer.percentile(rttNs, 0.50), KernelPeer.percentile(rttNs, 0.99)};
        }
    }

    /** The stack thread's {total, user} CPU nanoseconds during the last throughput connection's transfer. */
    long[] lastCpuNs()
    {
        return lastCpuNs;
    }

    /** {@link TcpSocket#info()} of the last throughput connection, as it ended. */
    String lastConnectionInfo()
    {
        return lastInfo;
    }

    /**
     * As {@link #pingPong}, with one thread doing everything: it polls the stack ({@link Stack#poll}) between its
     * own non-blocking socket calls, run to completion (busy-polling, no hand-off between threads).
     */
    long[] pingPongRunToCompletion(final String host, final int port, final int count, final int size)
        throws IOException
    {
        final CompletableFuture<TcpSocket> connecting = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return stack.tcp().connect(Ipv4Address.parse(host), port, WAIT);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
        });
        while (!connecting.isDone())
        {
            stack.poll(System.nanoTime());
        }
        try (TcpSocket socket = connecting.join())
        {
            socket.noDelay(true);
            final ByteBuffer request = ByteBuffer.allocateDirect(size);
            final ByteBuffer reply = ByteBuffer.allocateDirect(size);
            final long[] rttNs = new long[count];
            for (int i = -count / 10; i < count; i++)
            {
                final long startNs = System.nanoTime();
                request.clear();
                while (request.hasRemaining())
                {
                    socket.writeNow(request);
                    stack.poll(System.nanoTime());
                }
                reply.clear();
                while (reply.hasRemaining())
                {
                    stack.poll(System.nanoTime());
                    if (socket.readNow(reply) < 0)
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
            return new long[] {KernelPeer.percentile(rttNs, 0.50), KernelPeer.percentile(rttNs, 0.99)};
        }
        finally
        {
            // Let the FIN and the last ACKs out before the stack closes.
            final long endNs = System.nanoTime() + 20_000_000L;
            while (System.nanoTime() - endNs < 0)
            {
                stack.poll(System.nanoTime());
            }
        }
    }

    /** Counters worth a look after a run (retransmits, drops). */
    String describeCounters()
    {
        return stack.counters().describeNonZero();
    }

    @Override
    public void close()
    {
        stack.shutdown();
    }
}
