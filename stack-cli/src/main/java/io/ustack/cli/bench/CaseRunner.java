package io.ustack.cli.bench;

import io.ustack.api.socket.TcpSocket;

import java.io.IOException;

/**
 * Runs one case on fresh stacks: a connection for the throughput windows, then a second one for the
 * request/response repeats, then shuts the stacks down. A failure (a timeout, a refused setting) ends the case with
 * its message; the run goes on with the next case.
 */
final class CaseRunner
{
    private final BenchSettings settings;

    CaseRunner(final BenchSettings settings)
    {
        this.settings = settings;
    }

    CaseResult run(final BenchCase benchCase)
    {
        final long startNs = System.nanoTime();
        TwoStacks stacks = null;
        try
        {
            stacks = TwoStacks.of(benchCase);
            final TcpSocket[] bulk = stacks.connect(5001, benchCase.nagle());
            final Throughput.Outcome throughput = new Throughput(stacks, settings.warmupNs(), settings.windowNs(),
                settings.repeats()).run(bulk[0], bulk[1]);
            closeAll(stacks, bulk);
            final TcpSocket[] rr = stacks.connect(5002, benchCase.nagle());
            final RequestResponse.Outcome latency = new RequestResponse(stacks, settings.rrWarmupMessages(),
                settings.rrMessages(), settings.repeats()).run(rr[0], rr[1]);
            closeAll(stacks, rr);
            final long retransmits = stacks.retransmits();
            final boolean clean = stacks.shutdown();
            final String reports = stacks.shutdownReports();
            final String drops = stacks.drops();
            stacks = null;
            return new CaseResult(benchCase, Estimate.of(throughput.mbitPerSecond()), Estimate.of(latency.p50Us()),
                Estimate.of(latency.p99Us()), retransmits, clean, reports, drops, (System.nanoTime() - startNs) / 1e9,
                null);
        }
        catch (final IOException | RuntimeException e)
        {
            return new CaseResult(benchCase, null, null, null, 0, false, null, null,
                (System.nanoTime() - startNs) / 1e9, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        finally
        {
            if (stacks != null)
            {
                stacks.shutdown();
            }
        }
    }

    private static void closeAll(final TwoStacks stacks, final TcpSocket[] sockets) throws IOException
    {
        stacks.withPoller(() ->
        {
            for (final TcpSocket socket : sockets)
            {
                socket.close();
            }
            return null;
        });
    }
}
