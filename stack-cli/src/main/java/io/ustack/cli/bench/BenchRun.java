package io.ustack.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code ustack bench} run: the cases in order, then idle connections, then the garbage run; progress before
 * and after each part (which, elapsed, estimate of the rest); the result files at the end, or from a shutdown hook
 * with what finished when the run is interrupted (Ctrl-C).
 */
final class BenchRun
{
    /** Assumed rate of the garbage run for the first time estimate, bytes per second. */
    private static final double PLANNED_GARBAGE_BYTES_PER_SECOND = 150e6;
    private static final double PLANNED_IDLE_SECONDS = 10;

    private final PrintStream out;
    private final BenchSettings settings;
    private final List<BenchCase> cases;
    private final Path dir;
    private final BenchReport report;
    private final AtomicBoolean written = new AtomicBoolean();
    private final long startNs = System.nanoTime();
    private double plannedDone;
    private final double plannedTotal;

    BenchRun(final PrintStream out, final BenchSettings settings, final List<BenchCase> cases,
        final List<String> skipped, final Path dir)
    {
        this.out = out;
        this.settings = settings;
        this.cases = cases;
        this.dir = dir;
        this.report = new BenchReport(MachineInfo.detect(), settings, Instant.now());
        this.report.plannedCases = cases.size();
        this.report.skipped.addAll(skipped);
        this.plannedTotal = cases.size() * settings.plannedCaseSeconds() + settings.plannedKernelSeconds() +
            plannedIdleSeconds() + plannedGarbageSeconds();
    }

    /** Runs everything; returns the exit status (0 when every part ran, 1 when one failed). */
    int run()
    {
        final MachineInfo m = report.machine;
        out.printf("ustack bench%s: %d cases (links: %s)%s, results to %s%n", settings.quick() ? " --quick" : "",
            cases.size(), String.join(", ", cases.stream().map(c -> c.link().optionName()).distinct().toList()),
            settings.kernelReference() ? " and the Linux kernel over a veth" : "", dir);
        out.printf("JDK %s, %s (%d CPUs), %s, commit %s%n", m.jdk(), m.cpu(), m.cpus(), m.kernel(), m.gitCommit());
        out.printf("baseline: %s%n%n", cases.get(0).fullLabel());
        if (!report.skipped.isEmpty())
        {
            out.printf("SKIPPED %d part(s) of the run, which need root (run as root to include them):%n",
                report.skipped.size());
            report.skipped.forEach(s -> out.println("  - " + s));
            out.println();
        }
        final Thread hook = new Thread(this::onInterrupt, "bench-results-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean allOk = true;
        try
        {
            final CaseRunner runner = new CaseRunner(settings);
            for (int i = 0; i < cases.size(); i++)
            {
                final BenchCase c = cases.get(i);
                progress(String.format("[case %d/%d] %s", i + 1, cases.size(), c.labelAgainst(cases.get(0))));
                final CaseResult result = runner.run(c);
                synchronized (report)
                {
                    report.cases.add(result);
                }
                plannedDone += settings.plannedCaseSeconds();
                allOk &= result.ok();
                out.println(result.ok() ? String.format("  throughput %s Mbit/s, RTT p50 %s µs, p99 %s µs%s",
                    result.throughputMbps().format(0), result.rttP50Us().format(1), result.rttP99Us().format(1),
                    result.shutdownClean() ? "" : " (stacks did not shut down clean)") :
                    "  FAILED: " + result.error());
            }
            allOk &= runKernelReference();
            allOk &= runIdle();
            allOk &= runGarbage();
            writeOnce(true);
        }
        finally
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // the hook is running or about to: it writes the results
            }
        }
        out.printf("%ndone in %s: %s, %s, %s%n", duration((System.nanoTime() - startNs) / 1e9),
            dir.resolve(BenchReport.JSON), dir.resolve(BenchReport.MARKDOWN), dir.resolve(BenchReport.SVG));
        return allOk ? 0 : 1;
    }

    private boolean runKernelReference()
    {
        if (!settings.kernelReference())
        {
            return true;
        }
        final int mtu = cases.get(0).mtu();
        progress("[kernel reference] " + KernelReference.description(mtu));
        try
        {
            final KernelReference.Outcome k = new KernelReference(settings).run(mtu);
            synchronized (report)
            {
                report.kernel = k;
            }
            out.printf("  throughput %s Mbit/s, RTT p50 %s µs, p99 %s µs%n", k.throughputMbps().format(0),
                k.rttP50Us().format(1), k.rttP99Us().format(1));
            return true;
        }
        catch (final IOException | RuntimeException e)
        {
            report.kernelError = e.toString();
            out.println("  FAILED: " + e);
            return false;
        }
        finally
        {
            plannedDone += settings.plannedKernelSeconds();
        }
    }

    private boolean runIdle()
    {
        if (settings.idleTargets().isEmpty())
        {
            return true;
        }
        progress("[idle connections] up to " + settings.idleTargets());
        try
        {
            final List<IdleConnections.Result> steps = new IdleConnections(settings, out).run();
            synchronized (report)
            {
                report.idle = steps;
            }
            return true;
        }
        catch (final IOException | RuntimeException e)
        {
            report.idleError = e.toString();
            out.println("  FAILED: " + e);
            return false;
        }
        finally
        {
            plannedDone += plannedIdleSeconds();
        }
    }

    private boolean runGarbage()
    {
        if (settings.garbageBytes() == 0)
        {
            return true;
        }
        progress(String.format("[garbage] %,d bytes over one connection", settings.garbageBytes()));
        try
        {
            final GarbageRun.Outcome g = new GarbageRun(settings).run(cases.get(0));
            synchronized (report)
            {
                report.garbage = g;
            }
            out.printf("  %,.0f Mbit/s; stack threads allocated %,d bytes (%,.0f B/s) over %,d bytes; young GCs %d%n",
                g.mbitPerSecond(), g.stackAllocatedBytes(), g.stackBytesPerSecond(), g.bytes(), g.youngGcs());
            return true;
        }
        catch (final IOException | RuntimeException e)
        {
            report.garbageError = e.toString();
            out.println("  FAILED: " + e);
            return false;
        }
        finally
        {
            plannedDone += plannedGarbageSeconds();
        }
    }

    private void progress(final String what)
    {
        final double elapsed = (System.nanoTime() - startNs) / 1e9;
        final double factor = plannedDone > 0 ? elapsed / plannedDone : 1;
        out.printf("%s   (elapsed %s, about %s left)%n", what, duration(elapsed),
            duration(Math.max(0, plannedTotal - plannedDone) * factor));
        out.flush();
    }

    void onInterrupt()
    {
        if (!written.get())
        {
            synchronized (report)
            {
                final boolean wrote = writeOnce(false);
                if (wrote)
                {
                    out.printf("%ninterrupted: wrote the %d finished cases%s to %s%n", report.cases.size(),
                        report.idle != null ? " and the idle-connection figures" : "", dir);
                    out.flush();
                }
            }
        }
    }

    /** Writes the files unless they were written already; true when this call wrote them. */
    private boolean writeOnce(final boolean complete)
    {
        synchronized (report)
        {
            if (!written.compareAndSet(false, true))
            {
                return false;
            }
            try
            {
                report.write(dir, complete);
                return true;
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("could not write the results to " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private double plannedIdleSeconds()
    {
        return settings.idleTargets().isEmpty() ? 0 : PLANNED_IDLE_SECONDS;
    }

    private double plannedGarbageSeconds()
    {
        return settings.garbageBytes() / PLANNED_GARBAGE_BYTES_PER_SECOND;
    }

    private static String duration(final double seconds)
    {
        final long s = Math.round(seconds);
        return s >= 60 ? String.format("%d:%02d min", s / 60, s % 60) : s + " s";
    }
}
