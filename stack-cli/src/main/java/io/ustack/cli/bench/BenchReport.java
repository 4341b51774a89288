package io.ustack.cli.bench;

import io.ustack.api.config.ThreadingMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run measured, and the three files it becomes: {@code results.json} (schema {@value #SCHEMA}),
 * {@code results.md} (tables) and {@code results.svg} (throughput and latency per case). Parts that did not run
 * (skipped, or cut short by Ctrl-C) are absent or null, and {@code complete} says whether the run finished.
 */
final class BenchReport
{
    static final String SCHEMA = "ustack-bench/2";
    static final String JSON = "results.json";
    static final String MARKDOWN = "results.md";
    static final String SVG = "results.svg";

    final MachineInfo machine;
    final BenchSettings settings;
    final Instant startedAt;
    final List<CaseResult> cases = new ArrayList<>();
    int plannedCases;
    List<IdleConnections.Result> idle;
    String idleError;
    /** Parts of the run left out, each with why (a real link or the kernel reference without root). */
    final List<String> skipped = new ArrayList<>();
    KernelReference.Outcome kernel;
    String kernelError;
    GarbageRun.Outcome garbage;
    String garbageError;

    BenchReport(final MachineInfo machine, final BenchSettings settings, final Instant startedAt)
    {
        this.machine = machine;
        this.settings = settings;
        this.startedAt = startedAt;
    }

    /** The baseline's result: the first case. */
    CaseResult baseline()
    {
        return cases.isEmpty() ? null : cases.get(0);
    }

    /**
     * The ustack case to compare with the kernel reference (issue 4): the first that finished over the in-memory
     * wire in SHARED mode at the kernel reference's MTU, or null.
     */
    CaseResult kernelCounterpart()
    {
        if (kernel == null)
        {
            return null;
        }
        for (final CaseResult result : cases)
        {
            final BenchCase c = result.benchCase();
            if (result.ok() && c.link() == LinkKind.MEMORY && c.mode() == ThreadingMode.SHARED &&
                c.mtu() == kernel.mtu())
            {
                return result;
            }
        }
        return null;
    }

    /** Writes the three files into {@code dir}; returns their paths. */
    List<Path> write(final Path dir, final boolean complete) throws IOException
    {
        Files.createDirectories(dir);
        final Path json = dir.resolve(JSON);
        final Path markdown = dir.resolve(MARKDOWN);
        final Path svg = dir.resolve(SVG);
        Files.writeString(json, JsonWriter.write(toJson(complete)), StandardCharsets.UTF_8);
        Files.writeString(markdown, MarkdownTables.render(this, complete), StandardCharsets.UTF_8);
        Files.writeString(svg, SvgPlot.render(cases), StandardCharsets.UTF_8);
        return List.of(json, markdown, svg);
    }

    Map<String, Object> toJson(final boolean complete)
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", SCHEMA);
        root.put("complete", complete);
        root.put("startedAt", startedAt.toString());
        root.put("writtenAt", Instant.now().toString());
        root.put("machine", machineJson());
        root.put("settings", settingsJson());
        root.put("plannedCases", plannedCases);
        final CaseResult base = baseline();
        root.put("baseline", base == null ? null : base.benchCase().fullLabel());
        final List<Object> caseList = new ArrayList<>();
        for (final CaseResult result : cases)
        {
            caseList.add(caseJson(result, base));
        }
        root.put("cases", caseList);
        root.put("skipped", skipped);
        root.put("kernelReference", kernelJson());
        root.put("idleConnections", idleJson());
        root.put("garbage", garbageJson());
        return root;
    }

    private Map<String, Object> machineJson()
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("jdk", machine.jdk());
        m.put("cpu", machine.cpu());
        m.put("cpus", machine.cpus());
        m.put("kernel", machine.kernel());
        m.put("gitCommit", machine.gitCommit());
        m.put("maxHeapBytes", machine.maxHeapBytes());
        return m;
    }

    private Map<String, Object> settingsJson()
    {
        final Map<String, Object> s = new LinkedHashMap<>();
        s.put("quick", settings.quick());
        s.put("matrix", settings.shape().name());
        final List<String> links = new ArrayList<>();
        for (final CaseResult result : cases)
        {
            final String link = result.benchCase().link().optionName() + ": " +
                result.benchCase().link().description();
            if (!links.contains(link))
            {
                links.add(link);
            }
        }
        s.put("links", links);
        s.put("kernelReference", settings.kernelReference());
        s.put("warmupMs", settings.warmupNs() / 1_000_000);
        s.put("windowMs", settings.windowNs() / 1_000_000);
        s.put("repeats", settings.repeats());
        s.put("rrWarmupMessages", settings.rrWarmupMessages());
        s.put("rrMessages", settings.rrMessages());
        s.put("rrMessageBytes", RequestResponse.MESSAGE_BYTES);
        s.put("tcpBufferBytes", BenchCase.TCP_BUFFER_BYTES);
        s.put("errorBars", "95% confidence interval of the mean over the repeats (Student t)");
        s.put("idleTargets", settings.idleTargets());
        s.put("memoryBudgetBytes", settings.memoryBudgetBytes());
        s.put("garbageBytes", settings.garbageBytes());
        return s;
    }

    private static Map<String, Object> caseJson(final CaseResult result, final CaseResult base)
    {
        final Map<String, Object> c = new LinkedHashMap<>();
        c.put("label", base == null ? "baseline" : result.benchCase().labelAgainst(base.benchCase()));
        c.put("config", result.benchCase().axes());
        c.put("ok", result.ok());
        c.put("error", result.error());
        c.put("seconds", result.seconds());
        if (result.ok())
        {
            c.put("throughputMbps", estimateJson(result.throughputMbps()));
            c.put("rttP50Us", estimateJson(result.rttP50Us()));
            c.put("rttP99Us", estimateJson(result.rttP99Us()));
            c.put("retransmits", result.retransmits());
            c.put("shutdownClean", result.shutdownClean());
            c.put("shutdown", result.shutdown());
            c.put("drops", result.drops());
            if (base != null && base.ok())
            {
                final Map<String, Object> ratio = new LinkedHashMap<>();
                ratio.put("throughput", ratioJson(result.throughputMbps().ratioTo(base.throughputMbps())));
                ratio.put("rttP50", ratioJson(result.rttP50Us().ratioTo(base.rttP50Us())));
                ratio.put("rttP99", ratioJson(result.rttP99Us().ratioTo(base.rttP99Us())));
                c.put("ratioToBaseline", ratio);
            }
        }
        return c;
    }

    private static Map<String, Object> estimateJson(final Estimate e)
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", e.mean());
        m.put("error", e.error());
        m.put("n", e.n());
        m.put("samples", e.samples());
        return m;
    }

    private static Map<String, Object> ratioJson(final Estimate e)
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", e.mean());
        m.put("error", e.error());
        return m;
    }

    private Object kernelJson()
    {
        if (kernel == null)
        {
            return kernelError == null ? null : Map.of("error", kernelError);
        }
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", KernelReference.description(kernel.mtu()));
        m.put("mtu", kernel.mtu());
        m.put("seconds", kernel.seconds());
        m.put("throughputMbps", estimateJson(kernel.throughputMbps()));
        m.put("rttP50Us", estimateJson(kernel.rttP50Us()));
        m.put("rttP99Us", estimateJson(kernel.rttP99Us()));
        final CaseResult ustack = kernelCounterpart();
        if (ustack != null)
        {
            final Map<String, Object> ratio = new LinkedHashMap<>();
            ratio.put("ustackCase", ustack.benchCase().fullLabel());
            ratio.put("throughput", ratioJson(ustack.throughputMbps().ratioTo(kernel.throughputMbps())));
            ratio.put("rttP50", ratioJson(ustack.rttP50Us().ratioTo(kernel.rttP50Us())));
            ratio.put("rttP99", ratioJson(ustack.rttP99Us().ratioTo(kernel.rttP99Us())));
            m.put("ustackOverKernel", ratio);
        }
        return m;
    }

    private Object idleJson()
    {
        if (idle == null)
        {
            return idleError == null ? null : Map.of("error", idleError);
        }
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", "heap used (MemoryMXBean) + direct buffers used (BufferPoolMXBean 'direct') after 3 full " +
            "GCs, minus the same before the first connection; both ends in one JVM, per end = half; stacks SHARED, " +
            "in-memory wire; once per profile");
        final List<Object> profiles = new ArrayList<>();
        for (final IdleConnections.Result result : idle)
        {
            profiles.add(profileJson(result));
        }
        m.put("profiles", profiles);
        return m;
    }

    private static Map<String, Object> profileJson(final IdleConnections.Result result)
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        final IdleConnections.Profile profile = result.profile();
        m.put("name", profile.name());
        m.put("socketRingBytes", profile.socketRingBytes());
        m.put("sendBufferBytes", profile.sendBufferBytes());
        m.put("receiveBufferBytes", profile.receiveBufferBytes());
        final List<Object> steps = new ArrayList<>();
        for (final IdleConnections.Step step : result.steps())
        {
            final Map<String, Object> s = new LinkedHashMap<>();
            s.put("target", step.target());
            s.put("reached", step.reached());
            s.put("heapBytesPerEnd", step.heapBytesPerEnd());
            s.put("directBytesPerEnd", step.directBytesPerEnd());
            s.put("bytesPerEnd", step.bytesPerEnd());
            s.put("endsPerGiB", step.endsPerGiB());
            s.put("limitedBy", step.limitedBy());
            steps.add(s);
        }
        m.put("steps", steps);
        m.put("expectedDirectBytesPerEnd", profile.expectedDirectBytesPerEnd());
        m.put("accounting", result.steps().isEmpty() ? null : IdleConnections.accounting(profile,
            result.steps().get(result.steps().size() - 1)));
        return m;
    }

    private Object garbageJson()
    {
        if (garbage == null)
        {
            return garbageError == null ? null : Map.of("error", garbageError);
        }
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", garbage.mode());
        m.put("measuredBytes", garbage.bytes());
        m.put("seconds", garbage.seconds());
        m.put("throughputMbps", garbage.mbitPerSecond());
        m.put("stackThreads", garbage.stackThreads());
        m.put("stackAllocatedBytes", garbage.stackAllocatedBytes());
        m.put("stackAllocationBytesPerSecond", garbage.stackBytesPerSecond());
        m.put("appAllocatedBytes", garbage.appAllocatedBytes());
        m.put("youngGcCount", garbage.youngGcs());
        m.put("gcCount", garbage.allGcs());
        return m;
    }
}
