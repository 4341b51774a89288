package io.ustack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex of what a transfer moved: a file, or the first N bytes of {@link BytesPattern}. */
final class Sha256
{
    private Sha256()
    {
    }

    /** The file's SHA-256. */
    static String of(final Path file)
    {
        final MessageDigest sha = digest();
        try (InputStream in = Files.newInputStream(file))
        {
            final byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                sha.update(buffer, 0, n);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** SHA-256 of the first {@code n} bytes of {@link BytesPattern}: what {@code GET /bytes/N} must deliver. */
    static String pattern(final long n)
    {
        final MessageDigest sha = digest();
        final byte[] chunk = new byte[1 << 16];
        for (long done = 0; done < n; )
        {
            final int length = (int)Math.min(chunk.length, n - done);
            BytesPattern.fill(done, chunk, 0, length);
            sha.update(chunk, 0, length);
            done += length;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest digest()
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
