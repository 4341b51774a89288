package io.ustack.cli.bench;

import io.ustack.api.tcp.TcpPolicies;
import io.ustack.cli.NamespaceCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code ustack bench}: runs a matrix of end-to-end cases between two ustack stacks (over the in-memory wire, or
 * AF_PACKET or TAP in private network namespaces), the Linux kernel's TCP over a veth as a reference, then memory per
 * idle connection and garbage during a long transfer, and writes results.json, results.md and results.svg. Ctrl-C
 * writes what finished.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "End-to-end benchmarks between two ustack stacks in one JVM: one connection's " +
            "throughput and 64-byte request/response latency (p50/p99) per configuration, each with repeats, 95%% " +
            "error bars and its ratio to the baseline measured in the same run; then memory per idle connection, " +
            "and bytes allocated by the stack threads and GCs during a long transfer.",
        "",
        "Axes take comma-separated lists. The first value of each axis makes the baseline case; by default the " +
            "matrix varies one axis at a time from it (--matrix cross runs every combination).",
        "",
        "Writes results.json, results.md and results.svg to --out, and shows progress with an estimate of the " +
            "time left. Ctrl-C (or SIGTERM) writes what finished, marked incomplete.",
        "",
        "Links: memory (the in-memory wire), af_packet (each stack on one end of a veth pair between two private " +
            "network namespaces, offloads off), tap (a TAP interface per stack, bridged in a private namespace). " +
            "The real links and the kernel reference need root; without it those parts are skipped and the run " +
            "says so. The kernel reference is Linux's own TCP between two namespaces over a veth with offloads off " +
            "at the baseline's MTU, measured with the same windows and round trips; the tables give ustack over " +
            "the in-memory wire as a ratio to it. Namespaces are named ustack-bench-<pid>-... and removed at the " +
            "end and on Ctrl-C.",
        ""},
    footer = {"", "Examples:",
        "  ustack bench --quick                                  # under a minute",
        "  ustack bench --link memory,af_packet,tap --mode SHARED # as root",
        "  ustack bench --idle-connections 10000,100000 --idle-ring-bytes 8KiB \\",
        "               --mode SHARED --ring DISRUPTOR --garbage-bytes 0",
        "  ustack bench --mode SHARED,DEDICATED --ring DISRUPTOR,AGRONA --matrix cross",
        "  ustack bench --cc newreno,fixed --nagle on,off --ack delayed,immediate \\",
        "               --baseline ack=immediate"})
public final class BenchCommand implements Callable<Integer>
{
    @Option(names = "--quick", description = "A small matrix and short runs: SHARED/DEDICATED/INVOKER and AGRONA " +
        "against the default, 256 MiB garbage run, 1000 and 10000 idle connections within a 96 MiB budget; under " +
        "CI=true as root also one af_packet case.")
    boolean quick;

    @Option(names = "--mode", paramLabel = "LIST", description = "Threading modes: INVOKER, SHARED, DEDICATED " +
        "(default SHARED,DEDICATED,INVOKER).")
    String modes;

    @Option(names = "--ring", paramLabel = "LIST", description = "Layer rings: DISRUPTOR, AGRONA (default " +
        "DISRUPTOR,AGRONA).")
    String rings;

    @Option(names = "--idle", paramLabel = "LIST", description = "Idle strategies of stack threads: BACKOFF, " +
        "YIELDING, BUSY_SPIN, SLEEPING (default BACKOFF,YIELDING; --quick BACKOFF).")
    String idles;

    @Option(names = "--mtu", paramLabel = "LIST", description = "IP MTUs, 576..9000 (default 1500,9000; --quick 1500).")
    String mtus;

    @Option(names = "--cc", paramLabel = "LIST", description = "Congestion control by name, as installed " +
        "(TcpPolicies; default newreno,fixed; --quick newreno).")
    String ccs;

    @Option(names = "--nagle", paramLabel = "LIST", description = "Nagle's algorithm: on, off (default on,off; " +
        "--quick on).")
    String nagles;

    @Option(names = "--ack", paramLabel = "LIST", description = "ACK policy by name, as installed (default " +
        "delayed,immediate; --quick delayed).")
    String acks;

    @Option(names = "--link", paramLabel = "LIST", description = "Links between the stacks: memory, af_packet, tap " +
        "(default memory,af_packet,tap; --quick memory, plus af_packet under CI=true as root). af_packet and tap " +
        "need root: without it their cases are skipped, and listed as skipped.")
    String links;

    @Option(names = "--kernel-reference", paramLabel = "on|off", defaultValue = "on", description = "Measure the " +
        "Linux kernel's TCP between two network namespaces over a veth (offloads off) in the same run (needs " +
        "root; default ${DEFAULT-VALUE}).")
    String kernelReference;

    @Option(names = "--baseline", paramLabel = "AXIS=VALUE,...", description = "The baseline case, e.g. " +
        "mode=DEDICATED,mtu=9000: these values go first on their axes (default: first value of each axis).")
    String baseline;

    @Option(names = "--matrix", paramLabel = "SHAPE", defaultValue = "vary-one", description = "vary-one (baseline " +
        "plus one axis changed at a time) or cross (every combination) (default ${DEFAULT-VALUE}).")
    String matrix;

    @Option(names = "--warmup-ms", paramLabel = "MS", description = "Throughput warm-up (default 2000; --quick 500).")
    Integer warmupMs;

    @Option(names = "--window-ms", paramLabel = "MS", description = "One throughput sample (default 1000; " +
        "--quick 500).")
    Integer windowMs;

    @Option(names = "--repeats", paramLabel = "N", description = "Samples per figure (default 5; --quick 3).")
    Integer repeats;

    @Option(names = "--rr-messages", paramLabel = "N", description = "Round trips per latency sample (default " +
        "2000; --quick 300).")
    Integer rrMessages;

    @Option(names = "--idle-connections", paramLabel = "LIST", description = "Idle connection counts to measure " +
        "memory at, or none (default 10000,100000; --quick 1000,10000). Measured twice: with the stack's defaults " +
        "and with the small profile below.")
    String idleConnections;

    @Option(names = "--idle-ring-bytes", paramLabel = "SIZE", description = "Socket ring size of the small " +
        "idle-connection profile (Stack.Builder.tcpSocketRingBytes; default 4KiB).")
    String idleRingBytes;

    @Option(names = "--idle-buffer-bytes", paramLabel = "SIZE", description = "TCP send and receive buffer of the " +
        "small idle-connection profile (default 4KiB).")
    String idleBufferBytes;

    @Option(names = "--memory-budget-mib", paramLabel = "MIB", description = "Most memory the idle connections may " +
        "take before the run stops opening more (default 4096; --quick 96).")
    Integer memoryBudgetMib;

    @Option(names = "--garbage-bytes", paramLabel = "SIZE", description = "Bytes of the long transfer that counts " +
        "allocations and GCs, e.g. 10GiB, 256MiB, or 0 to skip (default 10GiB; --quick 256MiB).")
    String garbageBytes;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the results (default " +
        "bench-results/<UTC time>).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whether this process may build network namespaces; tests replace it to see the run without root. */
    BooleanSupplier root = NamespaceCommands::isRoot;

    @Override
    public Integer call()
    {
        final BenchMatrix matrixValues;
        final BenchSettings settings;
        try
        {
            matrixValues = matrix();
            settings = settings();
        }
        catch (final IllegalArgumentException e)
        {
            spec.commandLine().getErr().println("ustack bench: " + e.getMessage() + " (see ustack bench --help)");
            return 2;
        }
        final Path dir = out != null ? out : Path.of("bench-results", DateTimeFormatter.ofPattern(
            "yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC).format(Instant.now()));
        final List<BenchCase> all = matrixValues.cases(settings.shape());
        final boolean asRoot = root.getAsBoolean();
        final List<BenchCase> runnable = all.stream().filter(c -> asRoot || !c.link().needsRoot()).toList();
        if (runnable.isEmpty())
        {
            spec.commandLine().getErr().println("ustack bench: every case needs root (--link " + links + "): run " +
                "as root, or add memory to --link");
            return 2;
        }
        final List<String> skipped = new ArrayList<>();
        for (final BenchCase c : all)
        {
            if (!runnable.contains(c))
            {
                skipped.add(c.fullLabel() + ": link " + c.link().optionName() + " needs root (network namespaces, " +
                    "AF_PACKET, TAP)");
            }
        }
        if (settings.kernelReference() && !asRoot)
        {
            skipped.add("kernel reference (Linux TCP over a veth): needs root (network namespaces)");
        }
        return new BenchRun(System.out, asRoot ? settings : settings.withoutKernelReference(), runnable, skipped,
            dir).run();
    }

    private BenchMatrix matrix()
    {
        final TcpPolicies policies = TcpPolicies.installed();
        final String quickLinks = "true".equals(System.getenv("CI")) && root.getAsBoolean() ?
            "memory,af_packet" : "memory";
        final List<String> ccDefault = new ArrayList<>(List.of("newreno"));
        if (!quick && policies.congestionControlNames().contains("fixed"))
        {
            ccDefault.add("fixed");
        }
        BenchMatrix m = new BenchMatrix(
            ArgumentParsing.modes(or(modes, "SHARED,DEDICATED,INVOKER")),
            ArgumentParsing.rings(or(rings, "DISRUPTOR,AGRONA")),
            ArgumentParsing.idles(or(idles, quick ? "BACKOFF" : "BACKOFF,YIELDING")),
            ArgumentParsing.mtus(or(mtus, quick ? "1500" : "1500,9000")),
            ArgumentParsing.congestionControls(or(ccs, String.join(",", ccDefault)), policies),
            ArgumentParsing.nagles(or(nagles, quick ? "on" : "on,off")),
            ArgumentParsing.ackPolicies(or(acks, quick ? "delayed" : "delayed,immediate"), policies),
            ArgumentParsing.links(or(links, quick ? quickLinks : "memory,af_packet,tap")));
        if (baseline != null)
        {
            m = BaselineOption.apply(m, baseline, policies);
        }
        return m;
    }

    private BenchSettings settings()
    {
        final BenchMatrix.Shape shape = switch (matrix.toLowerCase(Locale.ROOT))
        {
            case "vary-one" -> BenchMatrix.Shape.VARY_ONE;
            case "cross" -> BenchMatrix.Shape.CROSS;
            default -> throw new IllegalArgumentException("--matrix " + matrix + ": use vary-one or cross");
        };
        final int warmup = ArgumentParsing.atLeast("--warmup-ms", or(warmupMs, quick ? 500 : 2000), 0);
        final int window = ArgumentParsing.atLeast("--window-ms", or(windowMs, quick ? 500 : 1000), 10);
        final int n = ArgumentParsing.atLeast("--repeats", or(repeats, quick ? 3 : 5), 1);
        final int messages = ArgumentParsing.atLeast("--rr-messages", or(rrMessages, quick ? 300 : 2000), 1);
        final int budgetMib = ArgumentParsing.atLeast("--memory-budget-mib", or(memoryBudgetMib, quick ? 96 : 4096),
            1);
        final long garbage = ArgumentParsing.bytes("--garbage-bytes", or(garbageBytes, quick ? "256MiB" : "10GiB"));
        if (garbage > 0 && garbage < (1 << 20))
        {
            throw new IllegalArgumentException("--garbage-bytes " + garbageBytes + ": use at least 1MiB, or 0 to skip");
        }
        final boolean kernel = ArgumentParsing.onOff("--kernel-reference", kernelReference);
        final long ringBytes = ArgumentParsing.bytes("--idle-ring-bytes", or(idleRingBytes, "4KiB"));
        if (ringBytes < 4096 || ringBytes > (64 << 20))
        {
            throw new IllegalArgumentException("--idle-ring-bytes " + idleRingBytes + ": use 4KiB to 64MiB");
        }
        final long bufferBytes = ArgumentParsing.bytes("--idle-buffer-bytes", or(idleBufferBytes, "4KiB"));
        if (bufferBytes < 1024 || bufferBytes > (64 << 20))
        {
            throw new IllegalArgumentException("--idle-buffer-bytes " + idleBufferBytes + ": use 1KiB to 64MiB");
        }
        return new BenchSettings(quick, shape, TimeUnit.MILLISECONDS.toNanos(warmup),
            TimeUnit.MILLISECONDS.toNanos(window), n, Math.max(50, messages / 4), messages,
            ArgumentParsing.idleTargets(or(idleConnections, quick ? "1000,10000" : "10000,100000")),
            (long)budgetMib << 20, garbage, kernel, (int)ringBytes, (int)bufferBytes);
    }

    private static <T> T or(final T value, final T otherwise)
    {
        return value != null ? value : otherwise;
    }
}
