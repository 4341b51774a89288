package io.ustack.cli.bench;

import java.util.ArrayList;
import java.util.List;

/** {@code results.md}: the machine, one row per case with error bars and ratios to the baseline, memory, garbage. */
final class MarkdownTables
{
    private MarkdownTables()
    {
    }

    static String render(final BenchReport report, final boolean complete)
    {
        final StringBuilder md = new StringBuilder();
        final MachineInfo m = report.machine;
        md.append("# ustack bench").append(report.settings.quick() ? " --quick" : "").append('\n').append('\n');
        if (!complete)
        {
            md.append("**Interrupted**: only the parts that finished are shown.\n\n");
        }
        md.append("| | |\n|---|---|\n");
        md.append("| started | ").append(report.startedAt).append(" |\n");
        md.append("| JDK | ").append(m.jdk()).append(" |\n");
        md.append("| CPU | ").append(m.cpu()).append(", ").append(m.cpus()).append(" available |\n");
        md.append("| kernel | ").append(m.kernel()).append(" |\n");
        md.append("| commit | `").append(m.gitCommit()).append("` |\n");
        final List<String> links = new ArrayList<>();
        for (final CaseResult r : report.cases)
        {
            final String link = r.benchCase().link().optionName() + ": " + r.benchCase().link().description();
            if (!links.contains(link))
            {
                links.add(link);
            }
        }
        md.append("| links | two ustack stacks in one JVM; ").append(String.join("; ", links)).append(" |\n");
        md.append(String.format("| method | throughput: one connection, %d ms warm-up, %d windows of %d ms; " +
                "latency: %d-byte request/response, %d warm-up + %d × %d round trips; ± is the 95%% confidence " +
                "interval of the mean over the repeats |%n%n", report.settings.warmupNs() / 1_000_000,
            report.settings.repeats(), report.settings.windowNs() / 1_000_000, RequestResponse.MESSAGE_BYTES,
            report.settings.rrWarmupMessages(), report.settings.repeats(), report.settings.rrMessages()));
        skipped(md, report);
        cases(md, report);
        kernel(md, report);
        idle(md, report);
        garbage(md, report);
        return md.toString();
    }

    private static void cases(final StringBuilder md, final BenchReport report)
    {
        final CaseResult base = report.baseline();
        if (base == null)
        {
            md.append("No case finished.\n\n");
            return;
        }
        md.append("Baseline: ").append(base.benchCase().fullLabel()).append(". Ratio: the case's figure over the " +
            "baseline's (throughput: above 1 is faster; RTT: below 1 is quicker), errors propagated.\n\n");
        md.append("| case | mode | ring | idle | MTU | cc | Nagle | ACK | link | throughput Mbit/s | ratio | " +
            "RTT p50 µs | ratio | RTT p99 µs | ratio | retransmits |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (final CaseResult r : report.cases)
        {
            md.append("| ").append(r.benchCase().labelAgainst(base.benchCase())).append(" | ");
            md.append(String.join(" | ", r.benchCase().values())).append(" | ");
            if (!r.ok())
            {
                md.append("failed: ").append(r.error().replace('|', '/')).append(" | | | | | | |\n");
                continue;
            }
            md.append(r.throughputMbps().format(0)).append(" | ")
                .append(ratio(r.throughputMbps(), base.ok() ? base.throughputMbps() : null)).append(" | ")
                .append(r.rttP50Us().format(1)).append(" | ")
                .append(ratio(r.rttP50Us(), base.ok() ? base.rttP50Us() : null)).append(" | ")
                .append(r.rttP99Us().format(1)).append(" | ")
                .append(ratio(r.rttP99Us(), base.ok() ? base.rttP99Us() : null)).append(" | ")
                .append(r.retransmits()).append(" |\n");
        }
        md.append('\n');
        for (final CaseResult r : report.cases)
        {
            if (r.ok() && (!r.drops().isEmpty() || !r.shutdownClean()))
            {
                md.append("- ").append(r.benchCase().labelAgainst(base.benchCase())).append(": ")
                    .append(r.drops().isEmpty() ? "" : "drops (a/b) " + r.drops() + "; ")
                    .append("shutdown ").append(r.shutdown()).append('\n');
            }
        }
        md.append('\n');
    }

    private static String ratio(final Estimate value, final Estimate base)
    {
        if (base == null)
        {
            return "";
        }
        final Estimate ratio = value.ratioTo(base);
        return ratio.format(Math.abs(ratio.mean()) >= 0.1 ? 2 : 4); // small ratios keep their significant digits
    }

    private static void skipped(final StringBuilder md, final BenchReport report)
    {
        if (report.skipped.isEmpty())
        {
            return;
        }
        md.append("**Skipped** (run as root to include them):\n\n");
        report.skipped.forEach(s -> md.append("- ").append(s).append('\n'));
        md.append('\n');
    }

    private static void kernel(final StringBuilder md, final BenchReport report)
    {
        final KernelReference.Outcome k = report.kernel;
        if (k == null)
        {
            if (report.kernelError != null)
            {
                md.append("Kernel reference: failed: ").append(report.kernelError).append("\n\n");
            }
            return;
        }
        md.append("## ustack against the Linux kernel (same run)\n\n");
        md.append(KernelReference.description(k.mtu())).append(", same warm-up, windows and round trips as the " +
            "cases above. Ratio: ustack over the kernel (throughput: above 1 is faster; RTT: below 1 is quicker).\n\n");
        md.append("| | throughput Mbit/s | RTT p50 µs | RTT p99 µs |\n|---|---|---|---|\n");
        md.append("| kernel-veth | ").append(k.throughputMbps().format(0)).append(" | ")
            .append(k.rttP50Us().format(1)).append(" | ").append(k.rttP99Us().format(1)).append(" |\n");
        final CaseResult u = report.kernelCounterpart();
        if (u == null)
        {
            md.append("\nNo in-memory SHARED case at MTU ").append(k.mtu()).append(" finished to compare with.\n\n");
            return;
        }
        md.append("| ustack in-memory (").append(u.benchCase().labelAgainst(report.baseline().benchCase()))
            .append(") | ").append(u.throughputMbps().format(0)).append(" | ").append(u.rttP50Us().format(1))
            .append(" | ").append(u.rttP99Us().format(1)).append(" |\n");
        md.append("| ustack in-memory / kernel-veth | ").append(ratio(u.throughputMbps(), k.throughputMbps()))
            .append(" | ").append(ratio(u.rttP50Us(), k.rttP50Us())).append(" | ")
            .append(ratio(u.rttP99Us(), k.rttP99Us())).append(" |\n\n");
    }

    private static void idle(final StringBuilder md, final BenchReport report)
    {
        if (report.idle == null)
        {
            if (report.idleError != null)
            {
                md.append("Idle connections: failed: ").append(report.idleError).append("\n\n");
            }
            return;
        }
        md.append("## Memory per idle connection\n\n");
        md.append("Heap used plus direct buffers used after full GCs, minus the same before the first connection; " +
            "both ends are in this JVM, so per end is half a connection. Stacks SHARED over the in-memory wire, " +
            "once per profile.\n\n");
        md.append("| profile | target | reached | heap B/end | off-heap B/end | total B/end | ends per GiB | " +
            "limited by |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (final IdleConnections.Result result : report.idle)
        {
            for (final IdleConnections.Step s : result.steps())
            {
                md.append(String.format("| %s | %,d | %,d | %,.0f | %,.0f | %,.0f | %,d | %s |%n",
                    result.profile().name(), s.target(), s.reached(), s.heapBytesPerEnd(), s.directBytesPerEnd(),
                    s.bytesPerEnd(), s.endsPerGiB(), s.limitedBy() == null ? "" : s.limitedBy()));
            }
        }
        md.append('\n');
        for (final IdleConnections.Result result : report.idle)
        {
            if (!result.steps().isEmpty())
            {
                md.append("- ").append(IdleConnections.accounting(result.profile(),
                    result.steps().get(result.steps().size() - 1))).append(".\n");
            }
        }
        md.append('\n');
    }

    private static void garbage(final StringBuilder md, final BenchReport report)
    {
        final GarbageRun.Outcome g = report.garbage;
        if (g == null)
        {
            if (report.garbageError != null)
            {
                md.append("Garbage run: failed: ").append(report.garbageError).append("\n\n");
            }
            return;
        }
        md.append("## Garbage during a long transfer\n\n");
        md.append(String.format("%,d bytes measured after warm-up (%s mode, %.1f s, %,.0f Mbit/s): the %d stack " +
                "threads allocated %,d bytes (%,.0f B/s); the two application threads %,d bytes; young GCs: %d " +
                "(all collectors: %d).%n%n", g.bytes(), g.mode(), g.seconds(), g.mbitPerSecond(), g.stackThreads(),
            g.stackAllocatedBytes(), g.stackBytesPerSecond(), g.appAllocatedBytes(), g.youngGcs(), g.allGcs()));
    }
}
