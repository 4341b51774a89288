package io.ustack.runtime.interop;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.runtime.ShutdownReport;
import io.ustack.runtime.Stack;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private test network with the Linux kernel as the peer (TESTING.md): two network namespaces named for this
 * process and a counter ({@code ustack-it-<pid>-<n>a} and {@code ...b}), joined by veth pairs. The ustack end of each
 * pair lives in namespace A with its link up and no address (the stack owns {@code 198.18.x.1}; the kernel in A
 * neither answers ARP for it nor resets its flows); the kernel end lives in namespace B with {@code 198.18.x.2/24}.
 *
 * <p>Why namespace A and not the test JVM's own (root) namespace: the AF_PACKET driver opens its socket inside A
 * ({@code AfPacketConfig.Builder.namespace}, a {@code setns} on the opening thread only), so the host's own
 * namespace never sees the test's frames or addresses and cannot forward them anywhere. Only addresses in
 * 198.18.0.0/15 inside these two namespaces are ever targets.
 *
 * <p>{@link #close()} kills the processes started here and deletes both namespaces (which deletes the veths); test
 * classes call it from {@code @AfterAll}, so it runs even when a test fails.
 */
public final class KernelPeerNetwork implements AutoCloseable
{
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final String ustackNamespace;
    private final String kernelNamespace;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> kernelEnds = new ArrayList<>();
    private boolean ustackCreated;
    private boolean kernelCreated;

    private KernelPeerNetwork()
    {
        final String prefix = "ustack-it-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
        this.ustackNamespace = prefix + "a";
        this.kernelNamespace = prefix + "b";
    }

    /**
     * Creates the two namespaces with loopback up. Without root the calling test class is skipped with a loud
     * message, except under {@code CI=true}, where that is a failure.
     */
    public static KernelPeerNetwork create() throws IOException
    {
        requireRoot();
        final KernelPeerNetwork network = new KernelPeerNetwork();
        try
        {
            network.run("ip", "netns", "add", network.ustackNamespace);
            network.ustackCreated = true;
            network.run("ip", "netns", "add", network.kernelNamespace);
            network.kernelCreated = true;
            network.run("ip", "-n", network.ustackNamespace, "link", "set", "lo", "up");
            network.run("ip", "-n", network.kernelNamespace, "link", "set", "lo", "up");
            return network;
        }
        catch (final IOException | RuntimeException e)
        {
            network.close();
            throw e;
        }
    }

    /** The namespace the stack's AF_PACKET socket opens in. */
    public String ustackNamespace()
    {
        return ustackNamespace;
    }

    /** The namespace of the kernel peer. */
    public String kernelNamespace()
    {
        return kernelNamespace;
    }

    /**
     * Adds a veth pair: {@code ustackEnd} in A, link up, no address; {@code kernelEnd} in B with
     * {@code kernelAddress} (e.g. {@code 198.18.0.2/24}), and with offloads off unless {@code offloadsOn}.
     */
    public void addVeth(final String ustackEnd, final String kernelEnd, final String kernelAddress,
        final boolean offloadsOn) throws IOException
    {
        run("ip", "link", "add", ustackEnd, "netns", ustackNamespace, "type", "veth", "peer", "name", kernelEnd,
            "netns", kernelNamespace);
        run("ip", "-n", ustackNamespace, "link", "set", ustackEnd, "up");
        run("ip", "-n", kernelNamespace, "addr", "add", kernelAddress, "dev", kernelEnd);
        run("ip", "-n", kernelNamespace, "link", "set", kernelEnd, "up");
        kernelEnds.add(kernelEnd);
        if (!offloadsOn)
        {
            // Real 1500-byte frames with full checksums (TESTING.md).
            inKernel("ethtool", "-K", kernelEnd, "tso", "off", "gso", "off", "gro", "off", "tx", "off");
        }
    }

    /** Moves an interface of this (the test JVM's) namespace into namespace B, e.g. a TAP interface just made. */
    public void moveToKernel(final String interfaceName) throws IOException
    {
        run("ip", "link", "set", interfaceName, "netns", kernelNamespace);
    }

    /** Runs a command in namespace A (ustack's) to completion, e.g. {@code ethtool} on ustack's end of a veth. */
    public String inUstack(final String... command) throws IOException
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ustackNamespace));
        full.addAll(Arrays.asList(command));
        return run(full.toArray(new String[0]));
    }

    /** Runs {@code ip -n A ...}. */
    public String ipInUstack(final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("ip", "-n", ustackNamespace));
        command.addAll(Arrays.asList(args));
        return run(command.toArray(new String[0]));
    }

    /** Runs a command in namespace B to completion; fails the test with its output if it exits non-zero. */
    public String inKernel(final String... command) throws IOException
    {
        return run(inKernelCommand(command));
    }

    /**
     * Runs a command in namespace B for up to {@code timeoutSeconds} (e.g. a long transfer); fails the test with its
     * output if it exits non-zero or runs out of time.
     */
    public String inKernelWithin(final long timeoutSeconds, final String... command) throws IOException
    {
        final Process process = new ProcessBuilder(inKernelCommand(command)).redirectErrorStream(true).start();
        final java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
        final Thread reader = new Thread(() ->
        {
            try
            {
                process.getInputStream().transferTo(output);
            }
            catch (final IOException e)
            {
                // the process was killed: what it printed so far is in the message below
            }
        });
        reader.start();
        final int code = waitFor(process, timeoutSeconds);
        try
        {
            reader.join(5_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        final String text = output.toString(StandardCharsets.UTF_8);
        if (code != 0)
        {
            throw new IOException(String.join(" ", command) + (code < 0 ? " ran longer than " + timeoutSeconds
                + " s" : " exited " + code) + ": " + text);
        }
        return text;
    }

    /** Runs a command in namespace B to completion and returns its exit code (output goes to the test log). */
    public int exitCodeInKernel(final long timeoutSeconds, final String... command) throws IOException
    {
        final Process process = start(inKernelCommand(command));
        final int code = waitFor(process, timeoutSeconds);
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("[" + kernelNamespace + "] " + String.join(" ", command) + " -> " + code + "\n" + output);
        return code;
    }

    /**
     * Starts a long-running command in namespace B and waits until it prints a line (its readiness signal).
     * {@link #close()} kills it.
     */
    public Process startInKernel(final String... command) throws IOException
    {
        final Process process = start(inKernelCommand(command));
        final String line = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)).readLine();
        Assertions.assertNotNull(line, () -> String.join(" ", command) + " exited before it was ready");
        return process;
    }

    /** Writes a script to a temp file (deleted at JVM exit) and returns its path, for python3 in namespace B. */
    public static String script(final String name, final String text) throws IOException
    {
        final Path file = Files.createTempFile("ustack-it-" + name + "-", ".py");
        file.toFile().deleteOnExit();
        Files.writeString(file, text);
        return file.toString();
    }

    /**
     * Drops {@code percent}% of the IPv4 packets the kernel namespace receives and of those it sends (so both
     * directions of every flow), chosen at random per packet by nftables {@code numgen random} (TESTING.md: this
     * kernel has no netem); ARP is left alone. 0 removes the rule. Replaces any earlier setting.
     *
     * <p>Linux TCP always builds GSO super-packets (up to 64 KiB) and, with offloads off, cuts them into frames only
     * after the output hook, so a rule there would drop ~45 segments at once. The kernel ends of the veths therefore
     * get {@code gso_max_segs 1} and {@code gso_max_size 1500} first: every packet the rule sees is one frame.
     */
    public void setLoss(final int percent) throws IOException
    {
        if (percent < 0 || percent > 100)
        {
            throw new IllegalArgumentException("loss " + percent + ": give 0..100 percent");
        }
        for (final String kernelEnd : kernelEnds)
        {
            run("ip", "-n", kernelNamespace, "link", "set", "dev", kernelEnd, "gso_max_segs", "1", "gso_max_size",
                "1500");
        }
        final String table = "ustack_it_loss";
        inKernel("nft", "add table inet " + table); // idempotent: so the delete below always has a table
        inKernel("nft", "delete table inet " + table);
        if (percent == 0)
        {
            return;
        }
        final String drop = " numgen random mod 100 < " + percent + " counter drop; }";
        inKernel("nft", "add table inet " + table + "; "
            + "add chain inet " + table + " in { type filter hook input priority 0; policy accept; iifname != \"lo\""
            + drop + "; "
            + "add chain inet " + table + " out { type filter hook output priority 0; policy accept; oifname != \"lo\""
            + drop);
    }

    /**
     * Packets the loss rule of {@link #setLoss} dropped so far: {@code [received by the kernel, sent by the kernel]},
     * for tests to show that loss really happened both ways.
     */
    public long[] droppedPackets() throws IOException
    {
        final java.util.regex.Matcher counters = java.util.regex.Pattern.compile("counter packets (\\d+)")
            .matcher(inKernel("nft", "list table inet ustack_it_loss"));
        final long[] dropped = new long[2];
        for (int i = 0; i < 2 && counters.find(); i++)
        {
            dropped[i] = Long.parseLong(counters.group(1));
        }
        return dropped;
    }

    /**
     * Starts the stack an interop test drives: one interface on {@code endpoint} at {@code addressAndPrefix}, its
     * own thread yielding when idle, ARP retried every 100 ms. Closes the endpoint if the stack does not start.
     */
    public static Stack startStack(final String name, final LinkEndpoint endpoint, final String addressAndPrefix)
    {
        return startStack(name, endpoint, addressAndPrefix, SegmentationOffload.LINK);
    }

    /** {@link #startStack(String, LinkEndpoint, String)} with TCP segmentation offload as {@code offload} says. */
    public static Stack startStack(final String name, final LinkEndpoint endpoint, final String addressAndPrefix,
        final SegmentationOffload offload)
    {
        try
        {
            return Stack.builder(StackConfig.builder().name(name).threadingMode(ThreadingMode.SHARED)
                    .idleStrategy(IdleStrategyKind.YIELDING).arpRetryIntervalMs(100).segmentationOffload(offload)
                    .build())
                .iface(endpoint, addressAndPrefix).clock(new SystemNanoClock()).build().start();
        }
        catch (final RuntimeException e)
        {
            endpoint.close();
            throw e;
        }
    }

    /**
     * Shuts {@code stack} down (if it was built), failing the test if one of its agents threw, then closes this
     * network whatever happened: the end of an interop test class.
     */
    public void closeAfter(final Stack stack)
    {
        try
        {
            if (stack != null)
            {
                final ShutdownReport report = stack.shutdown();
                Assertions.assertEquals(0, report.agentErrors(), () -> "agent error: " + stack.firstAgentError());
            }
        }
        finally
        {
            close();
        }
    }

    /** Kills what was started here and deletes both namespaces. Idempotent; never throws. */
    @Override
    public void close()
    {
        for (final Process process : processes)
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        for (final String namespace : new String[]{kernelCreated ? kernelNamespace : null,
            ustackCreated ? ustackNamespace : null})
        {
            if (namespace != null)
            {
                try
                {
                    run("ip", "netns", "del", namespace);
                }
                catch (final IOException | RuntimeException e)
                {
                    System.err.println("could not delete network namespace " + namespace + ": " + e.getMessage());
                }
            }
        }
        kernelCreated = false;
        ustackCreated = false;
    }

    private String[] inKernelCommand(final String... command)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", kernelNamespace));
        full.addAll(Arrays.asList(command));
        return full.toArray(new String[0]);
    }

    private Process start(final String... command) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        return process;
    }

    private String run(final String... command) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final int code = waitFor(process, 30);
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (code != 0)
        {
            throw new IOException(String.join(" ", command) + " exited " + code + ": " + output);
        }
        return output;
    }

    private static int waitFor(final Process process, final long timeoutSeconds) throws IOException
    {
        try
        {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void requireRoot() throws IOException
    {
        final boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
            .anyMatch(line -> line.matches("Uid:\\s+\\d+\\s+0\\s.*"));
        if (root)
        {
            return;
        }
        final String message = "\n*** interop tests with the Linux kernel SKIPPED: they need root (network " +
            "namespaces, AF_PACKET, TAP). Run `mvn verify` as root to include them (TESTING.md). ***\n";
        System.err.println(message);
        Assertions.assertNotEquals("true", System.getenv("CI"), "CI=true: interop tests must run, not skip:" +
            message);
        Assumptions.abort(message);
    }
}
