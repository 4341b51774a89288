package io.ustack.cli;

import io.ustack.runtime.interop.KernelPeerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ustack serve} and {@code ustack get} on AF_PACKET against the Linux kernel in a private namespace pair
 * (TESTING.md): curl downloads /bytes/N from ustack, ustack downloads from python's http.server, a python client uses
 * the echo app. After each exchange the kernel's {@code ss -tan} must settle, within 10 s, to nothing but LISTEN
 * sockets and TIME-WAIT (normal on whichever side closed first): no SYN-*, ESTAB, FIN-WAIT-*, CLOSE-WAIT, CLOSING or
 * LAST-ACK left behind.
 */
@Tag("netns")
@DisplayName("ustack serve / get against the Linux kernel")
class ServeGetInteropTest
{
    private static final String USTACK = "198.18.8.1";
    private static final String KERNEL = "198.18.8.2";
    private static final int SIZE = 20 * 1024 * 1024;

    private static KernelPeerNetwork network;
    private static Path dir;

    private ServeCommand serve;
    private Thread serveThread;
    private final AtomicInteger serveCode = new AtomicInteger(-1);

    @BeforeAll
    static void network() throws Exception
    {
        network = KernelPeerNetwork.create();
        network.addVeth("sa", "sb", KERNEL + "/24", false);
        dir = Files.createTempDirectory("ustack-serve-it-");
    }

    @AfterAll
    static void removeNetwork() throws IOException
    {
        if (network != null)
        {
            network.close();
        }
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

    @AfterEach
    void stopServe() throws InterruptedException
    {
        if (serve != null)
        {
            serve.stop(Duration.ofSeconds(15));
            serveThread.join(15_000);
            assertEquals(0, serveCode.get(), "serve's exit code");
            serve = null;
        }
    }

    /** Starts {@code ustack serve} with these apps in a thread of this JVM, and waits until it listens. */
    private void serve(final String... apps) throws InterruptedException
    {
        final List<String> args = new ArrayList<>(List.of("--iface", "sa", "--netns", network.ustackNamespace(),
            "--addr", USTACK + "/24", "--duration-s", "300"));
        for (final String app : apps)
        {
            args.add("--app");
            args.add(app);
        }
        serve = new ServeCommand();
        final CommandLine commandLine = new CommandLine(serve);
        serveThread = new Thread(() -> serveCode.set(commandLine.execute(args.toArray(new String[0]))), "test-serve");
        serveThread.start();
        assertTrue(serve.awaitReady(Duration.ofSeconds(20)), "serve did not start (exit " + serveCode.get() + ")");
    }

    private static String sha256(final InputStream in) throws Exception
    {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        final byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0)
        {
            sha.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(final Path file) throws Exception
    {
        try (InputStream in = Files.newInputStream(file))
        {
            return sha256(in);
        }
    }

    /** Waits up to 10 s for the kernel's TCP sockets to be only LISTEN or TIME-WAIT; fails with ss's output if not. */
    private static void assertNoConnectionStuck() throws Exception
    {
        String ss = "";
        for (int i = 0; i < 100; i++)
        {
            ss = network.inKernel("ss", "-tan");
            if (ss.lines().skip(1).allMatch(l -> l.startsWith("LISTEN") || l.startsWith("TIME-WAIT")))
            {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("connections stuck in the kernel's namespace:\n" + ss);
    }

    @Test
    @DisplayName("curl fetches 20 MiB of /bytes/N from ustack serve, SHA-256 equal to the pattern's")
    void curlFetchesBytes() throws Exception
    {
        serve("http");
        final Path body = dir.resolve("curl-body");
        final String code = network.inKernel("curl", "-sS", "--max-time", "120", "-o", body.toString(), "-w",
            "%{http_code}", "http://" + USTACK + "/bytes/" + SIZE);
        assertEquals("200", code.strip());
        assertEquals(SIZE, Files.size(body));
        final byte[] expected = new byte[SIZE];
        BytesPattern.fill(0, expected, 0, SIZE);
        assertEquals(sha256(new java.io.ByteArrayInputStream(expected)), sha256(body));
        assertNoConnectionStuck();
    }

    @Test
    @DisplayName("the http app: / is a text page, unknown paths 404, a malformed request 400")
    void httpStatuses() throws Exception
    {
        serve("http:8080");
        final String base = "http://" + USTACK + ":8080";
        final String page = network.inKernel("curl", "-sS", "--max-time", "20", base + "/");
        assertTrue(page.contains("ustack"), page);
        assertEquals("404", network.inKernel("curl", "-s", "--max-time", "20", "-o", "/dev/null", "-w",
            "%{http_code}", base + "/nothing").strip());
        assertEquals("400", network.inKernel("curl", "-s", "--max-time", "20", "-o", "/dev/null", "-w",
            "%{http_code}", base + "/bytes/many").strip());
        final String raw = network.inKernel("python3", KernelPeerNetwork.script("badrequest", String.join("\n",
            "import socket",
            "s = socket.create_connection(('" + USTACK + "', 8080), timeout=20)",
            "s.sendall(b'NONSENSE\\r\\n\\r\\n')",
            "data = b''",
            "while True:",
            "    chunk = s.recv(4096)",
            "    if not chunk: break",
            "    data += chunk",
            "s.close()",
            "print(data.split(b'\\r\\n')[0].decode())")));
        assertEquals("HTTP/1.1 400 Bad Request", raw.strip());
        assertNoConnectionStuck();
    }

    @Test
    @DisplayName("ustack get fetches a 20 MiB file from python3 -m http.server, SHA-256 equal; a 404 exits 1")
    void getFromPythonHttpServer() throws Exception
    {
        final byte[] content = new byte[SIZE];
        new Random(42).nextBytes(content);
        final Path served = dir.resolve("file.bin");
        Files.write(served, content);
        network.startInKernel("python3", "-u", "-m", "http.server", "8000", "--bind", KERNEL, "--directory",
            dir.toString());
        final Path got = dir.resolve("got.bin");
        final CliRun result = CliRun.run("get", "http://" + KERNEL + ":8000/file.bin", "--iface", "sa", "--netns",
            network.ustackNamespace(), "--addr", USTACK + "/24", "-o", got.toString());
        assertEquals(0, result.code, result.toString());
        assertEquals(sha256(served), sha256(got));
        assertNoConnectionStuck();

        final CliRun missing = CliRun.run("get", "http://" + KERNEL + ":8000/missing", "--iface", "sa", "--netns",
            network.ustackNamespace(), "--addr", USTACK + "/24", "-o", dir.resolve("missing.html").toString());
        assertEquals(1, missing.code, missing.toString());
        assertNoConnectionStuck();
    }

    @Test
    @DisplayName("get to a port nobody listens on: one-line error, exit 2")
    void getRefused()
    {
        final CliRun result = CliRun.run("get", "http://" + KERNEL + ":9/", "--iface", "sa", "--netns",
            network.ustackNamespace(), "--addr", USTACK + "/24", "--timeout-s", "10");
        assertEquals(2, result.code, result.toString());
        assertTrue(result.err.contains("connect to " + KERNEL + ":9"), result.toString());
        assertEquals(1, result.err.strip().lines().count(), result.toString());
    }

    @Test
    @DisplayName("the echo app returns 4 MiB byte-exact to a python client sending and reading at once")
    void echo() throws Exception
    {
        serve("echo", "http");
        final String out = network.inKernel("python3", KernelPeerNetwork.script("echo", String.join("\n",
            "import hashlib, os, socket, threading",
            "data = os.urandom(4 * 1024 * 1024)",
            "s = socket.create_connection(('" + USTACK + "', 7), timeout=30)",
            "def send():",
            "    s.sendall(data)",
            "    s.shutdown(socket.SHUT_WR)",
            "t = threading.Thread(target=send); t.start()",
            "got = bytearray()",
            "while True:",
            "    chunk = s.recv(65536)",
            "    if not chunk: break",
            "    got += chunk",
            "t.join(); s.close()",
            "assert len(got) == len(data), (len(got), len(data))",
            "assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()",
            "print('echo ok', len(got))")));
        assertEquals("echo ok " + (4 * 1024 * 1024), out.strip());
        assertNoConnectionStuck();
    }
}
