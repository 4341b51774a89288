package io.ustack.runtime.interop;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.PingReply;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.link.tap.TapEndpoint;
import io.ustack.runtime.Stack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5: ustack on the TAP driver against the Linux kernel. The test JVM creates the TAP interface and moves it
 * into the kernel peer's namespace, where it gets {@code 198.18.4.2/24}; the stack is the host on the far side of
 * that wire at {@code 198.18.4.1}. The host's own namespace never holds the interface once moved. Ping both ways
 * at 56, 1472 and 4000 bytes (fragmented), and HTTP both ways over ustack's TCP with SHA-256 checks.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("ustack on TAP interoperates with the Linux kernel")
class TapKernelInteropTest
{
    private static final String USTACK = "198.18.4.1";
    private static final String KERNEL = "198.18.4.2";

    private KernelPeerNetwork network;
    private Stack stack;

    @BeforeAll
    void start() throws Exception
    {
        network = KernelPeerNetwork.create();
        final String name = "uit" + ProcessHandle.current().pid() % 100_000 + "t";
        TapEndpoint tap = null;
        try
        {
            tap = TapEndpoint.open(name, 0x0200_0000_0004L, 1500);
            network.moveToKernel(name);
            network.inKernel("ip", "addr", "add", KERNEL + "/24", "dev", name);
            network.inKernel("ip", "link", "set", name, "up");
            stack = KernelPeerNetwork.startStack("tap-interop", tap, USTACK + "/24");
        }
        catch (final Exception e)
        {
            if (tap != null)
            {
                tap.close();
            }
            network.close();
            throw e;
        }
    }

    @AfterAll
    void stop()
    {
        network.closeAfter(stack);
    }

    @ParameterizedTest(name = "ping -s {0}")
    @ValueSource(ints = {56, 1472, 4000})
    @DisplayName("RFC 792: the kernel pings ustack through the TAP interface")
    void kernelPingsUstack(final int size) throws Exception
    {
        assertEquals(0, network.exitCodeInKernel(20, "ping", "-c", "3", "-i", "0.2", "-W", "3", "-s",
            Integer.toString(size), USTACK), "ping from the kernel namespace (output above)");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {56, 1472, 4000})
    @DisplayName("RFC 792: ustack pings the kernel through the TAP interface")
    void ustackPingsKernel(final int size)
    {
        final PingReply reply = stack.pinger().ping(Ipv4Address.parse(KERNEL), size, Duration.ofSeconds(5));
        assertEquals(PingReply.Outcome.REPLY, reply.outcome(), reply::toString);
        assertEquals(size, reply.replyBytes());
    }

    /** Reads from {@code socket} until the peer's FIN (up to 60 s of silence), returning everything. */
    private static byte[] readToEnd(final TcpSocket socket) throws Exception
    {
        final java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        while (socket.read(buffer.clear(), Duration.ofSeconds(60)) >= 0)
        {
            all.write(buffer.array(), 0, buffer.position());
        }
        return all.toByteArray();
    }

    private static String sha256(final byte[] bytes) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    @DisplayName("RFC 9293 over TAP: curl in the kernel downloads 4 MiB over HTTP from a ustack socket, SHA-256 equal")
    void kernelDownloadsOverHttp() throws Exception
    {
        final byte[] body = new byte[4 << 20];
        new Random(4).nextBytes(body);
        final Path file = Files.createTempFile("ustack-tap-http-", ".bin");
        try (TcpListener listener = stack.tcp().listen(0, 8080, 4))
        {
            final Thread server = new Thread(() ->
            {
                try (TcpSocket socket = listener.accept(Duration.ofSeconds(30)))
                {
                    final ByteBuffer request = ByteBuffer.allocate(4096);
                    String head = "";
                    while (!head.contains("\r\n\r\n") && socket.read(request, Duration.ofSeconds(10)) >= 0)
                    {
                        head = new String(request.array(), 0, request.position(), StandardCharsets.ISO_8859_1);
                    }
                    socket.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)), Duration.ofSeconds(30));
                    socket.write(ByteBuffer.wrap(body), Duration.ofSeconds(60));
                    socket.shutdownOutput();
                    readToEnd(socket);
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            }, "tap-http-server");
            server.start();
            assertEquals("200", network.inKernelWithin(120, "curl", "-sS", "--max-time", "100", "-o", file.toString(),
                "-w", "%{http_code}", "http://" + USTACK + ":8080/file").strip());
            server.join(30_000);
            assertEquals(sha256(body), sha256(Files.readAllBytes(file)));
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    @Test
    @DisplayName("RFC 9293 over TAP: a ustack socket downloads 4 MiB from python3 -m http.server, SHA-256 equal")
    void ustackDownloadsOverHttp() throws Exception
    {
        final byte[] content = new byte[4 << 20];
        new Random(40).nextBytes(content);
        final Path dir = Files.createTempDirectory("ustack-tap-served-");
        Files.write(dir.resolve("file.bin"), content);
        try
        {
            network.startInKernel("python3", "-u", "-m", "http.server", "8000", "--bind", KERNEL, "--directory",
                dir.toString());
            final byte[] response;
            try (TcpSocket socket = stack.tcp().connect(Ipv4Address.parse(KERNEL), 8000, Duration.ofSeconds(10)))
            {
                socket.write(ByteBuffer.wrap(("GET /file.bin HTTP/1.1\r\nHost: " + KERNEL
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)), Duration.ofSeconds(10));
                response = readToEnd(socket);
            }
            final String text = new String(response, 0, Math.min(response.length, 512), StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.0 200") || text.startsWith("HTTP/1.1 200"), text);
            final int bodyAt = text.indexOf("\r\n\r\n") + 4;
            assertEquals(sha256(content), sha256(Arrays.copyOfRange(response, bodyAt, response.length)));
        }
        finally
        {
            Files.delete(dir.resolve("file.bin"));
            Files.delete(dir);
        }
    }
}
