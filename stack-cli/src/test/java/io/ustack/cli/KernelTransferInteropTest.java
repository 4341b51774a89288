package io.ustack.cli;

import io.ustack.runtime.interop.KernelPeerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5: bulk transfers between ustack (AF_PACKET, {@code ustack serve} and {@code ustack get}) and the Linux kernel
 * in a private namespace pair, without loss and with 1%, 5% and 10% of the packets dropped at random by nftables in
 * the kernel's namespace, in both directions at once (so data, ACKs, retransmissions, SYNs and FINs all get lost).
 * Every transfer is checked byte for byte by SHA-256, and afterwards the kernel must hold no connection in any state
 * but LISTEN or TIME-WAIT.
 *
 * <p>Loss is per frame: {@link KernelPeerNetwork#setLoss} also caps the kernel's GSO at one segment, since Linux TCP
 * otherwise hands 64 KiB super-packets to the output hook and a "5%" rule would drop whole bursts; each test also
 * asserts the rule dropped packets both ways.
 *
 * <p>Sizes. Without loss the full sizes of issue 5: 100 MiB each way over HTTP, 50 MiB both ways at once over echo.
 * Under loss they are smaller, because ustack as the sender is timeout-bound: NewReno without SACK or limited
 * transmit, so a loss with fewer than three segments behind it, or a lost retransmission, waits for the RTO (200 ms
 * with {@code --rto linux}, doubling). Measured with the full-size plan on the 2-core development machine while other
 * builds ran (load ~20), 2026-11-25: ustack sending to curl 64 MiB at 1% in 15.6 s, 8 MiB at 5% in 70 s (35 s on a
 * quieter run), 2 MiB at 10% in 43 s (37 s); the kernel sending to {@code ustack get} 64 MiB at 1% in 2.9 s, 16 MiB
 * at 5% in 3.5 s, 4 MiB at 10% in 9.0 s; echo 32 MiB each way at 1% in 16 s, 4 MiB at 5% in 19 s, 1 MiB at 10% in
 * 11 s; 0% 100 MiB in 1.5-7 s. The class took 237 s; to stay within a few minutes of CI the loss sizes for ustack as
 * sender are halved again ({@link #fromUstack}, {@link #echoed}): still dozens to hundreds of drops each way.
 * Raise them when SACK/RACK recovery lands.
 */
@Tag("netns")
@DisplayName("bulk transfers with the Linux kernel, with and without loss")
class KernelTransferInteropTest
{
    private static final String SERVE_USTACK = "198.18.21.1";
    private static final String SERVE_KERNEL = "198.18.21.2";
    private static final String GET_USTACK = "198.18.22.1";
    private static final String GET_KERNEL = "198.18.22.2";
    private static final long MIB = 1024 * 1024;

    /** {@code echo_client.py HOST PORT BYTES}: sends BYTES random bytes while reading the echo; prints "echo ok". */
    private static final String ECHO_CLIENT = String.join("\n",
        "import hashlib, os, socket, sys, threading",
        "host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])",
        "data = os.urandom(size)",
        "s = socket.create_connection((host, port), timeout=120)",
        "def send():",
        "    s.sendall(data)",
        "    s.shutdown(socket.SHUT_WR)",
        "t = threading.Thread(target=send); t.start()",
        "got = hashlib.sha256(); n = 0",
        "while True:",
        "    chunk = s.recv(1 << 20)",
        "    if not chunk: break",
        "    got.update(chunk); n += len(chunk)",
        "t.join(); s.close()",
        "assert n == size, (n, size)",
        "assert got.digest() == hashlib.sha256(data).digest(), 'echo differs'",
        "print('echo ok', n)",
        "");

    private static KernelPeerNetwork network;
    private static Path dir;
    private static String echoClient;
    private static ServeCommand serve;
    private static Thread serveThread;
    private static final AtomicInteger SERVE_CODE = new AtomicInteger(-1);

    /** Bytes ustack sends to curl at this loss (ustack's loss recovery is what is tested, and what is slow). */
    private static long fromUstack(final int lossPercent)
    {
        return lossPercent == 0 ? 100 * MIB : lossPercent == 1 ? 32 * MIB : lossPercent == 5 ? 4 * MIB : MIB;
    }

    /** Bytes the kernel sends to {@code ustack get} at this loss (the kernel's recovery, ustack's receiving). */
    private static long fromKernel(final int lossPercent)
    {
        return lossPercent == 0 ? 100 * MIB : lossPercent == 1 ? 64 * MIB : lossPercent == 5 ? 16 * MIB : 4 * MIB;
    }

    /** Bytes each way through the echo at this loss. */
    private static long echoed(final int lossPercent)
    {
        return lossPercent == 0 ? 50 * MIB : lossPercent == 1 ? 16 * MIB : lossPercent == 5 ? 2 * MIB : MIB / 2;
    }

    @BeforeAll
    static void network() throws Exception
    {
        network = KernelPeerNetwork.create();
        network.addVeth("ta", "tb", SERVE_KERNEL + "/24", false);
        network.addVeth("ga", "gb", GET_KERNEL + "/24", false);
        dir = Files.createTempDirectory("ustack-transfer-it-");
        final Random random = new Random(5);
        final byte[] block = new byte[1 << 20];
        for (final int loss : new int[]{0, 1, 5, 10})
        {
            try (OutputStream out = Files.newOutputStream(dir.resolve("file-" + loss)))
            {
                for (long written = 0; written < fromKernel(loss); written += block.length)
                {
                    random.nextBytes(block);
                    out.write(block, 0, (int)Math.min(block.length, fromKernel(loss) - written));
                }
            }
        }
        network.startInKernel("python3", "-u", "-m", "http.server", "8000", "--bind", GET_KERNEL, "--directory",
            dir.toString());
        echoClient = KernelPeerNetwork.script("echo-client", ECHO_CLIENT);
        serve = new ServeCommand();
        final CommandLine commandLine = new CommandLine(serve);
        final String[] args = {"--iface", "ta", "--netns", network.ustackNamespace(), "--addr", SERVE_USTACK + "/24",
            "--app", "http", "--app", "echo", "--status-s", "10"};
        serveThread = new Thread(() -> SERVE_CODE.set(commandLine.execute(args)), "test-serve");
        serveThread.start();
        assertTrue(serve.awaitReady(Duration.ofSeconds(20)), "serve did not start (exit " + SERVE_CODE.get() + ")");
    }

    @AfterAll
    static void removeNetwork() throws Exception
    {
        try
        {
            if (serve != null)
            {
                serve.stop(Duration.ofSeconds(20));
                serveThread.join(20_000);
                assertEquals(0, SERVE_CODE.get(), "serve's exit code");
            }
        }
        finally
        {
            if (network != null)
            {
                network.close();
            }
            deleteDirectory();
        }
    }

    private static void deleteDirectory() throws IOException
    {
        if (dir != null)
        {
            try (var files = Files.list(dir))
            {
                for (final Path file : files.toList())
                {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private static void report(final String what, final int loss, final long bytes, final long startNs)
    {
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        System.out.printf("[transfer] %s, %d%% loss: %,d bytes in %.2f s (%.1f Mbit/s)%n", what, loss, bytes, seconds,
            bytes * 8 / seconds / 1e6);
    }

    /** With loss on, the rule must really have dropped packets each way (else the test proves nothing about loss). */
    private static void assertLossHappened(final int loss) throws IOException
    {
        if (loss == 0)
        {
            return;
        }
        final long[] dropped = network.droppedPackets();
        System.out.printf("[transfer] dropped by nftables: %d packets to the kernel, %d from it%n", dropped[0],
            dropped[1]);
        assertTrue(dropped[0] > 0 && dropped[1] > 0, "no loss in one direction: " + dropped[0] + " / " + dropped[1]);
    }

    @ParameterizedTest(name = "{0}% loss")
    @ValueSource(ints = {0, 1, 5, 10})
    @DisplayName("curl downloads /bytes/N from ustack serve, SHA-256 equal, no connection left stuck")
    void curlFromUstack(final int loss) throws Exception
    {
        final long n = fromUstack(loss);
        final Path body = dir.resolve("curl-" + loss);
        network.setLoss(loss);
        final long startNs = System.nanoTime();
        try
        {
            final String code = network.inKernelWithin(600, "curl", "-sS", "--max-time", "540", "-o",
                body.toString(), "-w", "%{http_code}", "http://" + SERVE_USTACK + "/bytes/" + n);
            assertEquals("200", code.strip());
            assertLossHappened(loss);
        }
        finally
        {
            network.setLoss(0);
        }
        report("curl <- ustack serve", loss, n, startNs);
        assertEquals(n, Files.size(body));
        assertEquals(InteropChecks.patternSha256(n), InteropChecks.sha256(body));
        Files.delete(body);
        InteropChecks.assertNoConnectionStuck(network, 10);
    }

    @ParameterizedTest(name = "{0}% loss")
    @ValueSource(ints = {0, 1, 5, 10})
    @DisplayName("ustack get downloads a file from python3 -m http.server, SHA-256 equal, no connection left stuck")
    void getFromKernel(final int loss) throws Exception
    {
        final long n = fromKernel(loss);
        final Path got = dir.resolve("got-" + loss);
        network.setLoss(loss);
        final long startNs = System.nanoTime();
        final CliRun result;
        try
        {
            result = CliRun.run("get", "http://" + GET_KERNEL + ":8000/file-" + loss, "--iface", "ga", "--netns",
                network.ustackNamespace(), "--addr", GET_USTACK + "/24", "-o", got.toString(), "--timeout-s", "60");
            assertLossHappened(loss);
        }
        finally
        {
            network.setLoss(0);
        }
        assertEquals(0, result.code, result.toString());
        report("ustack get <- python http.server", loss, n, startNs);
        assertEquals(InteropChecks.sha256(dir.resolve("file-" + loss)), InteropChecks.sha256(got));
        Files.delete(got);
        InteropChecks.assertNoConnectionStuck(network, 10);
    }

    @ParameterizedTest(name = "{0}% loss")
    @ValueSource(ints = {0, 1, 5, 10})
    @DisplayName("RFC 862: a kernel client streams into ustack's echo while reading it back, byte-exact both ways")
    void echoBothWaysAtOnce(final int loss) throws Exception
    {
        final long n = echoed(loss);
        network.setLoss(loss);
        final long startNs = System.nanoTime();
        final String out;
        try
        {
            out = network.inKernelWithin(600, "python3", echoClient, SERVE_USTACK, "7", Long.toString(n));
            assertLossHappened(loss);
        }
        finally
        {
            network.setLoss(0);
        }
        report("python echo client <-> ustack echo, each way", loss, n, startNs);
        assertEquals("echo ok " + n, out.strip());
        InteropChecks.assertNoConnectionStuck(network, 10);
    }
}
