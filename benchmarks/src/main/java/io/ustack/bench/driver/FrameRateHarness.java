package io.ustack.bench.driver;

import io.ustack.link.packet.AfPacketConfig;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Raw frame rate of the AF_PACKET driver, in and out, at several frame sizes, against pcap4j + libpcap on the same
 * veth pair (issue 5). Run inside the namespace that holds the measured interface (run-driver.sh sets it up):
 * <pre>
 * ip netns exec NS_A java -cp benchmarks.jar io.ustack.bench.driver.FrameRateHarness \
 *     --iface ua --peer-namespace NS_B --peer-iface ub [--seconds 2] [--repeats 5] [--sizes 64,1514]
 * </pre>
 * <ul>
 * <li>In: a generator (ustack's TPACKET_V2 transmit ring, in the peer namespace) sends frames with an unused
 *     EtherType to the measured interface as fast as it can; the driver under test counts what it receives.</li>
 * <li>Out: the driver under test sends as fast as it can; what left is the veth's own {@code tx_packets}.</li>
 * </ul>
 * Every repeat measures every variant once, in turn, so load from other processes spreads over all of them; the
 * report gives the median and the range per variant and each ustack variant's ratio to pcap4j.
 */
public final class FrameRateHarness
{
    /** IEEE 802 local experimental EtherType: no kernel protocol handler takes it. */
    private static final short ETHERTYPE = (short)0x88B5;
    private static final long SINK_MAC = 0x0200_0000_0002L;
    private static final int BATCH = 256;

    private final String iface;
    private final String peerNamespace;
    private final String peerIface;
    private final double seconds;
    private final Map<String, List<Double>> results = new LinkedHashMap<>();

    private FrameRateHarness(final String iface, final String peerNamespace, final String peerIface,
        final double seconds)
    {
        this.iface = iface;
        this.peerNamespace = peerNamespace;
        this.peerIface = peerIface;
        this.seconds = seconds;
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> options = Options.parse(args, "--iface", "--peer-namespace", "--peer-iface",
            "--seconds", "--repeats", "--sizes");
        final FrameRateHarness harness = new FrameRateHarness(options.getOrDefault("--iface", "ua"),
            Options.required(options, "--peer-namespace"), options.getOrDefault("--peer-iface", "ub"),
            Double.parseDouble(options.getOrDefault("--seconds", "2")));
        final int repeats = Integer.parseInt(options.getOrDefault("--repeats", "5"));
        final int[] sizes = Arrays.stream(options.getOrDefault("--sizes", "64,1514").split(","))
            .mapToInt(Integer::parseInt).toArray();
        for (int repeat = 1; repeat <= repeats; repeat++)
        {
            for (final int size : sizes)
            {
                harness.measureIn(size);
                harness.measureOut(size);
            }
            System.out.printf(Locale.ROOT, "repeat %d/%d done%n", repeat, repeats);
        }
        harness.report(sizes);
    }

    private AfPacketConfig.Builder ustack(final AfPacketConfig.RxRingVersion rx, final AfPacketConfig.TxMode tx)
    {
        return AfPacketConfig.builder(iface).rxRing(rx).txMode(tx).frameCount(4096);
    }

    private void measureIn(final int size) throws Exception
    {
        for (final AfPacketConfig.RxRingVersion version : AfPacketConfig.RxRingVersion.values())
        {
            try (UstackDriver driver = new UstackDriver(ustack(version, AfPacketConfig.TxMode.RING_SENDTO).build()))
            {
                record("in", size, "ustack rx " + version, receiveWhileFlooded(driver, driver.macAddress(), size,
                    "ustack rx " + version));
            }
        }
        final long mac = interfaceMac(iface);
        try (Pcap4jDriver driver = new Pcap4jDriver(iface, false))
        {
            record("in", size, "pcap4j", receiveWhileFlooded(driver, mac, size, "pcap4j"));
            System.out.println("  " + driver.stats());
        }
        try (Pcap4jDriver driver = new Pcap4jDriver(iface, true))
        {
            record("in", size, "pcap4j dispatch", receiveWhileFlooded(driver, mac, size,
                "pcap4j dispatch"));
            System.out.println("  " + driver.stats());
        }
    }

    private void measureOut(final int size) throws Exception
    {
        for (final AfPacketConfig.RxRingVersion version : AfPacketConfig.RxRingVersion.values())
        {
            try (UstackDriver driver = new UstackDriver(ustack(version, AfPacketConfig.TxMode.RING_SENDTO).build()))
            {
                record("out", size, "ustack tx ring " + version + " + sendto", sendFlat(driver, size));
            }
        }
        try (UstackDriver driver = new UstackDriver(ustack(AfPacketConfig.RxRingVersion.V2,
            AfPacketConfig.TxMode.SENDMMSG).build()))
        {
            record("out", size, "ustack sendmmsg", sendFlat(driver, size));
        }
        try (Pcap4jDriver driver = new Pcap4jDriver(iface, false))
        {
            record("out", size, "pcap4j", sendFlat(driver, size));
        }
    }

    /** Frames per second the driver received while a generator in the peer namespace sent to {@code dstMac}. */
    private double receiveWhileFlooded(final FrameDriver driver, final long dstMac, final int size,
        final String variant) throws Exception
    {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong offered = new AtomicLong();
        final UstackDriver generator = new UstackDriver(AfPacketConfig.builder(peerIface).namespace(peerNamespace)
            .frameCount(4096).build());
        final UnsafeBuffer frame = frame(dstMac, generator.macAddress(), size);
        final Thread sender = new Thread(() ->
        {
            while (running.get())
            {
                offered.addAndGet(generator.send(frame, size, BATCH));
            }
        }, "frame-generator");
        sender.start();
        try
        {
            drain(driver, (long)(0.5e9));
            final long start = System.nanoTime();
            final long offeredBefore = offered.get();
            final long received = drain(driver, (long)(seconds * 1e9));
            final double elapsed = (System.nanoTime() - start) / 1e9;
            final long offeredInWindow = offered.get() - offeredBefore;
            record("offered", size, "generator (during in)", offeredInWindow / elapsed);
            // The generator's rate varies with the machine's load; the share of it received does not depend on it.
            record("in % of offered", size, variant, 100.0 * received / Math.max(1, offeredInWindow));
            return received / elapsed;
        }
        finally
        {
            running.set(false);
            sender.join();
            generator.close();
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

    /** Frames per second that left the interface (its tx_packets) while the driver sent as fast as it could. */
    private double sendFlat(final FrameDriver driver, final int size) throws IOException
    {
        final UnsafeBuffer frame = frame(SINK_MAC, interfaceMac(iface), size);
        send(driver, frame, size, (long)(0.5e9));
        final long before = txPackets();
        final long start = System.nanoTime();
        send(driver, frame, size, (long)(seconds * 1e9));
        final double elapsed = (System.nanoTime() - start) / 1e9;
        return (txPackets() - before) / elapsed;
    }

    private static void send(final FrameDriver driver, final UnsafeBuffer frame, final int size, final long ns)
    {
        final long end = System.nanoTime() + ns;
        while (System.nanoTime() - end < 0)
        {
            driver.send(frame, size, BATCH);
        }
    }

    private long txPackets() throws IOException
    {
        return Long.parseLong(Files.readString(Path.of("/sys/class/net", iface, "statistics/tx_packets")).trim());
    }

    private static long interfaceMac(final String name) throws IOException
    {
        return Long.parseLong(Files.readString(Path.of("/sys/class/net", name, "address")).trim()
            .replace(":", ""), 16);
    }

    private static UnsafeBuffer frame(final long dst, final long src, final int size)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[size]);
        for (int i = 0; i < 6; i++)
        {
            frame.putByte(i, (byte)(dst >>> (40 - 8 * i)));
            frame.putByte(6 + i, (byte)(src >>> (40 - 8 * i)));
        }
        frame.putShort(12, ETHERTYPE, ByteOrder.BIG_ENDIAN);
        for (int i = 14; i < size; i++)
        {
            frame.putByte(i, (byte)i);
        }
        return frame;
    }

    private void record(final String direction, final int size, final String variant, final double rate)
    {
        results.computeIfAbsent(direction + "|" + size + "|" + variant, k -> new ArrayList<>()).add(rate);
        System.out.printf(Locale.ROOT, "%-4s %5d B  %-28s %,12.0f frames/s%n", direction, size, variant, rate);
    }

    private void report(final int[] sizes)
    {
        System.out.println();
        System.out.println("| direction | frame | variant | median frames/s | min | max | × pcap4j (median) |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|");
        for (final int size : sizes)
        {
            for (final String direction : List.of("in", "in % of offered", "out", "offered"))
            {
                final List<Double> pcap = results.get(direction + "|" + size + "|pcap4j");
                final double pcapMedian = pcap == null ? Double.NaN : Stats.median(pcap);
                results.forEach((key, rates) ->
                {
                    final String[] parts = key.split("\\|");
                    if (parts[0].equals(direction) && parts[1].equals(Integer.toString(size)))
                    {
                        final double median = Stats.median(rates);
                        System.out.printf(Locale.ROOT, "| %s | %d | %s | %,.0f | %,.0f | %,.0f | %s |%n", direction,
                            size, parts[2], median, Stats.min(rates), Stats.max(rates),
                            Double.isNaN(pcapMedian) ? "" : String.format(Locale.ROOT, "%.2f", median / pcapMedian));
                    }
                });
            }
        }
    }
}
