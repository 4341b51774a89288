package io.ustack.cli;

/**
 * The fixed pseudo-random bytes {@code ustack serve --app http} answers {@code GET /bytes/N} with: byte {@code i} is
 * byte {@code i % 8} (little-endian) of SplitMix64 of {@code i / 8}. Any range can be produced on its own, so a
 * client can check a download without the server.
 */
final class BytesPattern
{
    private BytesPattern()
    {
    }

    /** Fills {@code length} bytes of {@code into} from {@code offset} with the pattern from stream position {@code position}. */
    static void fill(final long position, final byte[] into, final int offset, final int length)
    {
        long word = position >>> 3;
        int shift = (int)(position & 7) * 8;
        long value = mix(word);
        for (int i = 0; i < length; i++)
        {
            into[offset + i] = (byte)(value >>> shift);
            shift += 8;
            if (shift == 64)
            {
                shift = 0;
                value = mix(++word);
            }
        }
    }

    /** SplitMix64's output function for the {@code n}th state (Steele, Lea, Flood 2014). */
    private static long mix(final long n)
    {
        long z = (n + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
