package io.ustack.runtime.interop;

import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpSocket;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import io.ustack.runtime.ShutdownReport;
import io.ustack.runtime.Stack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5: the {@code RING_GSO} transmit mode against the Linux kernel. ustack sends over TCP to a kernel socket in
 * frames of up to 64 KiB that the kernel cuts apart again (or, with segmentation offload on at ustack's end of the
 * veth, hands to the peer whole): built by TCP itself (TCP segmentation offload, the stack's default on this link),
 * or, with it off, merged by the driver from single segments. The kernel must receive every byte as sent, with its
 * offloads off, also under random loss (retransmissions and SACK-carrying segments go one at a time).
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("RING_GSO: TCP data in frames the kernel cuts reaches the Linux kernel byte-exact")
class AfPacketGsoInteropTest
{
    private static final String USTACK = "198.18.0.1";
    private static final String KERNEL = "198.18.0.2";
    private static final int PORT = 5201;
    private static final int MIB = 1 << 20;
    private static final String SINK = String.join("\n",
        "import hashlib, socket, sys",
        "s = socket.socket()",
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        "s.bind((sys.argv[1], int(sys.argv[2])))",
        "s.listen(1)",
        "print('listening', flush=True)",
        "c, _ = s.accept()",
        "h = hashlib.sha256()",
        "n = 0",
        "while True:",
        "    b = c.recv(1 << 20)",
        "    if not b:",
        "        break",
        "    h.update(b)",
        "    n += len(b)",
        "print(n, h.hexdigest(), flush=True)",
        "c.close()");

    private KernelPeerNetwork network;

    @BeforeAll
    void start() throws Exception
    {
        network = KernelPeerNetwork.create();
        try
        {
            network.addVeth("ua", "ub", KERNEL + "/24", false);
            // The kernel end verifies every TCP checksum in software (a veth would otherwise vouch for them): the
            // checksums of merged frames are the kernel's, computed from the pseudo-header sum ustack leaves.
            network.inKernel("ethtool", "-K", "ub", "rx", "off");
        }
        catch (final Exception e)
        {
            network.close();
            throw e;
        }
    }

    @AfterAll
    void stop()
    {
        network.close();
    }

    @ParameterizedTest(name = "TCP segmentation offload {3}, offloads at ustack's end {0}, {1}% loss, {2} MiB")
    @CsvSource({"off, 0, 64, LINK", "on, 0, 64, LINK", "off, 5, 8, LINK", "off, 0, 64, NEVER", "off, 5, 8, NEVER"})
    @DisplayName("ustack -> kernel TCP in frames the kernel cuts: every byte arrives as sent, in large frames")
    void segmentsCutByTheKernelArriveIntact(final String offloads, final int loss, final int mebibytes,
        final SegmentationOffload tso) throws Exception
    {
        final AfPacketEndpoint endpoint = AfPacketEndpoint.open(AfPacketConfig.builder("ua")
            .namespace(network.ustackNamespace()).txMode(AfPacketConfig.TxMode.RING_GSO).build());
        final Stack stack = KernelPeerNetwork.startStack("gso-interop-" + tso, endpoint, USTACK + "/24", tso);
        try
        {
            sendToTheKernel(stack, endpoint, offloads, loss, mebibytes, tso);
        }
        finally
        {
            final ShutdownReport report = stack.shutdown();
            assertEquals(0, report.agentErrors(), () -> "agent error: " + stack.firstAgentError());
        }
    }

    private void sendToTheKernel(final Stack stack, final AfPacketEndpoint endpoint, final String offloads,
        final int loss, final int mebibytes, final SegmentationOffload tso) throws Exception
    {
        // "off" is the benchmark's setting (every end alike): the kernel cuts each merged frame before the veth, so
        // the peer sees 1500-byte frames. "on": the veth hands the merged frame to the peer whole.
        network.inUstack("ethtool", "-K", "ua", "tso", offloads, "gso", offloads, "tx", offloads);
        final byte[] data = new byte[mebibytes * MIB];
        new Random(mebibytes + loss).nextBytes(data);
        final String sink = KernelPeerNetwork.script("gso-sink", SINK);
        final Process process = network.startInKernel("python3", "-u", sink, KERNEL, Integer.toString(PORT));
        final long mergedBefore = endpoint.mergedSegments();
        final long framesBefore = kernelReceivedFrames();
        final long checksumErrorsBefore = checksumErrors();
        network.setLoss(loss);
        final String result;
        try
        {
            try (TcpSocket socket = stack.tcp().connect(Ipv4Address.parse(KERNEL), PORT, Duration.ofSeconds(10)))
            {
                socket.write(ByteBuffer.wrap(data), Duration.ofSeconds(120));
                socket.shutdownOutput();
                result = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            }
        }
        finally
        {
            network.setLoss(0);
            process.destroy();
        }
        assertEquals(data.length + " " + sha256(data), result, "bytes and SHA-256 the kernel received");
        assertEquals(0, checksumErrors() - checksumErrorsBefore, "segments the kernel found a bad TCP checksum in");
        final long merged = endpoint.mergedSegments() - mergedBefore;
        final long segmented = stack.counters().get(CounterDescriptor.IPV4_SEGMENTED_SENT);
        if (tso == SegmentationOffload.NEVER)
        {
            assertTrue(merged > data.length / 1448 / 4, "segments the driver merged: " + merged);
            assertEquals(0, segmented, "datagrams TCP sent for the kernel to cut");
        }
        else
        {
            // TCP builds the large frames itself; the driver merges only what went one segment at a time.
            assertTrue(segmented > data.length / 65_536 / 4, "datagrams TCP sent for the kernel to cut: " +
                segmented + " (and " + merged + " segments merged by the driver)");
        }
        if (offloads.equals("off"))
        {
            final long frames = kernelReceivedFrames() - framesBefore;
            assertTrue(frames >= (long)data.length / 1448 * (100 - 2 * loss) / 100,
                "the kernel cut the merged frames: its end received " + frames + " frames");
        }
    }

    /** The kernel's TcpInCsumErrors since its namespace was made. */
    private long checksumErrors() throws Exception
    {
        final String line = network.inKernel("nstat", "-az", "TcpInCsumErrors").lines()
            .filter(l -> l.startsWith("TcpInCsumErrors")).findFirst().orElseThrow();
        return Long.parseLong(line.split("\\s+")[1]);
    }

    private long kernelReceivedFrames() throws Exception
    {
        return Long.parseLong(network.inKernel("cat", "/sys/class/net/ub/statistics/rx_packets").strip());
    }

    private static String sha256(final byte[] bytes) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
