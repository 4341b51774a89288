package io.ustack.cli;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.RingKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.link.decorator.PcapWriter;
import io.ustack.link.decorator.PcapWriterEndpoint;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.runtime.ShutdownReport;
import io.ustack.runtime.Stack;
import io.ustack.runtime.probe.LinkProbeReflector;
import io.ustack.runtime.probe.LinkProbeSender;
import io.ustack.tcp.TcpSettings;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code ustack demo}: two stacks joined by an in-memory wire with a little loss, reordering and corruption; one
 * sends numbered probe frames, the other echoes them, and every echoed byte is checked. Prints progress, then
 * throughput, round-trip times, what the wire did, and both stacks' counters.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Two stacks over an in-memory wire under impairment: link probe echoes, then ARP, ping, UDP, DNS and a",
        "TCP transfer checked with SHA-256 on both ends,",
        "with every byte that arrives checked.",
        "Exits 0 when nothing corrupted reached an application and both stacks shut down clean."})
public final class DemoCommand implements Callable<Integer>
{
    @Option(names = "--frames", defaultValue = "200000", description = "Probe frames to send (default ${DEFAULT-VALUE}).")
    long frames;

    @Option(names = "--payload", defaultValue = "1000", description = "Bytes of probe body per frame, 20..1500 (default ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--window", defaultValue = "256", description = "Most probes in flight (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--loss", defaultValue = "0.5", description = "Percent of frames the wire loses, each way (default ${DEFAULT-VALUE}).")
    double lossPercent;

    @Option(names = "--reorder", defaultValue = "0.5", description = "Percent of frames held back and delivered late (default ${DEFAULT-VALUE}).")
    double reorderPercent;

    @Option(names = "--duplicate", defaultValue = "0.1", description = "Percent of frames delivered twice (default ${DEFAULT-VALUE}).")
    double duplicatePercent;

    @Option(names = "--corrupt", defaultValue = "0.1", description = "Percent of frames with a flipped bit, caught by the FCS (default ${DEFAULT-VALUE}).")
    double corruptPercent;

    @Option(names = "--delay-us", defaultValue = "20", description = "One-way wire delay in microseconds (default ${DEFAULT-VALUE}).")
    long delayUs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the wire's impairments (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--mode", defaultValue = "SHARED", description = "Threading mode: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ThreadingMode mode;

    @Option(names = "--ring", defaultValue = "DISRUPTOR", description = "Layer ring: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    RingKind ring;

    @Option(names = "--idle", defaultValue = "YIELDING", description = "What idle stack threads do: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    IdleStrategyKind idle;

    @Option(names = "--pcap", description = "Write what stack A sends and receives to this pcap file.")
    Path pcap;

    @Option(names = "--udp-datagrams", defaultValue = "2000", description = "UDP datagrams in the IP part (default ${DEFAULT-VALUE}).")
    int udpDatagrams;

    @Option(names = "--udp-bytes", defaultValue = "4000", description = "Bytes per UDP datagram, 4..65507 (default ${DEFAULT-VALUE}).")
    int udpBytes;

    @Option(names = "--tcp-bytes", defaultValue = "1073741824", description = "Bytes to send over TCP, a -> b, 0 to skip (default ${DEFAULT-VALUE}, 1 GiB).")
    long tcpBytes;

    @Option(names = "--tcp-buffer", defaultValue = "1048576", description = "TCP send and receive buffer bytes per connection (default ${DEFAULT-VALUE}).")
    int tcpBuffer;

    @Option(names = "--tcp-rto", defaultValue = "linux", description = "TCP RTO estimator: rfc6298 (1 s minimum), linux (200 ms), fixed (default ${DEFAULT-VALUE}).")
    String tcpRto;

    @Mixin
    TcpDemoOptions tcpOptions = new TcpDemoOptions();

    @Option(names = "--kernel-peer", description = "Instead: ustack against the Linux kernel in a private pair of "
        + "network namespaces (root), data both ways checked by SHA-256; the namespaces are removed at the end.")
    boolean kernelPeer;

    @Option(names = "--kernel-bytes", defaultValue = "67108864", description = "Bytes each way with --kernel-peer "
        + "(default ${DEFAULT-VALUE}).")
    long kernelBytes;

    /** AF_PACKET ring options of ustack's end with --kernel-peer (passed on to its serve and get). */
    @Mixin
    RingOptions ringOptions = new RingOptions();

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        if (kernelPeer)
        {
            ringOptions.applyTo(AfPacketConfig.builder(DemoNetwork.USTACK_END));
            return new KernelPeerDemo(System.out, kernelBytes, ringOptions.asArguments()).run();
        }
        if (!ringOptions.asArguments().isEmpty())
        {
            throw new IllegalArgumentException(String.join(" ", ringOptions.asArguments()) + ": AF_PACKET ring " +
                "options apply to --kernel-peer only (the in-memory demo has no interface)");
        }
        if (udpBytes < 4 || udpBytes > 65_507)
        {
            throw new IllegalArgumentException("--udp-bytes " + udpBytes + ": use 4 to 65507");
        }
        tcpOptions.validate();
        final PrintStream out = System.out;
        final NanoClock clock = new SystemNanoClock();
        final Impairments impairments = Impairments.builder()
            .seed(seed)
            .lossProbability(percent("--loss", lossPercent))
            .reorderProbability(percent("--reorder", reorderPercent))
            .duplicationProbability(percent("--duplicate", duplicatePercent))
            .corruptionProbability(percent("--corrupt", corruptPercent))
            .delayNs(TimeUnit.MICROSECONDS.toNanos(delayUs))
            .build();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(impairments).build(), clock);
        final LinkProbeSender sender = new LinkProbeSender(wire.config().macB(), frames, payload, window,
            TimeUnit.MILLISECONDS.toNanos(50));
        final LinkProbeReflector reflector = new LinkProbeReflector();
        final PcapWriter pcapWriter = pcap == null ? null :
            new PcapWriter(pcap, PcapWriter.epochClock(clock, System.currentTimeMillis() * 1_000_000L - clock.nanoTime()));
        final LinkEndpoint endpointA = pcapWriter == null ? wire.endpointA() :
            new PcapWriterEndpoint(wire.endpointA(), pcapWriter);

        final TcpSettings tcp = TcpSettings.builder().sendBufferBytes(tcpBuffer).receiveBufferBytes(tcpBuffer)
            .rtoEstimator(tcpRto).build();
        final Stack stackA = Stack.builder(config("a")).iface(endpointA, IpDemo.ADDRESS_A + "/24").clock(clock)
            .module(sender).tcp(tcp).build();
        final Stack stackB = Stack.builder(config("b")).iface(wire.endpointB(), IpDemo.ADDRESS_B + "/24").clock(clock)
            .module(reflector).tcp(tcp).build();
        out.printf("ustack demo: %,d probe frames of %d bytes, stack a -> stack b and back, %s mode, %s rings%n",
            frames, payload, mode, ring);
        out.printf("wire: %s%n%n", impairments);

        final long startNs = clock.nanoTime();
        stackA.start();
        stackB.start();
        final Progress progress = new Progress(out, frames);
        while (!sender.finished())
        {
            if (mode == ThreadingMode.INVOKER)
            {
                final long nowNs = clock.nanoTime();
                stackA.poll(nowNs);
                stackB.poll(nowNs);
            }
            else
            {
                sleepMs(20);
            }
            progress.show(sender.echoed(), clock.nanoTime() - startNs);
        }
        final long elapsedNs = clock.nanoTime() - startNs;
        progress.done();
        printSummary(out, sender, reflector, wire, elapsedNs);
        boolean ipIntact = true;
        if (mode == ThreadingMode.INVOKER)
        {
            out.printf("%n(the IP and TCP parts use blocking sockets, which need SHARED or DEDICATED mode: skipped)%n");
        }
        else
        {
            ipIntact = new IpDemo(out, stackA, stackB).run(udpDatagrams, udpBytes);
        }
        final ShutdownReport reportA = stackA.shutdown();
        final ShutdownReport reportB = stackB.shutdown();
        if (pcapWriter != null)
        {
            pcapWriter.close();
        }
        out.printf("%nstack a counters:%n%s", stackA.counters().describeNonZero());
        out.printf("stack b counters:%n%s", stackB.counters().describeNonZero());
        out.printf("%nshutdown: a %s; b %s%n", reportA, reportB);
        if (pcapWriter != null)
        {
            out.printf("pcap: %s (%,d frames)%n", pcap, pcapWriter.framesCaptured());
        }
        boolean ok = sender.corrupted() == 0 && ipIntact && reportA.clean() && reportB.clean();
        if (tcpBytes > 0 && mode != ThreadingMode.INVOKER)
        {
            ok &= new TcpDemoWire(out, this, tcpOptions).run();
        }
        out.println(ok ? "result: OK, every byte that arrived was intact" : "result: FAILED (see above)");
        return ok ? 0 : 1;
    }

    private StackConfig config(final String name)
    {
        return StackConfig.builder().name(name).threadingMode(mode).ringKind(ring).idleStrategy(idle).build();
    }

    private static double percent(final String option, final double value)
    {
        if (!(value >= 0 && value <= 100))
        {
            throw new IllegalArgumentException(option + " " + value + ": give a percentage from 0 to 100");
        }
        return value / 100.0;
    }

    private void printSummary(final PrintStream out, final LinkProbeSender sender, final LinkProbeReflector reflector,
        final InMemoryWire wire, final long elapsedNs)
    {
        final double seconds = elapsedNs / 1e9;
        final long lost = sender.sent() - sender.echoed();
        out.printf("%nprobes: %,d sent, %,d echoed intact, %,d lost (%.2f%%), %,d duplicate echoes, %,d corrupted%n",
            sender.sent(), sender.echoed(), lost, 100.0 * lost / Math.max(1, sender.sent()), sender.duplicates(),
            sender.corrupted());
        out.printf("reflector: %,d echoes sent%n", reflector.reflected());
        out.printf("time: %.2f s, %,.0f echoes/s, %.1f Mbit/s of probe payload each way%n", seconds,
            sender.echoed() / seconds, sender.echoed() * (double)payload * 8 / seconds / 1e6);
        out.printf("round trip: min %.1f us, mean %.1f us, max %.1f us%n", sender.minRttNs() / 1e3,
            sender.meanRttNs() / 1e3, sender.maxRttNs() / 1e3);
        out.printf("wire a->b: %s%nwire b->a: %s%n", wire.statisticsAToB(), wire.statisticsBToA());
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
