package io.ustack.cli.bench;

import io.ustack.cli.NamespaceCommands;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The private network of one {@code ustack bench} case on a real link: network namespaces named for this process
 * and a counter ({@code ustack-bench-<pid>-<n>-<suffix>}), with whatever the case puts in them (veth pairs, a bridge,
 * TAP interfaces moved in, programs started inside). Only addresses in 198.18.0.0/15 are used, and only inside these
 * namespaces (TESTING.md).
 *
 * <p>{@link #close()} kills what was started inside and deletes the namespaces (and with them their interfaces); it
 * is idempotent, and a shutdown hook calls it on Ctrl-C.
 */
final class BenchNetwork implements AutoCloseable
{
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_S = 30;

    private final String prefix = "ustack-bench-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::close, "ustack-bench-network-cleanup");
    private boolean closed;

    private BenchNetwork()
    {
    }

    /**
     * A network with no namespaces yet, removed on Ctrl-C.
     *
     * @throws IllegalStateException without root, or without {@code ip} and {@code ethtool}
     */
    static BenchNetwork create()
    {
        if (!NamespaceCommands.isRoot())
        {
            throw new IllegalStateException("a real link needs root (network namespaces, AF_PACKET, TAP)");
        }
        for (final String tool : new String[]{"ip", "ethtool"})
        {
            if (!NamespaceCommands.onPath(tool))
            {
                throw new IllegalStateException("a real link needs '" + tool + "' on the PATH (Debian: apt-get " +
                    "install iproute2 ethtool)");
            }
        }
        final BenchNetwork network = new BenchNetwork();
        Runtime.getRuntime().addShutdownHook(network.hook);
        return network;
    }

    /** Creates namespace {@code <prefix>-<suffix>} with loopback up; returns its name. */
    synchronized String namespace(final String suffix)
    {
        final String name = prefix + "-" + suffix;
        run("ip", "netns", "add", name);
        namespaces.add(name);
        ip(name, "link", "set", "lo", "up");
        return name;
    }

    /**
     * A veth pair, {@code endA} in {@code nsA} and {@code endB} in {@code nsB}, both up at {@code mtu}, with no IPv6
     * link-local address (so the kernel sends nothing of its own on them) and offloads off: real frames of at most
     * the MTU, checksums computed in full.
     */
    void veth(final String nsA, final String endA, final String nsB, final String endB, final int mtu)
    {
        run("ip", "link", "add", endA, "netns", nsA, "type", "veth", "peer", "name", endB, "netns", nsB);
        quietUp(nsA, endA, mtu);
        quietUp(nsB, endB, mtu);
        offloadsOff(nsA, endA);
        offloadsOff(nsB, endB);
    }

    /** Sets {@code device} in {@code namespace} to {@code mtu}, without IPv6 addresses, and up. */
    void quietUp(final String namespace, final String device, final int mtu)
    {
        ip(namespace, "link", "set", "dev", device, "addrgenmode", "none");
        ip(namespace, "link", "set", "dev", device, "mtu", Integer.toString(mtu), "up");
    }

    /** {@code ethtool -K device tso off gso off gro off tx off} inside {@code namespace}. */
    void offloadsOff(final String namespace, final String device)
    {
        run("ip", "netns", "exec", namespace, "ethtool", "-K", device, "tso", "off", "gso", "off", "gro", "off", "tx",
            "off");
    }

    /** Moves an interface of this process's namespace (e.g. a TAP interface just made) into {@code namespace}. */
    void moveInto(final String device, final String namespace)
    {
        run("ip", "link", "set", "dev", device, "netns", namespace);
    }

    /** {@code ip -n namespace args...}; its output. */
    String ip(final String namespace, final String... args)
    {
        final List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(Arrays.asList(args));
        return run(command.toArray(new String[0]));
    }

    /**
     * Starts {@code command} inside {@code namespace} and waits for its first line of output, its readiness; the
     * reader then gives the rest. {@link #close()} kills it if it is still running.
     */
    Started start(final String namespace, final String... command)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(Arrays.asList(command));
        try
        {
            final Process process;
            synchronized (this)
            {
                if (closed)
                {
                    throw new IllegalStateException("the bench network is closed");
                }
                process = new ProcessBuilder(full).redirectErrorStream(true).start();
                processes.add(process);
            }
            final BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
            final String first = output.readLine();
            if (first == null || !first.startsWith(KernelTcpPeer.READY))
            {
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " in " + namespace + " was not ready: " +
                    (first == null ? "it exited" : first + " " + drain(output)));
            }
            return new Started(process, output);
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot start " + command[0] + " in " + namespace + ": " +
                e.getMessage(), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + command[0], e);
        }
    }

    /** A program started inside a namespace, past its ready line. */
    record Started(Process process, BufferedReader output)
    {
        /** Waits up to {@code timeoutSeconds} for it to end and returns the rest of its output. */
        String finish(final long timeoutSeconds) throws IOException
        {
            try
            {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                    throw new IOException(process.info().commandLine().orElse("a peer") + " ran longer than " +
                        timeoutSeconds + " s");
                }
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            final String text = drain(output);
            if (process.exitValue() != 0)
            {
                throw new IOException("a kernel peer exited " + process.exitValue() + ": " + text.strip());
            }
            return text;
        }
    }

    private static String drain(final BufferedReader reader)
    {
        final StringBuilder text = new StringBuilder();
        try
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                text.append(line).append('\n');
            }
        }
        catch (final IOException e)
        {
            text.append("(output cut: ").append(e.getMessage()).append(')');
        }
        return text.toString();
    }

    /** The namespaces made so far (for tests of the clean-up). */
    synchronized List<String> namespaces()
    {
        return List.copyOf(namespaces);
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        NamespaceCommands.killAll(processes);
        processes.clear();
        NamespaceCommands.deleteNamespaces(namespaces, "ustack bench");
        namespaces.clear();
        if (Thread.currentThread() != hook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // the JVM is exiting: the hook finds the network closed
            }
        }
    }

    private static String run(final String... command)
    {
        return NamespaceCommands.run(COMMAND_TIMEOUT_S, null, command);
    }
}
