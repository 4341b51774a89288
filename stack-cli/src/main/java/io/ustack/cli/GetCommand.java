package io.ustack.cli;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpSocket;
import io.ustack.runtime.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ustack get}: an HTTP/1.1 GET (RFC 9112) over a ustack stack's TCP on a real interface. The body goes to
 * stdout or {@code -o FILE}; its SHA-256 and the rate go to stderr.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
        "HTTP/1.1 GET over a ustack stack running on a network interface (AF_PACKET; needs root or CAP_NET_RAW).",
        "Writes the body to stdout or -o FILE, its SHA-256 and the rate to stderr.",
        "Exits 0 on a 2xx status, 1 on any other status, 2 on a usage, setup or transfer error."})
public final class GetCommand implements Callable<Integer>
{
    private static final int MAX_HEAD = 64 * 1024;
    private static final long LINGER_MS = 2_000;

    @Parameters(index = "0", description = "http://HOST[:PORT]/PATH; HOST an IPv4 address, or a name with --dns.")
    String url;

    @Mixin
    LinkOptions link;

    @Mixin
    TcpOptions tcp;

    @Option(names = "--dns", description = "DNS server to resolve HOST with, through the stack's own UDP.")
    String dns;

    @Option(names = {"-o", "--output"}, description = "Write the body to this file instead of stdout.")
    Path output;

    @Option(names = "--timeout-s", defaultValue = "30", description = "Connect timeout, and the longest wait for "
        + "any byte (default ${DEFAULT-VALUE}).")
    long timeoutS;

    @Override
    public Integer call() throws IOException
    {
        if (timeoutS < 1)
        {
            throw new IllegalArgumentException("use --timeout-s >= 1");
        }
        final URI uri;
        try
        {
            uri = new URI(url);
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalArgumentException("not a URL: " + e.getMessage(), e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null)
        {
            throw new IllegalArgumentException("'" + url + "': give http://HOST[:PORT]/PATH (only http is supported)");
        }
        final String host = uri.getHost();
        final int port = uri.getPort() < 0 ? 80 : uri.getPort();
        final String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        if (!host.matches("[0-9.]+") && dns == null)
        {
            throw new IllegalArgumentException("'" + host + "' is not an IPv4 address: give one, or --dns SERVER");
        }
        final Duration timeout = Duration.ofSeconds(timeoutS);
        final Stack stack = link.openStack("get", tcp.settings(), null);
        try
        {
            final int destination = resolve(stack, host);
            final TcpSocket socket;
            try
            {
                socket = stack.tcp().connect(destination, port, timeout);
            }
            catch (final IOException e)
            {
                throw new IllegalStateException("connect to " + Ipv4Address.toString(destination) + ":" + port + ": "
                    + e.getMessage(), e);
            }
            final int code;
            try
            {
                final String hostHeader = uri.getPort() < 0 ? host : host + ":" + port;
                socket.write(ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nUser-Agent: ustack\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1)), timeout);
                code = fetch(socket, new BufferedInputStream(new SocketInput(socket, timeout), 64 * 1024));
                awaitServerClose(socket);
            }
            catch (final IOException | RuntimeException e)
            {
                socket.abort();
                if (e instanceof IllegalStateException || e instanceof IllegalArgumentException)
                {
                    throw (RuntimeException)e;
                }
                throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
            socket.close(); // Stack.shutdown() below lets our FIN go out and be acknowledged
            return code;
        }
        finally
        {
            stack.shutdown();
        }
    }

    /**
     * With {@code Connection: close} the server closes after the body: read its FIN (for up to {@value #LINGER_MS}
     * ms) so our close follows it and the connection ends in LAST-ACK/CLOSED here rather than TIME-WAIT.
     */
    private static void awaitServerClose(final TcpSocket socket) throws IOException
    {
        final ByteBuffer rest = ByteBuffer.allocate(4096);
        final long deadline = System.nanoTime() + LINGER_MS * 1_000_000L;
        try
        {
            while (socket.read(rest.clear(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))) >= 0)
            {
                if (deadline - System.nanoTime() <= 0)
                {
                    return;
                }
            }
        }
        catch (final SocketTimeoutException e)
        {
            // the server keeps the connection open: we close first
        }
    }

    private int resolve(final Stack stack, final String host)
    {
        if (host.matches("[0-9.]+"))
        {
            return Ipv4Address.parse(host);
        }
        try
        {
            return stack.resolver(Ipv4Address.parse(dns)).resolve(host)[0];
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot resolve " + host + " through " + dns + ": " + e.getMessage(), e);
        }
    }

    private int fetch(final TcpSocket socket, final InputStream in) throws IOException
    {
        final long startNs = System.nanoTime();
        final String[] head = readHead(in).split("\r?\n");
        final String[] status = head[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("[0-9]{3}"))
        {
            throw new IllegalStateException("not an HTTP/1.x response: " + head[0]);
        }
        final int code = Integer.parseInt(status[1]);
        long length = -1;
        boolean chunked = false;
        for (int i = 1; i < head.length; i++)
        {
            final int colon = head[i].indexOf(':');
            if (colon < 1)
            {
                throw new IllegalStateException("malformed response header: " + head[i]);
            }
            final String name = head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            final String value = head[i].substring(colon + 1).trim();
            if (name.equals("content-length"))
            {
                try
                {
                    length = Long.parseLong(value);
                }
                catch (final NumberFormatException e)
                {
                    throw new IllegalStateException("bad Content-Length: " + value, e);
                }
            }
            else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked"))
            {
                chunked = true;
            }
        }
        final MessageDigest sha256 = sha256();
        final long bytes;
        final OutputStream sink = output == null ? System.out : Files.newOutputStream(output);
        try
        {
            if (chunked)
            {
                bytes = chunked(in, sink, sha256);
            }
            else
            {
                bytes = copy(in, sink, sha256, length);
            }
            sink.flush();
        }
        finally
        {
            if (output != null)
            {
                sink.close();
            }
        }
        final double seconds = Math.max(1e-9, (System.nanoTime() - startNs) / 1e9);
        System.err.printf("%s from %s:%d%n", head[0], Ipv4Address.toString(socket.remoteAddress()),
            socket.remotePort());
        System.err.printf("%d bytes in %.3f s (%.1f Mbit/s)%nsha256 %s%n", bytes, seconds, bytes * 8 / seconds / 1e6,
            HexFormat.of().formatHex(sha256.digest()));
        return code >= 200 && code < 300 ? 0 : 1;
    }

    private static String readHead(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int newlines = 0;
        while (newlines < 2)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IllegalStateException("connection closed before the end of the response head");
            }
            head.write(b);
            newlines = b == '\n' ? newlines + 1 : b == '\r' ? newlines : 0;
            if (head.size() > MAX_HEAD)
            {
                throw new IllegalStateException("response head longer than " + MAX_HEAD + " bytes");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1).strip();
    }

    /** Copies {@code length} bytes, or to the end of the stream when {@code length} is -1. */
    private static long copy(final InputStream in, final OutputStream out, final MessageDigest sha256,
        final long length) throws IOException
    {
        final byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        while (length < 0 || copied < length)
        {
            final int n = in.read(buffer, 0, length < 0 ? buffer.length : (int)Math.min(buffer.length, length - copied));
            if (n < 0)
            {
                if (length >= 0)
                {
                    throw new IllegalStateException("connection closed after " + copied + " of " + length
                        + " body bytes");
                }
                break;
            }
            sha256.update(buffer, 0, n);
            out.write(buffer, 0, n);
            copied += n;
        }
        return copied;
    }

    /** Decodes a chunked body (RFC 9112 §7.1), trailers skipped. */
    private static long chunked(final InputStream in, final OutputStream out, final MessageDigest sha256)
        throws IOException
    {
        long total = 0;
        while (true)
        {
            final String line = line(in);
            final String size = line.split(";", 2)[0].trim();
            final long n;
            try
            {
                n = Long.parseLong(size, 16);
            }
            catch (final NumberFormatException e)
            {
                throw new IllegalStateException("bad chunk size: " + line, e);
            }
            if (n == 0)
            {
                while (!line(in).isEmpty())
                {
                    // trailer field, ignored
                }
                return total;
            }
            total += copy(in, out, sha256, n);
            if (!line(in).isEmpty())
            {
                throw new IllegalStateException("chunk not followed by CRLF");
            }
        }
    }

    private static String line(final InputStream in) throws IOException
    {
        final StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n')
        {
            if (b < 0)
            {
                throw new IllegalStateException("connection closed inside a chunked body");
            }
            if (line.length() > 4096)
            {
                throw new IllegalStateException("chunk line too long");
            }
            if (b != '\r')
            {
                line.append((char)b);
            }
        }
        return line.toString();
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException(e);
        }
    }
}
