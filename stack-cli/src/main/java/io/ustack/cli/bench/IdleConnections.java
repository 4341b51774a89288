package io.ustack.cli.bench;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.socket.TcpSocketLayer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory per idle connection: opens connections from stack a to stack b one by one (nothing is sent on them) and,
 * at each target count, measures the JVM's heap in use and its direct (off-heap) buffers in use after full GCs,
 * against the same figures taken before the first connection. Both ends live in this JVM, so a connection costs
 * two sockets; the per-end figure (half) is what a server pays for each client. The stacks run SHARED, once per
 * {@link Profile}: the stack's defaults, and an explicit small configuration for many mostly idle connections
 * (small socket rings through {@code Stack.Builder.tcpSocketRingBytes} and small TCP buffers).
 *
 * <p>Stops adding connections before the growth would pass the memory budget (projected from the first
 * {@value #CALIBRATION} connections), or when the stack refuses one; either way it reports the count it reached
 * and why. A listening port serves at most {@value #PER_PORT} connections, since one client address has 28,232
 * ephemeral ports (32768..60999) towards each server port.
 */
final class IdleConnections
{
    static final int CALIBRATION = 64;
    static final int PER_PORT = 20_000;
    private static final int FIRST_PORT = 6000;
    /** Connections opened at once; the listeners' backlog holds a whole batch. */
    static final int BATCH = 256;
    private static final int BACKLOG = 2 * BATCH;

    private final BenchSettings settings;
    private final PrintStream out;

    /**
     * One configuration of the idle connections, reported with its figures.
     *
     * @param name             "default" or "small"
     * @param socketRingBytes  each of a blocking socket's two rings (Stack.Builder.tcpSocketRingBytes)
     * @param sendBufferBytes  TCP send buffer (TcpSettings)
     * @param receiveBufferBytes TCP receive buffer (TcpSettings)
     */
    record Profile(String name, int socketRingBytes, int sendBufferBytes, int receiveBufferBytes)
    {
        /** The stack's defaults. */
        static Profile defaults()
        {
            final TcpSettings defaults = TcpSettings.defaults();
            return new Profile("default", TcpSocketLayer.DEFAULT_RING_BYTES, defaults.sendBufferBytes(),
                defaults.receiveBufferBytes());
        }

        /** Off-heap bytes of one idle end by construction: two socket rings and the two TCP buffers. */
        long expectedDirectBytesPerEnd()
        {
            return 2L * socketRingBytes + sendBufferBytes + receiveBufferBytes;
        }

        String describe()
        {
            return String.format("%s: socket rings 2 × %,d B (Stack.Builder.tcpSocketRingBytes), TCP send %,d B + " +
                "receive %,d B (TcpSettings)", name, socketRingBytes, sendBufferBytes, receiveBufferBytes);
        }
    }

    /** A profile's figures at each target. */
    record Result(Profile profile, List<Step> steps)
    {
    }

    /** The figures at one target count. */
    record Step(int target, int reached, long heapBytes, long directBytes, String limitedBy)
    {
        double bytesPerEnd()
        {
            return reached == 0 ? 0 : (heapBytes + directBytes) / (2.0 * reached);
        }

        double heapBytesPerEnd()
        {
            return reached == 0 ? 0 : heapBytes / (2.0 * reached);
        }

        double directBytesPerEnd()
        {
            return reached == 0 ? 0 : directBytes / (2.0 * reached);
        }

        /** Connection ends (server sockets) that fit in 1 GiB at this cost. */
        long endsPerGiB()
        {
            final double perEnd = bytesPerEnd();
            return perEnd <= 0 ? 0 : (long)((1L << 30) / perEnd);
        }
    }

    /** One sentence on what the figures of {@code profile} mean at its largest target. */
    static String accounting(final Profile profile, final Step step)
    {
        return String.format("%s: expected off-heap per end %,d B, measured %,.0f B. At %,.0f B per end, 1 GiB holds " +
                "%,d ends, and %,d idle connections need %.1f GiB per side",
            profile.describe(), profile.expectedDirectBytesPerEnd(), step.directBytesPerEnd(), step.bytesPerEnd(),
            step.endsPerGiB(), step.target(), step.target() * step.bytesPerEnd() / (1L << 30));
    }

    IdleConnections(final BenchSettings settings, final PrintStream out)
    {
        this.settings = settings;
        this.out = out;
    }

    /** The profiles of this run: the defaults, and the small one of the settings. */
    List<Profile> profiles()
    {
        return List.of(Profile.defaults(), new Profile("small", settings.idleRingBytes(),
            settings.idleBufferBytes(), settings.idleBufferBytes()));
    }

    List<Result> run() throws IOException
    {
        final List<Result> results = new ArrayList<>();
        for (final Profile profile : profiles())
        {
            out.println("  profile " + profile.describe());
            results.add(new Result(profile, run(profile)));
        }
        return results;
    }

    private List<Step> run(final Profile profile) throws IOException
    {
        final List<Step> steps = new ArrayList<>();
        final int maxTarget = settings.idleTargets().get(settings.idleTargets().size() - 1);
        final TcpSettings tcp = TcpSettings.builder().maxConnections(maxTarget + CALIBRATION)
            .maxListeners(64 + maxTarget / PER_PORT).sendBufferBytes(profile.sendBufferBytes())
            .receiveBufferBytes(profile.receiveBufferBytes()).build();
        try (TwoStacks stacks = new TwoStacks(config(TwoStacks.NAME_A), config(TwoStacks.NAME_B), tcp,
            LinkKind.MEMORY, profile.socketRingBytes()))
        {
            final List<TcpListener> listeners = new ArrayList<>();
            final List<TcpSocket> sockets = new ArrayList<>();
            final MemoryUse before = MemoryUse.afterGc();
            long budgetCount = Long.MAX_VALUE;
            String limitedBy = null;
            int opened = 0;
            for (final int target : settings.idleTargets())
            {
                while (limitedBy == null && opened < target)
                {
                    if (opened == CALIBRATION && budgetCount == Long.MAX_VALUE)
                    {
                        final double perConnection = MemoryUse.afterGc().minus(before).total() / (double)opened;
                        budgetCount = (long)(settings.memoryBudgetBytes() / Math.max(1, perConnection));
                        out.printf("  idle connections: %,.0f bytes per connection (both ends) from the first %d; " +
                            "the %,d MiB budget holds about %,d%n", perConnection, opened,
                            settings.memoryBudgetBytes() >> 20, budgetCount);
                    }
                    if (opened >= budgetCount)
                    {
                        limitedBy = String.format("memory budget: %,d connections (both ends in this JVM) reach " +
                            "--memory-budget-mib %,d; raise it (and the JVM's heap and -XX:MaxDirectMemorySize) " +
                            "to go further", opened, settings.memoryBudgetBytes() >> 20);
                        break;
                    }
                    final long room = Math.min(budgetCount, opened < CALIBRATION ? CALIBRATION : Long.MAX_VALUE) - opened;
                    final int batch = (int)Math.min(Math.min(BATCH, target - opened), room);
                    try
                    {
                        openBatch(stacks, listeners, sockets, opened, batch);
                        opened += batch;
                    }
                    catch (final IOException | OutOfMemoryError e)
                    {
                        limitedBy = "the stack refused one of connections " + (opened + 1) + ".." + (opened + batch) +
                            ": " + e;
                    }
                }
                final MemoryUse grown = MemoryUse.afterGc().minus(before);
                steps.add(new Step(target, opened, grown.heapBytes(), grown.directBytes(), limitedBy));
                out.printf("  idle connections: %,d of %,d open, %,.0f bytes per end (heap %,.0f + direct %,.0f)%s%n",
                    opened, target, steps.get(steps.size() - 1).bytesPerEnd(),
                    steps.get(steps.size() - 1).heapBytesPerEnd(), steps.get(steps.size() - 1).directBytesPerEnd(),
                    limitedBy == null ? "" : "; stopped: " + limitedBy);
            }
            sockets.forEach(TcpSocket::abort);
            listeners.forEach(TcpListener::close);
        }
        return steps;
    }

    /**
     * Opens connections {@code first .. first + count - 1} at once: every SYN goes out before any handshake is waited
     * for, so the stacks complete them together (each duty cycle of a stack visits all its open sockets, so opening
     * them one at a time would cost time growing with the square of the count). Connection {@code i} goes to port
     * {@code FIRST_PORT + i / PER_PORT}.
     *
     * @throws IOException when a socket is refused, a handshake fails, or they do not all complete within
     *                     {@link TwoStacks#WAIT}
     */
    private static void openBatch(final TwoStacks stacks, final List<TcpListener> listeners,
        final List<TcpSocket> sockets, final int first, final int count) throws IOException
    {
        final List<TcpSocket> connecting = new ArrayList<>(count);
        for (int i = first; i < first + count; i++)
        {
            final int portIndex = i / PER_PORT;
            if (portIndex == listeners.size())
            {
                listeners.add(stacks.b.tcp().listen(0, FIRST_PORT + portIndex, BACKLOG));
            }
            final TcpSocket client = stacks.a.tcp().connectNow(TwoStacks.B, FIRST_PORT + portIndex);
            connecting.add(client);
            sockets.add(client);
        }
        final long deadlineNs = System.nanoTime() + TwoStacks.WAIT.toNanos();
        int accepted = 0;
        int connected = 0;
        while (accepted < count || connected < count)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new SocketTimeoutException(String.format("%d of %d handshakes completed and %d accepted " +
                    "within %s", connected, count, accepted, TwoStacks.WAIT));
            }
            int progress = 0;
            for (int p = first / PER_PORT; p <= (first + count - 1) / PER_PORT; p++)
            {
                TcpSocket server;
                while (accepted < count && (server = listeners.get(p).accept()) != null)
                {
                    sockets.add(server);
                    accepted++;
                    progress++;
                }
            }
            while (connected < count && connecting.get(connected).finishConnect())
            {
                connected++;
                progress++;
            }
            if (progress == 0)
            {
                Thread.yield();
            }
        }
    }

    private static StackConfig config(final String name)
    {
        return StackConfig.builder().name(name).threadingMode(ThreadingMode.SHARED)
            .idleStrategy(IdleStrategyKind.YIELDING).randomSeed(name.hashCode()).build();
    }
}
