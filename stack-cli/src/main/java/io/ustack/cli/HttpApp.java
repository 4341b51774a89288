package io.ustack.cli;

import io.ustack.api.socket.TcpSocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code --app http}: a minimal HTTP/1.1 server (RFC 9112), one request per connection ({@code Connection: close}).
 * {@code GET /bytes/N} answers N bytes of {@link BytesPattern}; {@code GET /} a short text page; anything else 404,
 * a malformed request 400, a method other than GET or HEAD 405.
 */
final class HttpApp implements ServeCommand.App
{
    /** The largest /bytes/N served: 1 TiB. */
    static final long MAX_BYTES = 1L << 40;

    private static final int MAX_HEAD = 16 * 1024;
    private static final int CHUNK = 64 * 1024;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);

    private final String banner;

    HttpApp(final String banner)
    {
        this.banner = banner;
    }

    @Override
    public void serve(final TcpSocket socket, final ServeCommand.Counters counters) throws IOException
    {
        final SocketInput in = new SocketInput(socket, REQUEST_TIMEOUT);
        final String head;
        try
        {
            head = readHead(in);
        }
        catch (final SocketTimeoutException e)
        {
            counters.bytesIn.addAndGet(in.bytes());
            socket.abort();
            return;
        }
        counters.bytesIn.addAndGet(in.bytes());
        if (head == null)
        {
            socket.close(); // closed before a whole request: nothing to answer
            return;
        }
        respond(socket, head, counters);
        // Our FIN goes after the response; wait for the client's (it closes once it has the body), then close.
        // Reading to the end also keeps any extra bytes it sent from turning our close into a reset.
        socket.shutdownOutput();
        final byte[] sink = new byte[4096];
        try
        {
            int n;
            while ((n = in.read(sink, 0, sink.length)) >= 0)
            {
                counters.bytesIn.addAndGet(n);
            }
        }
        catch (final SocketTimeoutException e)
        {
            // the client keeps the connection open: close anyway
        }
        socket.close();
    }

    /** The request head up to the blank line (exclusive), "" when malformed (too long), null at EOF before it. */
    private static String readHead(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0; // bytes of "\r\n\r\n" (or "\n\n") matched
        while (true)
        {
            final int b = in.read();
            if (b < 0)
            {
                return null;
            }
            head.write(b);
            if (b == '\n')
            {
                state = state == 0 ? 1 : 2;
            }
            else if (b != '\r')
            {
                state = 0;
            }
            if (state == 2)
            {
                return head.toString(StandardCharsets.ISO_8859_1).strip();
            }
            if (head.size() > MAX_HEAD)
            {
                return "";
            }
        }
    }

    private void respond(final TcpSocket socket, final String head, final ServeCommand.Counters counters)
        throws IOException
    {
        final String[] lines = head.split("\r?\n");
        final String[] request = lines[0].split(" ", -1);
        if (request.length != 3 || request[0].isEmpty() || !request[1].startsWith("/")
            || !request[2].matches("HTTP/1\\.[0-9]") || !headersWellFormed(lines))
        {
            text(socket, counters, 400, "Bad Request", "malformed request\n", true);
            return;
        }
        final boolean body = !request[0].equals("HEAD");
        if (!request[0].equals("GET") && body)
        {
            text(socket, counters, 405, "Method Not Allowed", "only GET and HEAD\n", true);
            return;
        }
        final int query = request[1].indexOf('?');
        final String path = query < 0 ? request[1] : request[1].substring(0, query);
        if (path.equals("/"))
        {
            text(socket, counters, 200, "OK", banner, body);
        }
        else if (path.startsWith("/bytes/"))
        {
            final String count = path.substring("/bytes/".length());
            long n = -1;
            if (count.matches("[0-9]{1,13}"))
            {
                n = Long.parseLong(count);
            }
            if (n < 0 || n > MAX_BYTES)
            {
                text(socket, counters, 400, "Bad Request", "use /bytes/N with N from 0 to " + MAX_BYTES + "\n", body);
                return;
            }
            bytes(socket, counters, n, body);
        }
        else
        {
            text(socket, counters, 404, "Not Found", "not found: " + path + "\n", body);
        }
    }

    private static boolean headersWellFormed(final String[] lines)
    {
        for (int i = 1; i < lines.length; i++)
        {
            final int colon = lines[i].indexOf(':');
            if (colon < 1 || lines[i].substring(0, colon).contains(" "))
            {
                return false;
            }
        }
        return true;
    }

    private static void text(final TcpSocket socket, final ServeCommand.Counters counters, final int status,
        final String reason, final String text, final boolean body) throws IOException
    {
        final byte[] content = text.getBytes(StandardCharsets.UTF_8);
        write(socket, counters, head(status, reason, "text/plain; charset=utf-8", content.length));
        if (body)
        {
            write(socket, counters, content);
        }
    }

    private static void bytes(final TcpSocket socket, final ServeCommand.Counters counters, final long n,
        final boolean body) throws IOException
    {
        write(socket, counters, head(200, "OK", "application/octet-stream", n));
        if (!body)
        {
            return;
        }
        final byte[] chunk = new byte[CHUNK];
        for (long sent = 0; sent < n; )
        {
            final int length = (int)Math.min(CHUNK, n - sent);
            BytesPattern.fill(sent, chunk, 0, length);
            write(socket, counters, ByteBuffer.wrap(chunk, 0, length));
            sent += length;
        }
    }

    private static byte[] head(final int status, final String reason, final String type, final long length)
    {
        return ("HTTP/1.1 " + status + " " + reason + "\r\nServer: ustack\r\nContent-Type: " + type
            + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void write(final TcpSocket socket, final ServeCommand.Counters counters, final byte[] bytes)
        throws IOException
    {
        write(socket, counters, ByteBuffer.wrap(bytes));
    }

    private static void write(final TcpSocket socket, final ServeCommand.Counters counters, final ByteBuffer bytes)
        throws IOException
    {
        final int length = bytes.remaining();
        socket.write(bytes, WRITE_TIMEOUT);
        counters.bytesOut.addAndGet(length);
    }
}
