package io.ustack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The private network of {@code ustack demo --kernel-peer} (TESTING.md): two network namespaces named for this
 * process, {@code ustack-demo-<pid>-a} and {@code -b}, joined by a veth pair. The stack drives {@value #USTACK_END} in
 * A through AF_PACKET and owns {@value #USTACK_ADDRESS} (A's kernel has no address there, so it neither answers ARP
 * for it nor resets its flows); the kernel owns {@value #KERNEL_END} in B with {@value #KERNEL_ADDRESS}/24 and
 * offloads off, so frames are real 1500-byte frames with full checksums. Only these two addresses are ever targets.
 *
 * <p>{@link #close()} kills the processes started in B and deletes both namespaces (and with them the veth); it is
 * idempotent and safe to call from a shutdown hook and a {@code finally} at once.
 */
final class DemoNetwork implements AutoCloseable
{
    static final String USTACK_END = "ud0";
    static final String KERNEL_END = "kd0";
    static final String USTACK_ADDRESS = "198.18.0.1";
    static final String KERNEL_ADDRESS = "198.18.0.2";

    private static final long COMMAND_TIMEOUT_S = 30;

    private final String ustackNamespace;
    private final String kernelNamespace;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> created = new ArrayList<>();

    private DemoNetwork()
    {
        final String prefix = "ustack-demo-" + ProcessHandle.current().pid();
        ustackNamespace = prefix + "-a";
        kernelNamespace = prefix + "-b";
    }

    /**
     * Checks for root and the tools, then builds the network.
     *
     * @throws IllegalStateException saying what is missing or which command failed (the partial network removed)
     */
    static DemoNetwork create()
    {
        requireRoot();
        for (final String tool : new String[]{"ip", "ethtool", "python3", "curl", "ss"})
        {
            requireTool(tool);
        }
        final DemoNetwork network = new DemoNetwork();
        try
        {
            network.build();
            return network;
        }
        catch (final RuntimeException e)
        {
            network.close();
            throw e;
        }
    }

    private synchronized void build()
    {
        for (final String namespace : new String[]{ustackNamespace, kernelNamespace})
        {
            run("ip", "netns", "add", namespace);
            created.add(namespace);
            run("ip", "-n", namespace, "link", "set", "lo", "up");
        }
        run("ip", "link", "add", USTACK_END, "netns", ustackNamespace, "type", "veth", "peer", "name", KERNEL_END,
            "netns", kernelNamespace);
        run("ip", "-n", ustackNamespace, "link", "set", USTACK_END, "up");
        run("ip", "-n", kernelNamespace, "addr", "add", KERNEL_ADDRESS + "/24", "dev", KERNEL_END);
        run("ip", "-n", kernelNamespace, "link", "set", KERNEL_END, "up");
        inKernel("ethtool", "-K", KERNEL_END, "tso", "off", "gso", "off", "gro", "off", "tx", "off");
        // ustack's end alike: with --tx-mode RING_GSO the kernel then cuts ustack's merged frames before the veth,
        // as it cuts its own TCP's, and the kernel end sees 1500-byte frames either way.
        run("ip", "netns", "exec", ustackNamespace, "ethtool", "-K", USTACK_END, "tso", "off", "gso", "off", "gro",
            "off", "tx", "off");
    }

    /** The namespace the stack's AF_PACKET socket opens in. */
    String ustackNamespace()
    {
        return ustackNamespace;
    }

    /** Runs a command in the kernel's namespace; its output, or an {@link IllegalStateException} with it. */
    String inKernel(final String... command)
    {
        return inKernelWithin(COMMAND_TIMEOUT_S, command);
    }

    /** As {@link #inKernel}, for up to {@code timeoutSeconds}; {@link #close()} kills it if still running. */
    String inKernelWithin(final long timeoutSeconds, final String... command)
    {
        return runWithin(timeoutSeconds, this, inKernelCommand(command));
    }

    /** Starts a server in the kernel's namespace and waits for its first line of output (its readiness). */
    synchronized Process startInKernel(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(inKernelCommand(command)).redirectErrorStream(true).start();
            processes.add(process);
            final InputStream in = process.getInputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n')
            {
                // the first line says it is ready
            }
            if (b < 0)
            {
                throw new IllegalStateException(String.join(" ", command) + " exited before it was ready");
            }
            return process;
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot start " + command[0] + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close()
    {
        NamespaceCommands.killAll(List.copyOf(processes));
        processes.clear();
        NamespaceCommands.deleteNamespaces(created, "ustack demo");
        created.clear();
    }

    /** True while the namespaces exist (for tests of the clean-up). */
    synchronized boolean exists()
    {
        return !created.isEmpty();
    }

    private String[] inKernelCommand(final String... command)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", kernelNamespace));
        full.addAll(Arrays.asList(command));
        return full.toArray(new String[0]);
    }

    private static String run(final String... command)
    {
        return runWithin(COMMAND_TIMEOUT_S, null, command);
    }

    private synchronized void track(final Process process, final boolean running)
    {
        if (running)
        {
            processes.add(process);
        }
        else
        {
            processes.remove(process);
        }
    }

    /** Runs {@code command} to its end; {@code owner}, when not null, tracks it so that close() can kill it. */
    private static String runWithin(final long timeoutSeconds, final DemoNetwork owner, final String... command)
    {
        return NamespaceCommands.run(timeoutSeconds, owner == null ? null : owner::track, command);
    }

    private static void requireRoot()
    {
        if (!NamespaceCommands.isRoot())
        {
            throw new IllegalStateException("--kernel-peer creates network namespaces and opens AF_PACKET: run "
                + "as root");
        }
    }

    private static void requireTool(final String tool)
    {
        if (!NamespaceCommands.onPath(tool))
        {
            throw new IllegalStateException("--kernel-peer needs '" + tool + "' on the PATH (Debian: apt-get install "
                + "iproute2 ethtool python3 curl)");
        }
    }
}
