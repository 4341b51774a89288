package io.ustack.bench.driver;

import io.ustack.link.packet.AfPacketConfig;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Raw frame rate of the AF_PACKET driver, in and out, at several frame sizes, against pcap4j + libpcap on the same
 * veth pair (issue 5). Run inside the namespace that holds the measured interface (run-driver.sh sets it up):
 * <pre>
 * ip netns exec NS_A java -cp benchmarks.jar io.ustack.bench.driver.FrameRateHarness \
 *     --iface ua --peer-namespace NS_B --peer-iface ub [--seconds 2] [--repeats 5] [--sizes 64,1514] \
 *     [--generators 1] [--directions in,drain,out] [--sinks drop,kernel,dummy] [--variants SUBSTRING,...] \
 *     [--dummy-iface usink0] [--tx-ring-frames 256] [--send-batch 256]
 * </pre>
 * <ul>
 * <li>in: {@link FrameGenerator} threads in the peer namespace flood the measured interface; the driver under test
 *     takes what it can. Reports received/s, the generator's offered/s and the share received.</li>
 * <li>drain: the receiver's own limit, independent of the generator's speed. With the driver under test open but
 *     not reading, the generator puts a counted burst into its receive ring; then the driver drains it and the drain
 *     is timed (every frame of the burst must arrive, else the sample is refused).</li>
 * <li>out: the driver under test sends as fast as it can; delivered frames are counted at the receiving end (the
 *     peer's {@code rx_packets}, read in its namespace, {@link PeerCounters}), not by the sender. Sink {@code drop}:
 *     the peer drops every frame at its first ingress hook ({@link DropSink}); sink {@code kernel}: frames to a MAC
 *     nobody owns with an EtherType nobody handles walk the peer's receive path until it finds no handler.
 *     Both measure the driver plus the kernel's veth path, which runs in the sender's system call. Sink
 *     {@code dummy}: the driver sends on a {@link DummySink} in its own namespace instead, an interface whose
 *     transmit frees each frame, so what is measured is the driver and the kernel's AF_PACKET send path alone;
 *     frames are counted by the dummy's own counter.</li>
 * </ul>
 * Every repeat measures every variant once, in turn, so load from other processes spreads over all of them; the
 * report gives the median and the range per variant and each ustack variant's ratio to pcap4j.
 */
public final class FrameRateHarness
{
    private static final long NOBODY_MAC = 0x0200_0000_0002L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int BATCH = 256;
    /**
     * Frames per drain burst: fits every receiver's ring whole (ustack 16384 slots; libpcap's 32 MiB buffer, where
     * 4 MiB held about 2000 frames of snaplen 2048 in a trial run, so about 16000).
     */
    private static final int BURST = 6_000;
    private static final int DRAINS_PER_SAMPLE = 5;
    private static final List<String> RECEIVERS = List.of("ustack rx V2", "ustack rx V3", "pcap4j",
        "pcap4j dispatch");

    private final String iface;
    private final String peerNamespace;
    private final String peerIface;
    private final String dummyIface;
    /**
     * Ring frames of the ustack senders (TX ring, or sendmmsg staging slots; the unused RX ring is as large). 256
     * (512 KiB) by default: the sender writes every frame into its slot, and a ring that stays in the CPU's cache
     * sent 1514-byte frames into the dummy sink 40-60% faster per CPU-second (medians) than a 4096-frame (8 MiB)
     * one, where every slot written was a cache miss (2026-11-26-frames-txring.txt); 64-byte frames, and frames
     * into the veth sinks, showed no difference beyond the noise.
     */
    private final int txRingFrames;
    /** Frames per {@link FrameDriver#send} call in "out": one kick of the TX ring (ustack) or send calls (pcap4j). */
    private final int sendBatch;
    private final double seconds;
    private final int generators;
    private final List<String> variantFilter;
    private final Map<String, List<Double>> results = new LinkedHashMap<>();

    private FrameRateHarness(final Map<String, String> options)
    {
        this.iface = options.getOrDefault("--iface", "ua");
        this.peerNamespace = Options.required(options, "--peer-namespace");
        this.peerIface = options.getOrDefault("--peer-iface", "ub");
        this.dummyIface = options.getOrDefault("--dummy-iface", "usink0");
        this.txRingFrames = Integer.parseInt(options.getOrDefault("--tx-ring-frames", "256"));
        this.sendBatch = Integer.parseInt(options.getOrDefault("--send-batch", Integer.toString(BATCH)));
        if (txRingFrames < 32 || txRingFrames % 32 != 0 || sendBatch < 1)
        {
            throw new IllegalArgumentException("--tx-ring-frames must be a multiple of 32 (a 64 KiB block of " +
                "2048-byte frames) and --send-batch at least 1");
        }
        this.seconds = Double.parseDouble(options.getOrDefault("--seconds", "2"));
        this.generators = Integer.parseInt(options.getOrDefault("--generators", "1"));
        this.variantFilter = options.containsKey("--variants") ?
            List.of(options.get("--variants").split(",")) : List.of();
        if (generators < 1 || seconds <= 0)
        {
            throw new IllegalArgumentException("--generators must be at least 1 and --seconds above 0");
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> options = Options.parse(args, "--iface", "--peer-namespace", "--peer-iface",
            "--seconds", "--repeats", "--sizes", "--generators", "--directions", "--sinks", "--variants",
            "--dummy-iface", "--tx-ring-frames", "--send-batch");
        final FrameRateHarness harness = new FrameRateHarness(options);
        final int repeats = Integer.parseInt(options.getOrDefault("--repeats", "5"));
        final int[] sizes = Arrays.stream(options.getOrDefault("--sizes", "64,1514").split(","))
            .mapToInt(Integer::parseInt).toArray();
        final Set<String> directions = Set.of(options.getOrDefault("--directions", "in,drain,out").split(","));
        final List<String> sinks = List.of(options.getOrDefault("--sinks", "drop,kernel,dummy").split(","));
        for (int repeat = 1; repeat <= repeats; repeat++)
        {
            for (final int size : sizes)
            {
                if (directions.contains("in"))
                {
                    harness.measureIn(size);
                }
                if (directions.contains("drain"))
                {
                    harness.measureDrain(size);
                }
                if (directions.contains("out"))
                {
                    for (final String sink : sinks)
                    {
                        harness.measureOut(size, sink);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "repeat %d/%d done%n", repeat, repeats);
        }
        harness.report(sizes);
    }

    private boolean wanted(final String variant)
    {
        return variantFilter.isEmpty() || variantFilter.stream().anyMatch(variant::contains);
    }

    private AfPacketConfig.Builder ustack(final String sendIface, final AfPacketConfig.RxRingVersion rx,
        final AfPacketConfig.TxMode tx)
    {
        return AfPacketConfig.builder(sendIface).rxRing(rx).txMode(tx).frameCount(txRingFrames);
    }

    /**
     * The receivers under test, by name: both ustack receive rings, pcap4j frame by frame and in batches; ring
     * room for {@code ringFrames} frames of 2048 bytes (4096: 8 MiB; ustack's default ring is 1024).
     */
    private FrameDriver receiver(final String variant, final int ringFrames) throws Exception
    {
        return switch (variant)
        {
            case "ustack rx V2", "ustack rx V3" -> new UstackDriver(AfPacketConfig.builder(iface)
                .rxRing(AfPacketConfig.RxRingVersion.valueOf(variant.substring(10)))
                .txMode(AfPacketConfig.TxMode.SENDMMSG).frameCount(ringFrames).build());
            case "pcap4j" -> new Pcap4jDriver(iface, false, ringFrames * 2048);
            case "pcap4j dispatch" -> new Pcap4jDriver(iface, true, ringFrames * 2048);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    private void measureIn(final int size) throws Exception
    {
        final long mac = interfaceMac(iface);
        for (final String variant : RECEIVERS)
        {
            if (!wanted(variant))
            {
                continue;
            }
            try (FrameDriver driver = receiver(variant, 4096);
                 FrameGenerator generator = new FrameGenerator(peerNamespace, peerIface, generators, mac, size))
            {
                generator.start();
                drain(driver, (long)(0.5e9));
                final long offeredBefore = generator.offered();
                final long start = System.nanoTime();
                final long received = drain(driver, (long)(seconds * 1e9));
                final double elapsed = (System.nanoTime() - start) / 1e9;
                final long offered = generator.offered() - offeredBefore;
                record("in", size, variant, received / elapsed);
                record("offered", size, "generator x" + generators + " (during in)", offered / elapsed);
                // The generator's rate varies with the machine's load; the share of it received much less so.
                record("in % of offered", size, variant, 100.0 * received / Math.max(1, offered));
                if (driver instanceof Pcap4jDriver pcap)
                {
                    System.out.println("  " + pcap.stats());
                }
            }
        }
    }

    /** Times draining a burst that was queued in the receiver's ring while it did not read. */
    private void measureDrain(final int size) throws Exception
    {
        final long mac = interfaceMac(iface);
        for (final String variant : RECEIVERS)
        {
            if (!wanted(variant))
            {
                continue;
            }
            try (FrameDriver driver = receiver(variant, 16_384);
                 FrameGenerator generator = new FrameGenerator(peerNamespace, peerIface, 1, mac, size))
            {
                // A drain takes well under a time slice, so one preemption by another process spoils it: the sample
                // is the median of several bursts.
                final List<Double> bursts = new ArrayList<>();
                for (int burst = 0; burst < DRAINS_PER_SAMPLE; burst++)
                {
                    final double rate = drainBurst(driver, generator);
                    if (rate < 0)
                    {
                        System.out.printf(Locale.ROOT, "drain %5d B  %-28s got %d of %d frames: burst refused%n",
                            size, variant, (long)-rate, BURST);
                        continue;
                    }
                    bursts.add(rate);
                }
                if (!bursts.isEmpty())
                {
                    record("drain", size, variant, Stats.median(bursts));
                }
            }
        }
    }

    /** Frames per second of one drain, or minus the frames received when the burst did not arrive whole. */
    private static double drainBurst(final FrameDriver driver, final FrameGenerator generator) throws Exception
    {
        drainUntilQuiet(driver);
        generator.sendExactly(BURST);
        // Let the last V3 block (ustack) time out and retire, so all of the burst is visible.
        Thread.sleep(50);
        final long start = System.nanoTime();
        long received = 0;
        final long giveUp = start + 10_000_000_000L;
        while (received < BURST && System.nanoTime() - giveUp < 0)
        {
            received += driver.receive(BATCH);
        }
        final double elapsed = (System.nanoTime() - start) / 1e9;
        // A stray frame of the peer kernel's own (IPv6 neighbour discovery, say) may come along: at most a few.
        return received >= BURST ? received / elapsed : -Math.max(1, received);
    }

    /** Receives until nothing has arrived for 20 ms: leftovers of an earlier burst must not count in this one. */
    private static void drainUntilQuiet(final FrameDriver driver)
    {
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < 20_000_000L)
        {
            if (driver.receive(BATCH) > 0)
            {
                quietSince = System.nanoTime();
            }
        }
    }

    private static long drain(final FrameDriver driver, final long durationNs)
    {
        final long end = System.nanoTime() + durationNs;
        long received = 0;
        while (System.nanoTime() - end < 0)
        {
            received += driver.receive(BATCH);
        }
        return received;
    }

    private void measureOut(final int size, final String sink) throws Exception
    {
        final List<String> variants = new ArrayList<>();
        for (final String variant : List.of("ustack tx ring V2 + sendto", "ustack tx ring V3 + sendto",
            "ustack tx ring V2 copy", "ustack sendmmsg", "pcap4j"))
        {
            if (wanted(variant))
            {
                variants.add(variant);
            }
        }
        if (sink.equals("dummy"))
        {
            measureOutDummy(size, variants);
            return;
        }
        if (!sink.equals("drop") && !sink.equals("kernel"))
        {
            throw new IllegalArgumentException("unknown sink " + sink + " (--sinks takes drop, kernel, dummy)");
        }
        final DropSink dropSink = sink.equals("drop") ? DropSink.install(peerNamespace, peerIface) : null;
        try (PeerCounters peer = new PeerCounters(peerNamespace, peerIface))
        {
            for (final String variant : variants)
            {
                try (FrameDriver driver = sender(variant, iface))
                {
                    sendFlat(driver, size, variant, sink, iface, () -> peer.read().rxPackets(), () ->
                    {
                        final PeerCounters.Reading reading = peer.read();
                        return String.format(Locale.ROOT, "peer rx_packets %,d, rx_dropped %,d",
                            reading.rxPackets(), reading.rxDropped());
                    });
                }
            }
        }
        finally
        {
            if (dropSink != null)
            {
                dropSink.close();
            }
        }
    }

    /**
     * "out" into a {@link DummySink}: the same senders on an interface whose transmit function frees each frame, so
     * no receive path runs behind them. Delivered frames are those its transmit function counted.
     */
    private void measureOutDummy(final int size, final List<String> variants) throws Exception
    {
        try (DummySink dummy = DummySink.create(dummyIface))
        {
            for (final String variant : variants)
            {
                try (FrameDriver driver = sender(variant, dummy.name()))
                {
                    sendFlat(driver, size, variant, "dummy", dummy.name(), dummy::taken,
                        () -> String.format(Locale.ROOT, "%s (%s) taken %,d, dropped %,d", dummy.name(), dummy.kind(),
                            dummy.taken(), dummy.dropped()));
                }
            }
        }
    }

    private FrameDriver sender(final String variant, final String sendIface) throws Exception
    {
        return switch (variant)
        {
            case "ustack tx ring V2 + sendto" -> new UstackDriver(ustack(sendIface, AfPacketConfig.RxRingVersion.V2,
                AfPacketConfig.TxMode.RING_SENDTO).build());
            case "ustack tx ring V3 + sendto" -> new UstackDriver(ustack(sendIface, AfPacketConfig.RxRingVersion.V3,
                AfPacketConfig.TxMode.RING_SENDTO).build());
            case "ustack tx ring V2 copy" -> new UstackDriver(ustack(sendIface, AfPacketConfig.RxRingVersion.V2,
                AfPacketConfig.TxMode.RING_COPY).build());
            case "ustack sendmmsg" -> new UstackDriver(ustack(sendIface, AfPacketConfig.RxRingVersion.V2,
                AfPacketConfig.TxMode.SENDMMSG).build());
            case "pcap4j" -> new Pcap4jDriver(sendIface, false);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    /** A counter read at the receiving end: the peer's rx_packets, or the frames a dummy's transmit took. */
    @FunctionalInterface
    private interface DeliveredCounter
    {
        long read() throws IOException;
    }

    /** The receiving end's counters, as one line for the log. */
    @FunctionalInterface
    private interface CounterDescription
    {
        String describe() throws IOException;
    }

    /**
     * Records the frames per second the receiving end counted while the driver sent as fast as it could, and the
     * frames per second of the sending thread's own CPU time: the kernel runs the veth peer's receive path in the
     * sender's context (this kernel has no IRQ time accounting, so that softirq time is charged to the sender), so
     * frames per CPU-second is the cost of one frame through driver and kernel, whatever share of the CPUs other
     * processes leave. Also prints what the sender claimed and the receiving end's counters, so a gap shows.
     */
    private void sendFlat(final FrameDriver driver, final int size, final String variant, final String sink,
        final String sendIface, final DeliveredCounter delivered, final CounterDescription receiving)
        throws IOException
    {
        final UnsafeBuffer frame = FrameGenerator.frame(NOBODY_MAC, interfaceMac(sendIface), size);
        send(driver, frame, size, (long)(0.5e9));
        final long deliveredBefore = delivered.read();
        final long txDroppedBefore = counter(sendIface, "tx_dropped");
        final long cpuBefore = THREADS.getCurrentThreadCpuTime();
        final long start = System.nanoTime();
        final long claimed = send(driver, frame, size, (long)(seconds * 1e9));
        final double elapsed = (System.nanoTime() - start) / 1e9;
        final double cpu = (THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
        final long frames = delivered.read() - deliveredBefore;
        System.out.printf(Locale.ROOT, "  %s: sender claimed %,d, delivered +%,d (now %s), %s tx_dropped +%,d; " +
            "sender thread on CPU %.0f%% of the time%n", variant, claimed, frames, receiving.describe(), sendIface,
            counter(sendIface, "tx_dropped") - txDroppedBefore, 100 * cpu / elapsed);
        record("out (sink " + sink + ")", size, variant, frames / elapsed);
        record("out per CPU-s (sink " + sink + ")", size, variant, frames / cpu);
    }

    /** Sends batches for {@code ns}; returns the frames the driver said it took. */
    private long send(final FrameDriver driver, final UnsafeBuffer frame, final int size, final long ns)
    {
        final long end = System.nanoTime() + ns;
        long sent = 0;
        while (System.nanoTime() - end < 0)
        {
            sent += driver.send(frame, size, sendBatch);
        }
        return sent;
    }

    private static long counter(final String sendIface, final String name) throws IOException
    {
        return Long.parseLong(Files.readString(Path.of("/sys/class/net", sendIface, "statistics", name)).trim());
    }

    private static long interfaceMac(final String name) throws IOException
    {
        return Long.parseLong(Files.readString(Path.of("/sys/class/net", name, "address")).trim()
            .replace(":", ""), 16);
    }

    private void record(final String direction, final int size, final String variant, final double rate)
    {
        results.computeIfAbsent(direction + "|" + size + "|" + variant, k -> new ArrayList<>()).add(rate);
        System.out.printf(Locale.ROOT, "%-28s %5d B  %-28s %,14.0f%n", direction, size, variant, rate);
    }

    /**
     * Each repeat's rate over pcap4j's in the same repeat (measured a few seconds apart, so under much the same load
     * from other processes): median and range; empty when the counts differ (a refused drain sample, say).
     */
    private static String perRepeatRatios(final List<Double> rates, final List<Double> pcap)
    {
        if (pcap == null || pcap.size() != rates.size())
        {
            return "";
        }
        final List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < rates.size(); i++)
        {
            ratios.add(rates.get(i) / pcap.get(i));
        }
        return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", Stats.median(ratios), Stats.min(ratios),
            Stats.max(ratios));
    }

    private void report(final int[] sizes)
    {
        System.out.println();
        System.out.println("| measure | frame | variant | median | min | max | × pcap4j (median) | " +
            "× pcap4j per repeat: median (min-max) |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|");
        final List<String> directions = new ArrayList<>();
        results.keySet().forEach(key ->
        {
            final String direction = key.split("\\|")[0];
            if (!directions.contains(direction))
            {
                directions.add(direction);
            }
        });
        for (final int size : sizes)
        {
            for (final String direction : directions)
            {
                final List<Double> pcap = results.get(direction + "|" + size + "|pcap4j");
                final double pcapMedian = pcap == null ? Double.NaN : Stats.median(pcap);
                results.forEach((key, rates) ->
                {
                    final String[] parts = key.split("\\|");
                    if (parts[0].equals(direction) && parts[1].equals(Integer.toString(size)))
                    {
                        final double median = Stats.median(rates);
                        System.out.printf(Locale.ROOT, "| %s | %d | %s | %,.0f | %,.0f | %,.0f | %s | %s |%n",
                            direction, size, parts[2], median, Stats.min(rates), Stats.max(rates),
                            Double.isNaN(pcapMedian) ? "" : String.format(Locale.ROOT, "%.2f", median / pcapMedian),
                            perRepeatRatios(rates, pcap));
                    }
                });
            }
        }
    }
}
