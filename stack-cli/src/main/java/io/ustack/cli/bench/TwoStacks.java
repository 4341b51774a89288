package io.ustack.cli.bench;

import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.runtime.ShutdownReport;
import io.ustack.runtime.Stack;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.socket.TcpSocketLayer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Two ustack stacks, {@code bench-a} (198.18.0.1, the client) and {@code bench-b} (198.18.0.2, the server), joined
 * by a {@link LinkPair}: the unimpaired in-memory wire, or a real link in private network namespaces. In
 * {@link ThreadingMode#INVOKER} nothing runs the stacks but {@link #poll()}: the
 * benchmark thread drives them, and set-up calls that block (listen, connect, accept) run while a helper thread
 * polls, see {@link #withPoller}.
 */
final class TwoStacks implements AutoCloseable
{
    static final String ADDRESS_A = "198.18.0.1";
    static final String ADDRESS_B = "198.18.0.2";
    static final int B = Ipv4Address.parse(ADDRESS_B);
    static final Duration WAIT = Duration.ofSeconds(30);
    /** Names of both stacks. */
    static final String NAME_A = "bench-a";
    static final String NAME_B = "bench-b";

    final Stack a;
    final Stack b;
    final NanoClock clock = new SystemNanoClock();
    private final LinkPair link;
    private final boolean invoker;
    private final List<Thread> stackThreads;

    TwoStacks(final StackConfig configA, final StackConfig configB, final TcpSettings tcp) throws IOException
    {
        this(configA, configB, tcp, LinkKind.MEMORY, TcpSocketLayer.DEFAULT_RING_BYTES);
    }

    /** The two stacks on a link of {@code kind}, with socket rings of {@code socketRingBytes} (Stack.Builder). */
    TwoStacks(final StackConfig configA, final StackConfig configB, final TcpSettings tcp, final LinkKind kind,
        final int socketRingBytes) throws IOException
    {
        link = LinkPair.open(kind, configA.mtu(), clock);
        try
        {
            a = Stack.builder(configA).iface(link.a, ADDRESS_A + "/24").clock(clock).tcp(tcp)
                .tcpSocketRingBytes(socketRingBytes).build();
        }
        catch (final RuntimeException e)
        {
            link.a.close();
            link.b.close();
            link.close();
            throw e;
        }
        try
        {
            b = Stack.builder(configB).iface(link.b, ADDRESS_B + "/24").clock(clock).tcp(tcp)
                .tcpSocketRingBytes(socketRingBytes).build();
        }
        catch (final RuntimeException e)
        {
            a.shutdown();
            link.b.close();
            link.close();
            throw e;
        }
        invoker = configA.threadingMode() == ThreadingMode.INVOKER;
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        a.start();
        b.start();
        // Agrona's AgentRunner renames each thread to its agent's role, so the stacks' threads are found as the
        // threads that starting them added.
        final List<Thread> started = new ArrayList<>(Thread.getAllStackTraces().keySet());
        started.removeAll(before);
        stackThreads = List.copyOf(started);
    }

    /** The threads the two stacks run on (none in INVOKER mode). */
    List<Thread> stackThreads()
    {
        return stackThreads;
    }

    /** The stacks of one benchmark case. */
    static TwoStacks of(final BenchCase benchCase) throws IOException
    {
        return new TwoStacks(benchCase.stackConfig(NAME_A), benchCase.stackConfig(NAME_B), benchCase.tcpSettings(),
            benchCase.link(), TcpSocketLayer.DEFAULT_RING_BYTES);
    }

    boolean invoker()
    {
        return invoker;
    }

    /** One duty cycle of both stacks (INVOKER mode); returns the work done. */
    int poll()
    {
        final long nowNs = clock.nanoTime();
        return a.poll(nowNs) + b.poll(nowNs);
    }

    /**
     * Runs a blocking set-up call; in INVOKER mode a helper thread polls both stacks meanwhile and has stopped when
     * this returns, so the caller owns the stacks again.
     */
    <T> T withPoller(final Callable<T> call) throws IOException
    {
        if (!invoker)
        {
            return call(call);
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread poller = new Thread(() ->
        {
            while (!stop.get())
            {
                if (poll() == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }, "bench-setup-poller");
        poller.setDaemon(true);
        poller.start();
        try
        {
            return call(call);
        }
        finally
        {
            stop.set(true);
            joinUninterruptibly(poller);
        }
    }

    /** A connection from a to b on {@code port}: {client, server}, with Nagle as asked. */
    TcpSocket[] connect(final int port, final boolean nagle) throws IOException
    {
        return withPoller(() ->
        {
            try (TcpListener listener = b.tcp().listen(0, port, 4))
            {
                final TcpSocket client = a.tcp().connect(B, port, WAIT);
                final TcpSocket server = listener.accept(WAIT);
                client.noDelay(!nagle);
                server.noDelay(!nagle);
                return new TcpSocket[]{client, server};
            }
        });
    }

    /** Segments stack a retransmitted so far. */
    long retransmits()
    {
        return a.counters().get(CounterDescriptor.TCP_RETRANSMITS) + b.counters().get(CounterDescriptor.TCP_RETRANSMITS);
    }

    /**
     * Shuts both stacks down (which closes their endpoints), then removes the link's private network if any; true
     * when both stacks were clean (drained, no buffers held, no agent errors).
     */
    boolean shutdown()
    {
        try
        {
            final ShutdownReport ra = a.shutdown();
            final ShutdownReport rb = b.shutdown();
            return ra.clean() && rb.clean();
        }
        finally
        {
            link.close();
        }
    }

    /** Both stacks' shutdown reports (shutting them down first if need be), as text. */
    String shutdownReports()
    {
        return "a: " + a.shutdown() + "; b: " + b.shutdown();
    }

    /** Every drop reason either stack counted, with both counts: "REASON a/b, ...", or "" when none. */
    String drops()
    {
        final StringBuilder text = new StringBuilder();
        for (final DropReason reason : DropReason.values())
        {
            final long dropsA = a.counters().drops(reason);
            final long dropsB = b.counters().drops(reason);
            if (dropsA + dropsB > 0)
            {
                text.append(text.length() == 0 ? "" : ", ").append(reason.name()).append(' ').append(dropsA)
                    .append('/').append(dropsB);
            }
        }
        return text.toString();
    }

    @Override
    public void close()
    {
        shutdown();
    }

    private static <T> T call(final Callable<T> call) throws IOException
    {
        try
        {
            return call.call();
        }
        catch (final IOException | RuntimeException e)
        {
            throw e;
        }
        catch (final Exception e)
        {
            throw new IOException(e);
        }
    }

    static void joinUninterruptibly(final Thread thread)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                thread.join();
                break;
            }
            catch (final InterruptedException e)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
