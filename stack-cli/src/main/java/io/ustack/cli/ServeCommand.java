package io.ustack.cli;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.runtime.Stack;
import io.ustack.tcp.TcpSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * {@code ustack serve}: one stack on a real interface serving several applications on its address, one thread per
 * connection, until Ctrl-C/SIGTERM or {@code --duration-s}. On the stop every open connection is ended gracefully:
 * the apps notice the stop within {@value AppIo#POLL_MS} ms, send our FIN and wait (briefly) for the peer's; only
 * what is still open after {@value #DRAIN_MS} ms is reset.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Serve applications from a ustack stack running on a network interface (AF_PACKET; needs root or",
        "CAP_NET_RAW). Apps: " + AppSpec.KNOWN + ".",
        "Prints a status line every --status-s seconds; runs until interrupted (connections are closed",
        "with a FIN first) or --duration-s. Exits 0, or 2 on a usage or setup error."})
public final class ServeCommand implements java.util.concurrent.Callable<Integer>
{
    /** One application: serves one accepted connection on the calling thread, and closes it. */
    interface App
    {
        /**
         * @param stopping true once the command stops: end the connection gracefully ({@link AppIo#finish}) soon
         */
        void serve(TcpSocket socket, Counters counters, BooleanSupplier stopping) throws IOException;
    }

    /** What one application did. */
    static final class Counters
    {
        final AtomicLong connections = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong bytesIn = new AtomicLong();
        final AtomicLong bytesOut = new AtomicLong();
    }

    private static final Duration ACCEPT_POLL = Duration.ofMillis(200);
    private static final long DRAIN_MS = 5_000;

    @Mixin
    LinkOptions link;

    @Mixin
    TcpOptions tcp;

    @Option(names = "--app", paramLabel = "NAME[:PORT][=DIR]", description = "An application to serve "
        + "(repeatable): " + AppSpec.KNOWN + ".")
    List<String> apps = new ArrayList<>();

    @Option(names = "--backlog", defaultValue = "16", description = "Accept backlog per app (default ${DEFAULT-VALUE}).")
    int backlog;

    @Option(names = "--duration-s", description = "Stop after this many seconds (default: run until interrupted).")
    Long durationS;

    @Option(names = "--status-s", defaultValue = "5", description = "Seconds between status lines, 0 for none "
        + "(default ${DEFAULT-VALUE}).")
    int statusS;

    @Option(names = "--pcap", description = "Write every frame the interface sends and receives to this pcap file.")
    Path pcap;

    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Set<TcpSocket> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** Waits until every app listens; false when the command ended (or failed) first. */
    boolean awaitReady(final Duration timeout) throws InterruptedException
    {
        ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return ready.getCount() == 0 && finished.getCount() == 1;
    }

    /** Asks a running serve to stop, as Ctrl-C does, and waits up to {@code timeout} for it to finish. */
    void stop(final Duration timeout) throws InterruptedException
    {
        stop.countDown();
        finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        try
        {
            return serve(System.out);
        }
        finally
        {
            finished.countDown();
            ready.countDown();
        }
    }

    private List<AppSpec> specs()
    {
        if (apps.isEmpty())
        {
            throw new IllegalArgumentException("nothing to serve: give at least one --app NAME[:PORT], from "
                + AppSpec.KNOWN);
        }
        if (backlog < 1 || (durationS != null && durationS < 1) || statusS < 0)
        {
            throw new IllegalArgumentException("use --backlog >= 1, --duration-s >= 1 and --status-s >= 0");
        }
        final List<AppSpec> specs = new ArrayList<>();
        for (final String app : apps)
        {
            final AppSpec spec = AppSpec.parse(app);
            for (final AppSpec other : specs)
            {
                if (other.port() == spec.port())
                {
                    throw new IllegalArgumentException("--app " + other + " and --app " + spec + " share port "
                        + spec.port());
                }
            }
            specs.add(spec);
        }
        return specs;
    }

    private App newApp(final AppSpec spec, final List<AppSpec> specs) throws IOException
    {
        switch (spec.name())
        {
            case "http":
                return new HttpApp(banner(specs), spec.directory() == null ? null : new StaticFiles(spec.directory()));
            case "echo":
                return new EchoApp();
            case "discard":
                return new DiscardApp();
            default:
                return new ChargenApp();
        }
    }

    private int serve(final PrintStream out) throws IOException, InterruptedException
    {
        final List<AppSpec> specs = specs();
        final TcpSettings settings = tcp.settings();
        final Stack stack = link.openStack("serve", settings, pcap);
        final int host = stack.interfaces().get(0).address().address();
        final List<TcpListener> listeners = new ArrayList<>();
        final List<Thread> services = new ArrayList<>();
        final List<String> labels = new ArrayList<>();
        final List<Counters> counters = new ArrayList<>();
        final Thread hook = new Thread(() ->
        {
            stop.countDown();
            try
            {
                finished.await(DRAIN_MS + 10_000, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }, "ustack-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        final long startNs = System.nanoTime();
        int reset = 0;
        try
        {
            for (final AppSpec spec : specs)
            {
                final TcpListener listener;
                try
                {
                    listener = stack.tcp().listen(host, spec.port(), backlog);
                }
                catch (final IOException e)
                {
                    throw new IllegalStateException("cannot listen on port " + spec.port() + ": " + e.getMessage(), e);
                }
                listeners.add(listener);
                final Counters c = new Counters();
                counters.add(c);
                labels.add(spec.toString());
                final App app = newApp(spec, specs);
                services.add(daemon(() -> accept(listener, app, c), "ustack-serve-" + spec));
                out.printf("serving %s on %s:%d (%s, cc %s, rto %s)%n", spec.name(), Ipv4Address.toString(host),
                    spec.port(), link.iface, settings.congestionControl(), settings.rtoEstimator());
                if (spec.name().equals("echo"))
                {
                    final Counters udp = new Counters();
                    counters.add(udp);
                    labels.add("echo/udp:" + spec.port() + " (datagrams)");
                    final UdpEchoService echo = new UdpEchoService(stack, host, spec.port(), udp);
                    services.add(daemon(() -> echo.run(() -> stopping), "ustack-serve-udp-echo"));
                    out.printf("serving udp echo on %s:%d%n", Ipv4Address.toString(host), spec.port());
                }
            }
            if (pcap != null)
            {
                out.printf("capturing to %s%n", pcap);
            }
            out.flush();
            services.forEach(Thread::start);
            ready.countDown();
            awaitStop(out, new ServeStatus(counters, stack.counters(), startNs));
        }
        finally
        {
            stopping = true;
            listeners.forEach(TcpListener::close);
            for (final Thread service : services)
            {
                service.join(2_000);
            }
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
            for (final Thread worker : workers)
            {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            reset = open.size();
            open.forEach(TcpSocket::abort);
            stack.shutdown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException e)
            {
                // the JVM is already shutting down (Ctrl-C): the hook is what waits for us
            }
            summary(out, labels, counters, (System.nanoTime() - startNs) / 1e9, reset);
        }
        return 0;
    }

    /** Waits for the stop (or the duration), printing the status line every --status-s seconds. */
    private void awaitStop(final PrintStream out, final ServeStatus status) throws InterruptedException
    {
        final long endNs = durationS == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(durationS);
        final long intervalNs = statusS == 0 ? Long.MAX_VALUE : TimeUnit.SECONDS.toNanos(statusS);
        long nextStatusNs = statusS == 0 ? Long.MAX_VALUE : System.nanoTime() + intervalNs;
        while (true)
        {
            final long nowNs = System.nanoTime();
            if (endNs - nowNs <= 0)
            {
                return;
            }
            if (nowNs - nextStatusNs >= 0)
            {
                out.println(status.line(open.size(), nowNs));
                out.flush();
                nextStatusNs = nowNs + intervalNs;
            }
            final long waitNs = Math.max(1, Math.min(endNs - nowNs, nextStatusNs - nowNs));
            if (stop.await(waitNs, TimeUnit.NANOSECONDS))
            {
                return;
            }
        }
    }

    private static Thread daemon(final Runnable task, final String name)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private void accept(final TcpListener listener, final App app, final Counters counters)
    {
        while (!stopping)
        {
            final TcpSocket socket;
            try
            {
                socket = listener.accept(ACCEPT_POLL);
            }
            catch (final SocketTimeoutException e)
            {
                continue;
            }
            catch (final ClosedChannelException e)
            {
                return;
            }
            catch (final IOException e)
            {
                if (!stopping)
                {
                    System.err.println("ustack serve: accept on port " + listener.localPort() + ": " + e.getMessage());
                }
                return;
            }
            counters.connections.incrementAndGet();
            open.add(socket);
            final Thread worker = daemon(() -> work(socket, app, counters),
                "ustack-serve-" + listener.localPort() + "-" + counters.connections.get());
            workers.add(worker);
            worker.start();
        }
    }

    private void work(final TcpSocket socket, final App app, final Counters counters)
    {
        try
        {
            app.serve(socket, counters, () -> stopping);
        }
        catch (final IOException | RuntimeException e)
        {
            counters.failed.incrementAndGet();
            socket.abort();
            if (!stopping)
            {
                System.err.println("ustack serve: connection from " + Ipv4Address.toString(socket.remoteAddress())
                    + ":" + socket.remotePort() + ": " + e.getMessage());
            }
        }
        finally
        {
            open.remove(socket);
            workers.remove(Thread.currentThread());
        }
    }

    private static String banner(final List<AppSpec> specs)
    {
        return "ustack serve: a user-space TCP/IP stack on the JVM\n"
            + "apps: " + specs + "\n"
            + "GET /bytes/N for N generated bytes (SplitMix64 pattern)\n";
    }

    private static void summary(final PrintStream out, final List<String> labels, final List<Counters> counters,
        final double seconds, final int reset)
    {
        out.printf("served %.1f s:%n", seconds);
        for (int i = 0; i < counters.size(); i++)
        {
            final Counters c = counters.get(i);
            out.printf("  %-10s %d connections (%d failed), %d bytes in, %d bytes out%n", labels.get(i),
                c.connections.get(), c.failed.get(), c.bytesIn.get(), c.bytesOut.get());
        }
        if (reset > 0)
        {
            out.printf("  %d connections still open %d ms after the stop were reset%n", reset, DRAIN_MS);
        }
        out.flush();
    }
}
