package io.ustack.bench.e2e;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.socket.TcpListener;
import io.ustack.bench.driver.Options;
import io.ustack.link.packet.AfPacketConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end comparison of ustack with the Linux kernel (issue 5), side by side in one run. Runs in the namespace of
 * ustack's interface; the kernel's peers ({@link KernelPeer}, and iperf3 as a second yardstick when installed) run in
 * other namespaces through {@code ip netns exec}. run-driver.sh sets up the namespaces:
 * <pre>
 *   NS_A: ua (ustack 198.18.0.1) ==veth== ub (kernel 198.18.0.2): NS_B
 *   NS_C: kc (kernel 198.18.1.1) ==veth== kd (kernel 198.18.1.2): NS_D      MTU 1500, kernel offloads off
 * </pre>
 * Per repeat: one-connection TCP throughput ustack to kernel, kernel to ustack and kernel to kernel (bytes over the
 * time from the first byte to the end of the stream, measured at the receiver), and 64-byte request/response
 * latency to a kernel echo server from a busy-polling ustack client and from a kernel client. Each ustack
 * measurement has its stack to itself, started for it and closed after it, so no ustack thread spins while the
 * kernel is measured: throughput with the stack's default idle strategy (back-off) and blocking socket calls,
 * latency with {@link IdleStrategyKind#BUSY_SPIN} and the client spinning on the socket (two spinning threads), and
 * again with one thread that polls the stack itself between its socket calls ({@code INVOKER}, run to completion).
 *
 * <p>Besides throughput, each transfer records CPU per MiB moved (thread CPU time, user + system): ustack's stack
 * thread ("stack CPU"), the sending and the receiving end's busiest thread ("sender CPU", "receiver CPU": the kernel
 * peer's thread, or ustack's stack thread), and all threads of both ends ("both ends CPU": for ustack also its
 * application thread). A thread's system time includes the softirq work the kernel does in its context (on a veth,
 * much of the other end's receive processing); softirq work that runs elsewhere (ksoftirqd, timer interrupts, e.g.
 * the kernel sender's pacing) is counted nowhere, so these are lower bounds, the kernel's more than ustack's.
 *
 * <p>Options for experiments: {@code --variants base,ack=stretch,...} measures both ustack throughputs once per
 * {@link UstackVariant} in every repeat, in an order that rotates per repeat (recorded as
 * {@code "kernel -> ustack [ack=stretch]"}; the first keeps the plain label and is the reference; {@code threads=1}
 * runs the transfers to completion on one thread, see {@link UstackVariant});
 * {@code --measure throughput} or {@code --measure latency} runs only that half.
 */
public final class KernelComparisonHarness
{
    private static final Pattern SINK = Pattern.compile("bytes=(\\d+) seconds=([0-9.]+) cpu_ns=(\\d+)");
    private static final Pattern SOURCE = Pattern.compile("bytes=(\\d+) cpu_ns=(\\d+)");
    private static final Pattern PING = Pattern.compile("p50us=([0-9.]+) p99us=([0-9.]+)");
    private static final Pattern IPERF = Pattern.compile("([0-9.]+) ([MG])bits/sec.*receiver");
    private static final int SINK_PORT = 5001;
    private static final int USTACK_PORT = 5002;
    private static final int ECHO_PORT = 5003;
    private static final int IPERF_PORT = 5201;
    private static final int ROUND_TRIPS = 20_000;

    private final String jar;
    private final String kernelNs;
    private final String pairClientNs;
    private final String pairServerNs;
    private final double seconds;
    private final List<Process> processes = new ArrayList<>();
    private List<UstackVariant> variants = List.of(UstackVariant.base());
    private boolean throughput = true;
    private boolean latency = true;
    private final Map<String, List<Double>> results = new LinkedHashMap<>();
    private AfPacketConfig link;

    private KernelComparisonHarness(final String jar, final String kernelNs, final String pairClientNs,
        final String pairServerNs, final double seconds)
    {
        this.jar = jar;
        this.kernelNs = kernelNs;
        this.pairClientNs = pairClientNs;
        this.pairServerNs = pairServerNs;
        this.seconds = seconds;
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> options = Options.parse(args, "--jar", "--iface", "--kernel-namespace",
            "--pair-namespaces", "--repeats", "--seconds", "--rx-ring", "--tx-mode", "--variants", "--measure");
        final String[] pair = Options.required(options, "--pair-namespaces").split(",");
        final KernelComparisonHarness harness = new KernelComparisonHarness(Options.required(options, "--jar"),
            Options.required(options, "--kernel-namespace"), pair[0], pair[1],
            Double.parseDouble(options.getOrDefault("--seconds", "2")));
        final AfPacketConfig link = AfPacketConfig.builder(options.getOrDefault("--iface", "ua"))
            .rxRing(AfPacketConfig.RxRingVersion.valueOf(options.getOrDefault("--rx-ring", "V2")))
            .txMode(AfPacketConfig.TxMode.valueOf(options.getOrDefault("--tx-mode", "RING_SENDTO"))).build();
        System.out.println("ustack link: " + link);
        harness.link = link;
        if (options.containsKey("--variants"))
        {
            harness.variants = UstackVariant.parseList(options.get("--variants"));
        }
        final String measure = options.getOrDefault("--measure", "all");
        if (!List.of("all", "throughput", "latency").contains(measure))
        {
            throw new IllegalArgumentException("--measure must be all, throughput or latency, not " + measure);
        }
        harness.throughput = !measure.equals("latency");
        harness.latency = !measure.equals("throughput");
        System.out.println("ustack variants: " + harness.variants);
        try
        {
            harness.run(Integer.parseInt(options.getOrDefault("--repeats", "5")));
        }
        finally
        {
            harness.stopAll();
        }
        harness.report();
    }

    private UstackSide ustack(final IdleStrategyKind idle) throws IOException
    {
        return new UstackSide(link, "198.18.0.1/24", idle, UstackVariant.base());
    }

    private void run(final int repeats) throws Exception
    {
        final BufferedReader kernelSink = start(kernelNs, "sink", Integer.toString(SINK_PORT));
        final BufferedReader kernelEcho = start(kernelNs, "echo", Integer.toString(ECHO_PORT));
        final BufferedReader pairSink = start(pairServerNs, "sink", Integer.toString(SINK_PORT));
        final BufferedReader pairEcho = start(pairServerNs, "echo", Integer.toString(ECHO_PORT));
        for (final BufferedReader ready : List.of(kernelSink, kernelEcho, pairSink, pairEcho))
        {
            expect(ready.readLine(), "listening");
        }
        final boolean iperf = iperfInstalled();
        if (iperf)
        {
            processes.add(new ProcessBuilder("ip", "netns", "exec", pairServerNs, "iperf3", "-s", "-p",
                Integer.toString(IPERF_PORT)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start());
        }
        // Warm-up (JIT, ARP, caches): one short transfer and some round trips, not recorded.
        try (UstackSide ustack = ustack(IdleStrategyKind.BUSY_SPIN))
        {
            ustack.sendFor("198.18.0.2", SINK_PORT, 1);
            sinkResult(kernelSink.readLine());
            ustack.pingPong("198.18.0.2", ECHO_PORT, ROUND_TRIPS / 4, 64);
        }
        if (throughput)
        {
            // Each variant's own code paths (a transmit mode, one thread) compiled before any is measured: without
            // this the JIT compiler took most of a CPU during the first measured second of a new variant.
            for (final UstackVariant variant : variants)
            {
                warmUp(variant, kernelSink);
            }
        }
        for (int repeat = 1; repeat <= repeats; repeat++)
        {
            if (throughput)
            {
                // The order rotates from repeat to repeat, so no variant always runs first (after the kernel's
                // measurements) or last.
                for (int i = 0; i < variants.size(); i++)
                {
                    measureUstackThroughput(variants.get((repeat - 1 + i) % variants.size()), kernelSink);
                }
                final Matcher source = SOURCE.matcher(lastLine(launch(pairClientNs, "source", "198.18.1.2",
                    Integer.toString(SINK_PORT), Double.toString(seconds))));
                final Matcher sink = sinkResult(pairSink.readLine());
                record("throughput Gbit/s", "kernel -> kernel", sinkGbps(sink));
                if (source.find())
                {
                    recordBothEndsCpu("kernel -> kernel", new long[] {0, 0, 0},
                        Long.parseLong(source.group(2)) + Long.parseLong(sink.group(3)), Long.parseLong(sink.group(1)));
                    recordEndCpu("sender CPU us/MiB", "kernel -> kernel", Long.parseLong(source.group(2)),
                        Long.parseLong(sink.group(1)));
                    recordEndCpu("receiver CPU us/MiB", "kernel -> kernel", Long.parseLong(sink.group(3)),
                        Long.parseLong(sink.group(1)));
                }
                if (iperf)
                {
                    record("throughput Gbit/s", "kernel -> kernel (iperf3)", iperfGbps());
                }
            }
            if (latency)
            {
                measureLatency();
            }
            System.out.printf(Locale.ROOT, "repeat %d/%d done%n", repeat, repeats);
        }
    }

    /** One unrecorded second each way with {@code variant}. */
    private void warmUp(final UstackVariant variant, final BufferedReader kernelSink) throws Exception
    {
        try (UstackSide ustack = new UstackSide(link, "198.18.0.1/24", variant.idle(), variant);
             TcpListener listener = ustack.listen(USTACK_PORT))
        {
            ustack.sendFor("198.18.0.2", SINK_PORT, 1);
            sinkResult(ustack.readLineWhilePolling(kernelSink));
            final Process source = launch(kernelNs, "source", "198.18.0.1", Integer.toString(USTACK_PORT), "1");
            ustack.receiveAll(listener);
            lastLine(source);
        }
    }

    private void measureUstackThroughput(final UstackVariant variant, final BufferedReader kernelSink)
        throws Exception
    {
        final String suffix = variant.label();
        try (UstackSide ustack = new UstackSide(link, "198.18.0.1/24", variant.idle(), variant);
             TcpListener listener = ustack.listen(USTACK_PORT))
        {
            final long sent = ustack.sendFor("198.18.0.2", SINK_PORT, seconds);
            final Matcher sink = sinkResult(ustack.readLineWhilePolling(kernelSink));
            record("throughput Gbit/s", "ustack -> kernel" + suffix, sinkGbps(sink));
            recordCpu("ustack -> kernel" + suffix, ustack.lastCpuNs(), sent);
            recordBothEndsCpu("ustack -> kernel" + suffix, ustack.lastCpuNs(), Long.parseLong(sink.group(3)),
                Long.parseLong(sink.group(1)));
            recordEndCpu("sender CPU us/MiB", "ustack -> kernel" + suffix, ustack.lastCpuNs()[0],
                Long.parseLong(sink.group(1)));
            recordEndCpu("receiver CPU us/MiB", "ustack -> kernel" + suffix, Long.parseLong(sink.group(3)),
                Long.parseLong(sink.group(1)));
            System.out.println("  ustack sender: " + ustack.lastConnectionInfo());

            final Process source = launch(kernelNs, "source", "198.18.0.1", Integer.toString(USTACK_PORT),
                Double.toString(seconds));
            final long[] received = ustack.receiveAll(listener);
            final Matcher sourceResult = SOURCE.matcher(lastLine(source));
            record("throughput Gbit/s", "kernel -> ustack" + suffix, received[0] * 8 / (double)received[1]);
            recordCpu("kernel -> ustack" + suffix, ustack.lastCpuNs(), received[0]);
            if (sourceResult.find())
            {
                recordBothEndsCpu("kernel -> ustack" + suffix, ustack.lastCpuNs(),
                    Long.parseLong(sourceResult.group(2)), received[0]);
                recordEndCpu("sender CPU us/MiB", "kernel -> ustack" + suffix, Long.parseLong(sourceResult.group(2)),
                    received[0]);
                recordEndCpu("receiver CPU us/MiB", "kernel -> ustack" + suffix, ustack.lastCpuNs()[0],
                    received[0]);
            }
            System.out.println("  ustack receiver: " + ustack.lastConnectionInfo());
        }
    }

    /** Stack-thread CPU per MiB moved: total (Java and the kernel inside our system calls) and user (Java). */
    private void recordCpu(final String variant, final long[] cpuNs, final long bytes)
    {
        if (cpuNs[0] >= 0 && bytes > 0)
        {
            record("stack CPU us/MiB total", variant, cpuNs[0] / 1e3 / (bytes / (double)(1 << 20)));
            record("stack CPU us/MiB user", variant, cpuNs[1] / 1e3 / (bytes / (double)(1 << 20)));
        }
    }

    /**
     * CPU per MiB of every thread that moved the bytes, at both ends: ustack's stack and application threads (or its
     * one run-to-completion thread) and the kernel peer's thread, or for kernel to kernel the sender's and the
     * receiver's threads. Each thread's time includes the kernel's work in its system calls, which on a veth is
     * most of the receiving end's work too (softirq processing in the sender's context). Unlike throughput, it does
     * not depend on how much of the shared CPUs the threads were given.
     */
    private void recordBothEndsCpu(final String variant, final long[] ustackCpuNs, final long kernelCpuNs,
        final long bytes)
    {
        if (ustackCpuNs[0] >= 0 && bytes > 0)
        {
            final long total = ustackCpuNs[0] + ustackCpuNs[2] + kernelCpuNs;
            record("both ends CPU us/MiB", variant, total / 1e3 / (bytes / (double)(1 << 20)));
        }
    }

    /**
     * CPU per MiB of one end's busiest thread: the kernel peer's thread, or ustack's stack thread (its one thread when
     * run to completion). On a veth the sending thread also runs the receiver's kernel processing in its system
     * calls, so it is the one a transfer's speed usually hangs on when the machine is busy.
     */
    private void recordEndCpu(final String metric, final String variant, final long cpuNs, final long bytes)
    {
        if (cpuNs >= 0 && bytes > 0)
        {
            record(metric, variant, cpuNs / 1e3 / (bytes / (double)(1 << 20)));
        }
    }

    private void measureLatency() throws Exception
    {
        try (UstackSide ustack = ustack(IdleStrategyKind.BUSY_SPIN))
        {
            final long[] ustackRtt = ustack.pingPong("198.18.0.2", ECHO_PORT, ROUND_TRIPS, 64);
            record("64 B round trip p50 us", "ustack (busy-poll) -> kernel echo", ustackRtt[0] / 1e3);
            record("64 B round trip p99 us", "ustack (busy-poll) -> kernel echo", ustackRtt[1] / 1e3);
        }
        try (UstackSide ustack = UstackSide.invoker(link, "198.18.0.1/24"))
        {
            final long[] ustackRtt = ustack.pingPongRunToCompletion("198.18.0.2", ECHO_PORT, ROUND_TRIPS, 64);
            record("64 B round trip p50 us", "ustack (1 thread, busy-poll) -> kernel echo", ustackRtt[0] / 1e3);
            record("64 B round trip p99 us", "ustack (1 thread, busy-poll) -> kernel echo", ustackRtt[1] / 1e3);
        }
        final double[] kernelRtt = kernelPingPong();
        record("64 B round trip p50 us", "kernel -> kernel echo", kernelRtt[0]);
        record("64 B round trip p99 us", "kernel -> kernel echo", kernelRtt[1]);
    }

    private double[] kernelPingPong() throws IOException, InterruptedException
    {
        final Process client = launch(pairClientNs, "pingpong", "198.18.1.2", Integer.toString(ECHO_PORT),
            Integer.toString(ROUND_TRIPS), "64");
        final String line = lastLine(client);
        final Matcher m = PING.matcher(line);
        if (!m.find())
        {
            throw new IOException("kernel pingpong printed no result: " + line);
        }
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    private double iperfGbps() throws IOException, InterruptedException
    {
        final Process client = new ProcessBuilder("ip", "netns", "exec", pairClientNs, "iperf3", "-c", "198.18.1.2",
            "-p", Integer.toString(IPERF_PORT), "-t", Long.toString(Math.max(1, Math.round(seconds))), "-f", "m")
            .redirectErrorStream(true).start();
        final String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        client.waitFor();
        final Matcher m = IPERF.matcher(output);
        if (!m.find())
        {
            throw new IOException("iperf3 printed no receiver line:\n" + output);
        }
        return Double.parseDouble(m.group(1)) / (m.group(2).equals("G") ? 1 : 1000);
    }

    private static Matcher sinkResult(final String line) throws IOException
    {
        final Matcher m = SINK.matcher(line == null ? "" : line);
        if (!m.find())
        {
            throw new IOException("kernel sink printed no result: " + line);
        }
        return m;
    }

    private static double sinkGbps(final Matcher sink)
    {
        return Long.parseLong(sink.group(1)) * 8 / Double.parseDouble(sink.group(2)) / 1e9;
    }

    private Process launch(final String namespace, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "java",
            "-XX:+UseParallelGC", "-Xmx128m", "-cp", jar, KernelPeer.class.getName()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(process);
        return process;
    }

    private BufferedReader start(final String namespace, final String... args) throws IOException
    {
        return new BufferedReader(new InputStreamReader(launch(namespace, args).getInputStream(),
            StandardCharsets.UTF_8));
    }

    private static String lastLine(final Process process) throws IOException, InterruptedException
    {
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor();
        return output.substring(output.lastIndexOf('\n') + 1);
    }

    private static void expect(final String line, final String expected) throws IOException
    {
        if (!expected.equals(line))
        {
            throw new IOException("kernel peer said " + line + ", expected " + expected);
        }
    }

    private static boolean iperfInstalled()
    {
        try
        {
            return new ProcessBuilder("iperf3", "--version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        }
        catch (final IOException | InterruptedException e)
        {
            return false;
        }
    }

    private void stopAll()
    {
        processes.forEach(Process::destroy);
    }

    private void record(final String metric, final String variant, final double value)
    {
        results.computeIfAbsent(metric + "|" + variant, k -> new ArrayList<>()).add(value);
        System.out.printf(Locale.ROOT, "%-24s %-36s %10.3f%n", metric, variant, value);
    }

    private void report()
    {
        System.out.println();
        System.out.println("| metric | variant | median | min | max | median ÷ kernel→kernel's " +
            "(stack CPU: ÷ reference variant's) |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        results.forEach((key, values) ->
        {
            final String[] parts = key.split("\\|");
            // Throughput, both ends' CPU and latency are compared with the kernel; stack CPU with the reference
            // (first) variant.
            final boolean vsKernel = parts[0].startsWith("throughput") || parts[0].startsWith("both ends") ||
                parts[0].startsWith("sender") || parts[0].startsWith("receiver");
            final String yardstick = parts[0] + "|" + (vsKernel ? "kernel -> kernel" :
                parts[0].startsWith("stack CPU") ? parts[1].replaceAll(" \\[.*]$", "") : "kernel -> kernel echo");
            final double median = median(values);
            final double ratio = median / median(results.getOrDefault(yardstick, List.of(Double.NaN)));
            System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %.2f |%n", parts[0], parts[1], median,
                values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), ratio);
        });
    }

    private static double median(final List<Double> values)
    {
        final double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        final int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
