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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * ustack's side of the end-to-end benchmarks: one stack on the AF_PACKET driver, its agents on one thread
 * ({@link ThreadingMode#SHARED}) idling as told ({@link IdleStrategyKind#BUSY_SPIN} for latency: busy-polling), the
 * application on the harness's thread: blocking calls for bulk transfers, spinning on the socket for round trips.
 * A run-to-completion variant ({@code threads=1}) has no stack thread ({@link ThreadingMode#INVOKER}): the harness's
 * thread polls the stack between its own non-blocking socket calls, for bulk transfers as for round trips.
 */
final class UstackSide implements AutoCloseable
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Stack stack;
    private final boolean runToCompletion;
    private final StackThreadCpu cpu;
    private final StackThreadCpu appCpu = StackThreadCpu.currentThread();
    private String lastInfo = "";
    private long[] lastCpuNs = {-1, -1, -1};

    UstackSide(final AfPacketConfig link, final String addressAndPrefix, final IdleStrategyKind idle,
        final UstackVariant variant) throws IOException
    {
        this(variant.link(link), addressAndPrefix, variant.runToCompletion() ? ThreadingMode.INVOKER :
            ThreadingMode.SHARED, idle, variant);
    }

    /** A stack the caller drives ({@link ThreadingMode#INVOKER}): for {@link #pingPongRunToCompletion}. */
    static UstackSide invoker(final AfPacketConfig link, final String addressAndPrefix) throws IOException
    {
        final UstackVariant base = UstackVariant.base();
        return new UstackSide(link, addressAndPrefix, ThreadingMode.INVOKER, IdleStrategyKind.BUSY_SPIN,
            new UstackVariant("", base.ackPolicy(), 1 << 16, base.socketRing(), base.idle(), base.rings(), true,
                null, false, base.linkBatch(), base.tso()));
    }

    private UstackSide(final AfPacketConfig link, final String addressAndPrefix, final ThreadingMode threading,
        final IdleStrategyKind idle, final UstackVariant variant) throws IOException
    {
        this.runToCompletion = threading == ThreadingMode.INVOKER;
        this.cpu = runToCompletion ? StackThreadCpu.currentThread() : StackThreadCpu.stackThread();
        final AfPacketEndpoint endpoint = AfPacketEndpoint.open(link);
        try
        {
            stack = variant.applyTo(Stack.builder(StackConfig.builder().name("bench").threadingMode(threading)
                    .idleStrategy(idle).ringKind(variant.rings()).linkBatchSize(variant.linkBatch())
                    .segmentationOffload(variant.tso())
                    .arpRetryIntervalMs(100).build())
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
        if (runToCompletion)
        {
            return sendForRunToCompletion(host, port, seconds);
        }
        try (TcpSocket socket = stack.tcp().connect(Ipv4Address.parse(host), port, WAIT))
        {
            cpu.start();
            appCpu.start();
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
            final long end = System.nanoTime() + (long)(seconds * 1e9);
            long bytes = 0;
            while (System.nanoTime() - end < 0)
            {
                buffer.clear();
                socket.write(buffer, WAIT);
                bytes += buffer.capacity();
            }
            lastCpuNs = cpuWithApplication(cpu.stop(), appCpu.stop()[0]);
            lastInfo = socket.info();
            return bytes;
        }
    }

    /** Listens on {@code port}, for {@link #receiveAll} to accept from. */
    TcpListener listen(final int port) throws IOException
    {
        if (runToCompletion)
        {
            return whilePolling(() -> stack.tcp().listen(0, port, 4));
        }
        return stack.tcp().listen(0, port, 4);
    }

    /** Accepts one connection and reads it to its end; returns {bytes, nanoseconds from first byte to end}. */
    long[] receiveAll(final TcpListener listener) throws IOException
    {
        if (runToCompletion)
        {
            return receiveAllRunToCompletion(listener);
        }
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
                    appCpu.start();
                }
                bytes += read;
            }
            final long elapsedNs = System.nanoTime() - firstNs;
            lastCpuNs = cpuWithApplication(cpu.stop(), appCpu.stop()[0]);
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

    private static long[] cpuWithApplication(final long[] stackCpuNs, final long applicationCpuNs)
    {
        return new long[] {stackCpuNs[0], stackCpuNs[1], stackCpuNs[0] < 0 ? -1 : applicationCpuNs};
    }

    /**
     * CPU nanoseconds during the last throughput connection's transfer: the stack thread's total and user time, and
     * the application thread's total (0 when run to completion: the one thread is counted as the stack's).
     */
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
            pollFor(20_000_000L); // let the FIN and the last ACKs out before the stack closes
        }
    }

    /**
     * {@link #sendFor} run to completion: one thread writes without waiting and polls the stack after each write,
     * busy-polling (there is no other thread to wake). Polls on after the close until the FIN is out: see
     * {@link #readLineWhilePolling}.
     */
    private long sendForRunToCompletion(final String host, final int port, final double seconds) throws IOException
    {
        final TcpSocket socket = whilePolling(() -> stack.tcp().connect(Ipv4Address.parse(host), port, WAIT));
        try
        {
            cpu.start();
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
            final long end = System.nanoTime() + (long)(seconds * 1e9);
            long bytes = 0;
            while (System.nanoTime() - end < 0)
            {
                buffer.clear();
                while (buffer.hasRemaining())
                {
                    socket.writeNow(buffer);
                    stack.poll(System.nanoTime());
                }
                bytes += buffer.capacity();
            }
            lastCpuNs = cpuWithApplication(cpu.stop(), 0);
            lastInfo = whilePolling(socket::info);
            return bytes;
        }
        finally
        {
            socket.close();
        }
    }

    /** {@link #receiveAll} run to completion: accept, then read without waiting, polling the stack between reads. */
    private long[] receiveAllRunToCompletion(final TcpListener listener) throws IOException
    {
        final long acceptEndNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        TcpSocket accepted;
        while ((accepted = listener.accept()) == null)
        {
            if (System.nanoTime() - acceptEndNs >= 0)
            {
                throw new IOException("no connection to accept within 30 s");
            }
            stack.poll(System.nanoTime());
        }
        try (TcpSocket socket = accepted)
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 18);
            long bytes = 0;
            long firstNs = 0;
            int read = 0;
            while (read >= 0)
            {
                stack.poll(System.nanoTime());
                read = socket.readNow(buffer.clear());
                if (read > 0)
                {
                    if (firstNs == 0)
                    {
                        firstNs = System.nanoTime();
                        cpu.start();
                    }
                    bytes += read;
                }
            }
            final long elapsedNs = System.nanoTime() - firstNs;
            lastCpuNs = cpuWithApplication(cpu.stop(), 0);
            lastInfo = whilePolling(socket::info);
            return new long[] {bytes, elapsedNs};
        }
        finally
        {
            pollFor(20_000_000L); // our FIN and last ACKs
        }
    }

    /**
     * Reads a line another process prints once our last transfer has ended (the kernel sink's result). A
     * run-to-completion stack is polled meanwhile, so that the end of the transfer (data still queued, the FIN)
     * goes out; a threaded stack needs nothing of this thread.
     */
    String readLineWhilePolling(final BufferedReader reader) throws IOException
    {
        if (!runToCompletion)
        {
            return reader.readLine();
        }
        return whilePolling(reader::readLine);
    }

    /** A call that waits for the stack, made on another thread while this one polls the stack (INVOKER mode). */
    private <T> T whilePolling(final Callable<T> call) throws IOException
    {
        final CompletableFuture<T> result = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return call.call();
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
            catch (final Exception e)
            {
                throw new IllegalStateException(e);
            }
        });
        while (!result.isDone())
        {
            stack.poll(System.nanoTime());
        }
        try
        {
            return result.join();
        }
        catch (final CompletionException e)
        {
            if (e.getCause() instanceof UncheckedIOException io)
            {
                throw io.getCause();
            }
            throw e;
        }
    }

    private void pollFor(final long nanos)
    {
        final long endNs = System.nanoTime() + nanos;
        while (System.nanoTime() - endNs < 0)
        {
            stack.poll(System.nanoTime());
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
