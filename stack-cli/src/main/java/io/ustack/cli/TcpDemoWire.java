package io.ustack.cli;

import io.ustack.api.config.StackConfig;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.link.decorator.PcapWriter;
import io.ustack.link.decorator.PcapWriterEndpoint;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.runtime.ShutdownReport;
import io.ustack.runtime.Stack;
import io.ustack.tcp.TcpSettings;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The TCP part of {@code ustack demo} on a wire of its own: two fresh stacks (same threading mode, rings and idle
 * strategy as the rest of the demo) joined by an in-memory wire with the TCP part's impairment (a little loss and
 * reordering by default), a pcap of stack a's link with a short snap length, and the sender's cwnd/RTT series.
 * A wire of its own keeps the probe part's heavier impairment from turning a 1 GiB transfer into a long wait.
 */
final class TcpDemoWire
{
    private final PrintStream out;
    private final DemoCommand demo;
    private final TcpDemoOptions options;

    TcpDemoWire(final PrintStream out, final DemoCommand demo, final TcpDemoOptions options)
    {
        this.out = out;
        this.demo = demo;
        this.options = options;
    }

    /** Runs the transfer; true when every byte matched, both stacks shut down clean and the files were written. */
    boolean run() throws IOException, InterruptedException
    {
        final NanoClock clock = new SystemNanoClock();
        final Impairments impairments = Impairments.builder().seed(demo.seed).lossProbability(options.loss())
            .reorderProbability(options.reorder()).delayNs(TimeUnit.MICROSECONDS.toNanos(demo.delayUs)).build();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(impairments).build(), clock);
        final Path pcapPath = options.pcapPath();
        final PcapWriter pcap = pcapPath == null ? null : new PcapWriter(pcapPath,
            PcapWriter.epochClock(clock, System.currentTimeMillis() * 1_000_000L - clock.nanoTime()),
            PcapWriter.DEFAULT_FLUSH_INTERVAL_NS, e -> out.println("ustack demo: " + e.getMessage()),
            options.snapLength);
        final LinkEndpoint endpointA = pcap == null ? wire.endpointA() : new PcapWriterEndpoint(wire.endpointA(), pcap);
        final TcpSettings tcp = TcpSettings.builder().sendBufferBytes(demo.tcpBuffer)
            .receiveBufferBytes(demo.tcpBuffer).rtoEstimator(demo.tcpRto).build();
        final Stack a = Stack.builder(config("tcp-a")).iface(endpointA, IpDemo.ADDRESS_A + "/24").clock(clock)
            .tcp(tcp).build().start();
        final Stack b = Stack.builder(config("tcp-b")).iface(wire.endpointB(), IpDemo.ADDRESS_B + "/24").clock(clock)
            .tcp(tcp).build().start();
        out.printf("%nTCP part: two fresh stacks on a wire of their own: %s%n", impairments);
        final boolean intact;
        final ShutdownReport reportA;
        final ShutdownReport reportB;
        try
        {
            intact = new TcpDemo(out, a, b, clock).run(demo.tcpBytes, options.seriesPath(), options.sampleMs);
        }
        finally
        {
            reportA = a.shutdown(); // closes the pcap writer with the link
            reportB = b.shutdown();
        }
        out.printf("  wire a->b: %s%n  wire b->a: %s%n", wire.statisticsAToB(), wire.statisticsBToA());
        out.printf("  shutdown: tcp-a %s; tcp-b %s%n", reportA, reportB);
        boolean pcapWritten = true;
        if (pcap != null)
        {
            pcapWritten = !pcap.failed();
            out.printf("  pcap: %s (%,d frames, first %d bytes of each, %,d bytes)%s%n", pcapPath.toAbsolutePath(),
                pcap.framesCaptured(), pcap.snapLength(), Files.size(pcapPath),
                pcapWritten ? "" : " INCOMPLETE: writing failed");
        }
        return intact && pcapWritten && reportA.clean() && reportB.clean();
    }

    private StackConfig config(final String name)
    {
        return StackConfig.builder().name(name).threadingMode(demo.mode).ringKind(demo.ring).idleStrategy(demo.idle)
            .build();
    }
}
