package io.ustack.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Maps a request path of {@code ustack serve --app http=DIR} to a file under DIR, and nothing outside it: the path
 * is percent-decoded (RFC 3986 §2.1) once, then any {@code ..} segment, NUL or backslash is refused (403), and the
 * file's real path (symbolic links followed) must still lie under DIR's real path (403 otherwise). A missing file is
 * a 404.
 */
final class StaticFiles
{
    /** Where a request path leads: a status, and for 200 the file or directory. */
    record Lookup(int status, Path path)
    {
    }

    private final Path root;

    /** @param root an existing directory (checked by {@link AppSpec}) */
    StaticFiles(final Path root) throws IOException
    {
        this.root = root.toRealPath();
    }

    /** The directory served. */
    Path root()
    {
        return root;
    }

    /** Looks up {@code rawPath}, the request target's path (no query), still percent-encoded. */
    Lookup lookup(final String rawPath)
    {
        final String path = decode(rawPath);
        if (path == null)
        {
            return new Lookup(400, null);
        }
        if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0)
        {
            return new Lookup(403, null);
        }
        for (final String segment : path.split("/"))
        {
            if (segment.equals(".."))
            {
                return new Lookup(403, null);
            }
        }
        final Path candidate = root.resolve(path.substring(1)).normalize();
        if (!candidate.startsWith(root))
        {
            return new Lookup(403, null);
        }
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS) && !Files.exists(candidate))
        {
            return new Lookup(404, null);
        }
        final Path real;
        try
        {
            real = candidate.toRealPath();
        }
        catch (final IOException e)
        {
            return new Lookup(404, null); // a dangling symbolic link
        }
        if (!real.startsWith(root))
        {
            return new Lookup(403, null); // a symbolic link out of the served directory
        }
        if (Files.isDirectory(real))
        {
            final Path index = real.resolve("index.html");
            if (Files.isRegularFile(index) && Files.isReadable(index))
            {
                return new Lookup(200, index);
            }
            return new Lookup(Files.isReadable(real) ? 200 : 403, real);
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real))
        {
            return new Lookup(403, null); // a device, fifo or socket, or no permission
        }
        return new Lookup(200, real);
    }

    /** Percent-decodes {@code raw} as UTF-8; null when an escape is malformed or the bytes are not UTF-8. */
    static String decode(final String raw)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++)
        {
            final char c = raw.charAt(i);
            if (c == '%')
            {
                if (i + 2 >= raw.length())
                {
                    return null;
                }
                final int high = Character.digit(raw.charAt(i + 1), 16);
                final int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0)
                {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            }
            else if (c > 0x7e || c < 0x21)
            {
                return null; // RFC 9112 §3.2: the target has no spaces or controls; non-ASCII must be escaped
            }
            else
            {
                bytes.write(c);
            }
        }
        final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        try
        {
            return utf8.decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        }
        catch (final CharacterCodingException e)
        {
            return null;
        }
    }
}
