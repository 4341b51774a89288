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
 * the echo app; http=DIR, discard, chargen and UDP echo; get through --dns; a stop and a SIGTERM end open connections
 * with a FIN; and a --pcap capture passes tshark's expert info with checksum checks on. After each exchange the kernel's {@code ss -tan} must settle, within 10 s, to nothing but LISTEN
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
        serveWith(List.of(), apps);
    }

    /** As {@link #serve}, with extra options. */
    private void serveWith(final List<String> options, final String... apps) throws InterruptedException
    {
        final List<String> args = new ArrayList<>(List.of("--iface", "sa", "--netns", network.ustackNamespace(),
            "--addr", USTACK + "/24", "--duration-s", "300"));
        args.addAll(options);
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
        assertEquals("echo ok " + (4 * 1024 * 1024), echoExchange(4 * 1024 * 1024));
        assertNoConnectionStuck();
    }

    /** A python client sends {@code bytes} random bytes to the echo app while reading them back; its last line. */
    private static String echoExchange(final int bytes) throws Exception
    {
        return network.inKernel("python3", KernelPeerNetwork.script("echo", String.join("\n",
            "import hashlib, os, socket, threading",
            "data = os.urandom(" + bytes + ")",
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
            "print('echo ok', len(got))"))).strip();
    }

    /** {@code hold.py HOST PORT}: connects, says "connected", then waits for the end: prints "eof" or the error. */
    private static final String HOLD_CLIENT = String.join("\n",
        "import socket, sys",
        "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)",
        "s.sendall(b'ping')",
        "assert s.recv(4) == b'ping'",
        "print('connected', flush=True)",
        "try:",
        "    data = s.recv(4096)",
        "    print('eof' if data == b'' else 'data', flush=True)",
        "except OSError as e:",
        "    print('error', e, flush=True)",
        "s.close()",
        "");

    /** Waits for a process started in the kernel namespace to print its last line. */
    private static String lastLine(final Process process) throws Exception
    {
        final String all = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "client still running: " + all);
        final List<String> lines = all.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Test
    @DisplayName("RFC 9293 §3.6: stopping serve ends an idle echo connection with a FIN (the client reads EOF, no reset)")
    void stopClosesConnectionsWithFin() throws Exception
    {
        serve("echo");
        final Process client = network.startInKernel("python3", KernelPeerNetwork.script("hold", HOLD_CLIENT), USTACK,
            "7");
        serve.stop(Duration.ofSeconds(15));
        serveThread.join(15_000);
        assertEquals(0, serveCode.get());
        serve = null;
        assertEquals("eof", lastLine(client));
        assertNoConnectionStuck();
    }

    @Test
    @DisplayName("SIGTERM to a ustack serve process: the client reads EOF, the summary is printed, the kernel holds nothing")
    void sigtermClosesConnectionsWithFin() throws Exception
    {
        final Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            UstackCommand.class.getName(), "serve", "--iface", "sa", "--netns", network.ustackNamespace(), "--addr",
            USTACK + "/24", "--app", "echo", "--status-s", "1").redirectErrorStream(true).start();
        try
        {
            final java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                server.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            final StringBuilder output = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("serving udp echo"))
            {
                output.append(line).append('\n');
            }
            assertTrue(line != null, "serve ended before it listened:\n" + output);
            final Process client = network.startInKernel("python3", KernelPeerNetwork.script("hold", HOLD_CLIENT),
                USTACK, "7");
            while ((line = lines.readLine()) != null && !line.contains("1 open"))
            {
                output.append(line).append('\n'); // the status line shows the held connection
            }
            assertTrue(line != null, "no status line with the open connection:\n" + output);
            // SIGTERM by kill(1): Process.destroy() would also close the stream the summary comes on.
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor());
            assertEquals("eof", lastLine(client));
            while ((line = lines.readLine()) != null)
            {
                output.append(line).append('\n');
            }
            assertTrue(server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(output.toString().contains("echo:7     1 connections (0 failed)"), output.toString());
            assertNoConnectionStuck();
        }
        finally
        {
            server.destroyForcibly();
        }
    }

    @Test
    @DisplayName("http=DIR serves files byte-exact; ../ and %2e%2e escapes and a symlink out are 403, missing 404")
    void httpServesDirectorySafely() throws Exception
    {
        final Path root = Files.createDirectories(dir.resolve("www"));
        final byte[] content = new byte[3 * 1024 * 1024 + 7];
        new Random(7).nextBytes(content);
        Files.write(root.resolve("data.bin"), content);
        Files.writeString(root.resolve("a b.txt"), "spaced\n");
        Files.writeString(dir.resolve("secret.txt"), "outside\n");
        final Path link = root.resolve("out");
        Files.createSymbolicLink(link, dir.resolve("secret.txt"));
        try
        {
            serve("http:8081=" + root);
            final String base = "http://" + USTACK + ":8081";
            final Path got = dir.resolve("data.got");
            assertEquals("200", network.inKernel("curl", "-sS", "--max-time", "60", "-o", got.toString(), "-w",
                "%{http_code}", base + "/data.bin").strip());
            assertEquals(InteropChecks.sha256(root.resolve("data.bin")), InteropChecks.sha256(got));
            Files.delete(got);
            assertEquals("spaced", network.inKernel("curl", "-sS", "--max-time", "20", base + "/a%20b.txt").strip());
            for (final String escape : new String[]{"/../secret.txt", "/%2e%2e/secret.txt", "/sub/%2E%2E/../secret.txt",
                "/out", "/%00"})
            {
                assertEquals("403", network.inKernel("curl", "-s", "--path-as-is", "--max-time", "20", "-o",
                    "/dev/null", "-w", "%{http_code}", base + escape).strip(), escape);
            }
            assertEquals("404", network.inKernel("curl", "-s", "--max-time", "20", "-o", "/dev/null", "-w",
                "%{http_code}", base + "/missing.bin").strip());
            final String listing = network.inKernel("curl", "-sS", "--max-time", "20", base + "/");
            assertTrue(listing.contains("data.bin") && listing.contains("a b.txt"), listing);
            assertNoConnectionStuck();
        }
        finally
        {
            Files.deleteIfExists(link);
            Files.deleteIfExists(root.resolve("data.bin"));
            Files.deleteIfExists(root.resolve("a b.txt"));
            Files.deleteIfExists(root);
            Files.deleteIfExists(dir.resolve("secret.txt"));
        }
    }

    @Test
    @DisplayName("RFC 862/863/864: UDP echo on the echo port, discard swallows, chargen streams its 72-character lines")
    void echoDiscardChargenAndUdpEcho() throws Exception
    {
        serve("echo", "discard", "chargen");
        final String out = network.inKernel("python3", KernelPeerNetwork.script("small-apps", String.join("\n",
            "import os, socket",
            "host = '" + USTACK + "'",
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)",
            "for size in (1, 1400, 4000):",
            "    d = os.urandom(size); u.sendto(d, (host, 7))",
            "    assert u.recvfrom(65535)[0] == d, size",
            "s = socket.create_connection((host, 9), timeout=20)",
            "s.sendall(os.urandom(1 << 20)); s.shutdown(socket.SHUT_WR)",
            "assert s.recv(10) == b'', 'discard sent something back'",
            "s.close()",
            "c = socket.create_connection((host, 19), timeout=20)",
            "got = b''",
            "while len(got) < 74 * 200:",
            "    got += c.recv(65536)",
            "c.close()",
            "lines = got[:74 * 200].split(b'\\r\\n')[:200]",
            "assert all(len(l) == 72 for l in lines), 'line lengths'",
            "assert lines[0][:3] == b' !\"' and lines[1][0:1] == b'!' and lines[95] == lines[0], 'rotation'",
            "print('ok')")));
        assertEquals("ok", out.strip());
        serve.stop(Duration.ofSeconds(15));
        serveThread.join(15_000);
        serve = null;
        assertNoConnectionStuck();
    }

    @Test
    @DisplayName("RFC 1035: ustack get resolves a name through --dns, a DNS server in the kernel's namespace")
    void getResolvesNameThroughDns() throws Exception
    {
        Files.writeString(dir.resolve("named.txt"), "found by name\n");
        network.startInKernel("python3", KernelPeerNetwork.script("dns", io.ustack.runtime.interop.PythonPeers.DNS_SERVER),
            KERNEL, "files.ustack.test", KERNEL);
        network.startInKernel("python3", "-u", "-m", "http.server", "8001", "--bind", KERNEL, "--directory",
            dir.toString());
        final Path got = dir.resolve("named.got");
        final CliRun result = CliRun.run("get", "http://files.ustack.test:8001/named.txt", "--dns", KERNEL, "--iface",
            "sa", "--netns", network.ustackNamespace(), "--addr", USTACK + "/24", "-o", got.toString());
        assertEquals(0, result.code, result.toString());
        assertEquals("found by name\n", Files.readString(got));
        final CliRun unknown = CliRun.run("get", "http://nothing.ustack.test:8001/named.txt", "--dns", KERNEL,
            "--iface", "sa", "--netns", network.ustackNamespace(), "--addr", USTACK + "/24", "-o", got.toString());
        assertEquals(2, unknown.code, unknown.toString());
        assertTrue(unknown.err.contains("cannot resolve nothing.ustack.test"), unknown.toString());
        Files.delete(got);
        Files.delete(dir.resolve("named.txt"));
        assertNoConnectionStuck();
    }

    @Test
    @DisplayName("serve --pcap: tshark reads the capture, checks every checksum, and its expert info has no error")
    void pcapPassesTsharkExpertInfo() throws Exception
    {
        final Path pcap = dir.resolve("serve.pcap");
        serveWith(List.of("--pcap", pcap.toString()), "http", "echo");
        assertEquals("200", network.inKernel("curl", "-sS", "--max-time", "60", "-o", "/dev/null", "-w",
            "%{http_code}", "http://" + USTACK + "/bytes/2000000").strip());
        assertEquals("echo ok 1048576", echoExchange(1 << 20));
        serve.stop(Duration.ofSeconds(15));
        serveThread.join(15_000);
        serve = null;
        try
        {
            assertTrue(Files.size(pcap) > 3_000_000, "capture too small: " + Files.size(pcap));
            // Warnings may remain and are printed (e.g. the kernel's "TCP Checksum 0xffff instead of 0x0000", a valid
            // negative zero, RFC 1624 §3); errors (bad checksums) and malformed packets may not.
            final String expert = Tshark.expertInfo(pcap);
            System.out.println("tshark expert info of " + pcap + ":\n" + expert);
            assertTrue(!expert.contains("Errors (") && !expert.contains("Malformed"), expert);
            // The check can fail: one flipped payload byte is a bad TCP checksum, an error, to tshark.
            final Path corrupted = dir.resolve("corrupted.pcap");
            Tshark.flipByteOfLargeFrame(pcap, corrupted);
            final String flagged = Tshark.expertInfo(corrupted);
            Files.delete(corrupted);
            assertTrue(flagged.contains("Errors (") && flagged.contains("Bad checksum"), flagged);
        }
        finally
        {
            Files.deleteIfExists(pcap);
        }
    }
}
