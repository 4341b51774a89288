package io.ustack.cli.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Linux kernel's own TCP as a reference, measured in the same run as the ustack cases (issue 4): two private
 * network namespaces joined by a veth pair with offloads off ({@code ethtool -K tso off gso off gro off tx off}) at
 * the baseline's MTU, {@code 198.18.2.1} in one and {@code 198.18.2.2} in the other, and {@link KernelTcpPeer} (a
 * Java NIO program, started with {@code ip netns exec}) on each side: one connection's throughput over the same
 * warm-up and windows, then the same 64-byte request/response repeats. The kernel's socket buffers are its defaults
 * (autotuned).
 */
final class KernelReference
{
    static final String SENDER_ADDRESS = "198.18.2.1";
    static final String RECEIVER_ADDRESS = "198.18.2.2";
    private static final int THROUGHPUT_PORT = 5001;
    private static final int ECHO_PORT = 5002;
    /** Time for the peers' JVMs to start and finish, on top of the measured time. */
    private static final long SLACK_S = 60;

    /** What the kernel measured. */
    record Outcome(int mtu, Estimate throughputMbps, Estimate rttP50Us, Estimate rttP99Us, double seconds)
    {
    }

    private final BenchSettings settings;

    KernelReference(final BenchSettings settings)
    {
        this.settings = settings;
    }

    /** One phrase on the set-up, for the results. */
    static String description(final int mtu)
    {
        return "Linux TCP between two network namespaces over a veth pair, MTU " + mtu + ", offloads off (tso gso " +
            "gro tx), one connection, Java NIO peers (KernelTcpPeer), default kernel socket buffers";
    }

    Outcome run(final int mtu) throws IOException
    {
        final long startNs = System.nanoTime();
        try (BenchNetwork network = BenchNetwork.create())
        {
            final String sender = network.namespace("ks");
            final String receiver = network.namespace("kr");
            network.veth(sender, "kref0s", receiver, "kref0r", mtu);
            network.ip(sender, "addr", "add", SENDER_ADDRESS + "/24", "dev", "kref0s");
            network.ip(receiver, "addr", "add", RECEIVER_ADDRESS + "/24", "dev", "kref0r");

            final long measuredS = (settings.warmupNs() + settings.windowNs() * settings.repeats()) / 1_000_000_000L;
            final BenchNetwork.Started rx = network.start(receiver, peer("receive", RECEIVER_ADDRESS, THROUGHPUT_PORT,
                Long.toString(settings.warmupNs()), Long.toString(settings.windowNs()),
                Integer.toString(settings.repeats())));
            final BenchNetwork.Started tx = network.start(sender, peer("send", RECEIVER_ADDRESS, THROUGHPUT_PORT));
            final double[] mbps = numbers(rx.finish(measuredS + SLACK_S), "mbps");
            tx.finish(SLACK_S);

            final BenchNetwork.Started echo = network.start(receiver, peer("echo", RECEIVER_ADDRESS, ECHO_PORT));
            final BenchNetwork.Started rr = network.start(sender, peer("rr", RECEIVER_ADDRESS, ECHO_PORT,
                Integer.toString(settings.rrWarmupMessages()), Integer.toString(settings.rrMessages()),
                Integer.toString(settings.repeats())));
            final String rrOutput = rr.finish(SLACK_S + 10L * settings.repeats());
            echo.finish(SLACK_S);
            return new Outcome(mtu, Estimate.of(mbps), Estimate.of(numbers(rrOutput, "p50us")),
                Estimate.of(numbers(rrOutput, "p99us")), (System.nanoTime() - startNs) / 1e9);
        }
    }

    /** The command that runs one {@link KernelTcpPeer} role with this JVM's java and this class's code. */
    static String[] peer(final String role, final String address, final int port, final String... more)
    {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx64m", "-cp", codeLocation(), KernelTcpPeer.class.getName(), role, address,
            Integer.toString(port)));
        command.addAll(Arrays.asList(more));
        return command.toArray(new String[0]);
    }

    /** The numbers on the line of {@code output} that starts with {@code key}. */
    static double[] numbers(final String output, final String key) throws IOException
    {
        for (final String line : output.split("\n"))
        {
            final String[] words = line.strip().split("\\s+");
            if (words.length > 1 && words[0].equals(key))
            {
                final double[] values = new double[words.length - 1];
                for (int i = 1; i < words.length; i++)
                {
                    values[i - 1] = Double.parseDouble(words[i]);
                }
                return values;
            }
        }
        throw new IOException("the kernel peer printed no '" + key + "' line: " + output.strip());
    }

    private static String codeLocation()
    {
        try
        {
            return Path.of(KernelTcpPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalStateException("cannot find the bench classes: " + e.getMessage(), e);
        }
    }
}
