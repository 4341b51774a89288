package io.ustack.runtime.tcp;

/**
 * A seeded byte stream any part of which can be produced on its own: byte {@code i} is byte {@code i % 8} of
 * SplitMix64 of {@code (seed, i / 8)}. A sender fills writes with it and a receiver checks every byte it reads at its
 * stream offset, so a wrong byte is reported with its exact position (which a hash of the whole stream cannot do).
 */
final class StreamPattern
{
    private final long seed;

    StreamPattern(final long seed)
    {
        this.seed = seed * 0x9E3779B97F4A7C15L;
    }

    /** Fills {@code into[offset, offset + length)} with the stream's bytes from {@code position}. */
    void fill(final long position, final byte[] into, final int offset, final int length)
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

    /**
     * Checks {@code from[offset, offset + length)} against the stream from {@code position}.
     *
     * @return -1 when every byte matches, else the stream position of the first byte that does not
     */
    long firstMismatch(final long position, final byte[] from, final int offset, final int length)
    {
        long word = position >>> 3;
        int shift = (int)(position & 7) * 8;
        long value = mix(word);
        for (int i = 0; i < length; i++)
        {
            if (from[offset + i] != (byte)(value >>> shift))
            {
                return position + i;
            }
            shift += 8;
            if (shift == 64)
            {
                shift = 0;
                value = mix(++word);
            }
        }
        return -1;
    }

    /** SplitMix64's output function (Steele, Lea, Flood 2014) of the {@code n}th state of this seed. */
    private long mix(final long n)
    {
        long z = seed + (n + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
