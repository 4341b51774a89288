package io.ustack.cli;

import io.ustack.api.socket.TcpSocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * {@code --app http}: a minimal HTTP/1.1 server (RFC 9112), one request per connection ({@code Connection: close}).
 * Without a directory, {@code GET /bytes/N} answers N bytes of {@link BytesPattern} and {@code GET /} a short text
 * page; with one ({@code http=DIR}), files under it through {@link StaticFiles} (a directory without index.html as a
 * plain-text listing). Anything else 404, a path leading out of the directory 403, a malformed request 400, a method
 * other than GET or HEAD 405.
 */
final class HttpApp implements ServeCommand.App
{
    /** The largest /bytes/N served: 1 TiB. */
    static final long MAX_BYTES = 1L << 40;

    private static final int MAX_HEAD = 16 * 1024;
    private static final int CHUNK = 64 * 1024;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final String banner;
    private final StaticFiles files;

    /** @param files the directory to serve, or null for the generated {@code /bytes/N} */
    HttpApp(final String banner, final StaticFiles files)
    {
        this.banner = banner;
        this.files = files;
    }

    @Override
    public void serve(final TcpSocket socket, final ServeCommand.Counters counters, final BooleanSupplier stopping)
        throws IOException
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
        new Response(socket, counters, stopping).respond(head);
        // Our FIN goes after the response (cut short on a stop); wait for the client's (it closes once it has the
        // body), then close.
        AppIo.finish(socket, counters);
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

    private static byte[] head(final int status, final String reason, final String type, final long length)
    {
        return ("HTTP/1.1 " + status + " " + reason + "\r\nServer: ustack\r\nContent-Type: " + type
            + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One response on one connection. */
    private final class Response
    {
        private final TcpSocket socket;
        private final ServeCommand.Counters counters;
        private final BooleanSupplier stopping;

        Response(final TcpSocket socket, final ServeCommand.Counters counters, final BooleanSupplier stopping)
        {
            this.socket = socket;
            this.counters = counters;
            this.stopping = stopping;
        }

        void respond(final String head) throws IOException
        {
            final String[] lines = head.split("\r?\n");
            final String[] request = lines[0].split(" ", -1);
            if (request.length != 3 || request[0].isEmpty() || !request[1].startsWith("/")
                || !request[2].matches("HTTP/1\\.[0-9]") || !headersWellFormed(lines))
            {
                text(400, "Bad Request", "malformed request\n", true);
                return;
            }
            final boolean body = !request[0].equals("HEAD");
            if (!request[0].equals("GET") && body)
            {
                text(405, "Method Not Allowed", "only GET and HEAD\n", true);
                return;
            }
            final int query = request[1].indexOf('?');
            final String path = query < 0 ? request[1] : request[1].substring(0, query);
            if (files != null)
            {
                file(path, body);
            }
            else if (path.equals("/"))
            {
                text(200, "OK", banner, body);
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
                    text(400, "Bad Request", "use /bytes/N with N from 0 to " + MAX_BYTES + "\n", body);
                    return;
                }
                bytes(n, body);
            }
            else
            {
                text(404, "Not Found", "not found: " + path + "\n", body);
            }
        }

        /** A file or directory under {@code http=DIR}. */
        private void file(final String rawPath, final boolean body) throws IOException
        {
            final StaticFiles.Lookup lookup = files.lookup(rawPath);
            switch (lookup.status())
            {
                case 200:
                    break;
                case 403:
                    text(403, "Forbidden", "forbidden: " + rawPath + "\n", body);
                    return;
                case 404:
                    text(404, "Not Found", "not found: " + rawPath + "\n", body);
                    return;
                default:
                    text(400, "Bad Request", "malformed path: " + rawPath + "\n", body);
                    return;
            }
            if (Files.isDirectory(lookup.path()))
            {
                text(200, "OK", listing(lookup.path()), body);
                return;
            }
            try (FileChannel channel = FileChannel.open(lookup.path(), StandardOpenOption.READ))
            {
                final long size = channel.size();
                write(head(200, "OK", "application/octet-stream", size));
                if (!body)
                {
                    return;
                }
                final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
                for (long sent = 0; sent < size; )
                {
                    chunk.clear().limit((int)Math.min(CHUNK, size - sent));
                    if (channel.read(chunk, sent) < 0)
                    {
                        throw new IOException(lookup.path() + " shrank while being sent");
                    }
                    sent += chunk.flip().remaining();
                    if (!write(chunk))
                    {
                        return;
                    }
                }
            }
        }

        private void text(final int status, final String reason, final String text, final boolean body)
            throws IOException
        {
            final byte[] content = text.getBytes(StandardCharsets.UTF_8);
            write(head(status, reason, "text/plain; charset=utf-8", content.length));
            if (body)
            {
                write(content);
            }
        }

        private void bytes(final long n, final boolean body) throws IOException
        {
            write(head(200, "OK", "application/octet-stream", n));
            if (!body)
            {
                return;
            }
            final byte[] chunk = new byte[CHUNK];
            for (long sent = 0; sent < n; )
            {
                final int length = (int)Math.min(CHUNK, n - sent);
                BytesPattern.fill(sent, chunk, 0, length);
                if (!write(ByteBuffer.wrap(chunk, 0, length)))
                {
                    return;
                }
                sent += length;
            }
        }

        private boolean write(final byte[] bytes) throws IOException
        {
            return write(ByteBuffer.wrap(bytes));
        }

        /** Queues {@code bytes}; false when a stop came first (the rest of the response is not sent). */
        private boolean write(final ByteBuffer bytes) throws IOException
        {
            final int length = bytes.remaining();
            final boolean all = AppIo.write(socket, bytes, stopping);
            counters.bytesOut.addAndGet(length - bytes.remaining());
            return all;
        }
    }

    /** A directory as plain text: one name a line, directories with a trailing slash, sorted. */
    private static String listing(final Path directory) throws IOException
    {
        final StringBuilder text = new StringBuilder();
        try (Stream<Path> entries = Files.list(directory))
        {
            entries.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).sorted()
                .forEach(name -> text.append(name).append('\n'));
        }
        return text.toString();
    }
}
