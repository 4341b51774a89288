package io.ustack.tcp.isn;

/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed 64-bit hash, the PRF
 * Linux also uses for ISNs ({@code secure_tcp_seq}). Two compression rounds per 8-byte word, four finalisation rounds.
 *
 * <p>Used as a small state machine so that nothing is allocated: {@link #init(long, long)}, {@link #compress(long)}
 * for each full little-endian word, {@link #finish(long)} with the last block (the remaining bytes, little-endian, and
 * the message length modulo 256 in the top byte). {@link #hash(long, long, byte[], int, int)} does all three for a
 * byte array. Not thread-safe.
 */
public final class SipHash24
{
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    /**
     * Reads a 128-bit key given as 16 bytes the way the paper does: k0 from bytes 0..7, k1 from 8..15, little-endian.
     *
     * @param key 16 bytes
     * @param index 0 for k0, 1 for k1
     * @return that half of the key
     */
    public static long keyHalf(final byte[] key, final int index)
    {
        if (key.length != 16)
        {
            throw new IllegalArgumentException("a SipHash key is 16 bytes, not " + key.length);
        }
        return littleEndian(key, index * 8, 8);
    }

    /**
     * Starts a hash.
     *
     * @param k0 first key half
     * @param k1 second key half
     * @return this
     */
    public SipHash24 init(final long k0, final long k1)
    {
        v0 = k0 ^ 0x736f6d6570736575L; // "somepseudorandomlygeneratedbytes"
        v1 = k1 ^ 0x646f72616e646f6dL;
        v2 = k0 ^ 0x6c7967656e657261L;
        v3 = k1 ^ 0x7465646279746573L;
        return this;
    }

    /**
     * Absorbs one full 8-byte word of the message.
     *
     * @param m the word, little-endian
     * @return this
     */
    public SipHash24 compress(final long m)
    {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
        return this;
    }

    /**
     * Absorbs the last block and finalises.
     *
     * @param lastBlock the 0..7 remaining bytes little-endian, with (length mod 256) in bits 56..63
     * @return the 64-bit hash
     */
    public long finish(final long lastBlock)
    {
        compress(lastBlock);
        v2 ^= 0xff;
        round();
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /**
     * Hashes a byte range.
     *
     * @param k0 first key half
     * @param k1 second key half
     * @param data the message
     * @param offset where it starts
     * @param length its length
     * @return the 64-bit hash
     */
    public long hash(final long k0, final long k1, final byte[] data, final int offset, final int length)
    {
        init(k0, k1);
        final int fullWords = length / 8;
        for (int i = 0; i < fullWords; i++)
        {
            compress(littleEndian(data, offset + i * 8, 8));
        }
        final int rest = length - fullWords * 8;
        return finish(littleEndian(data, offset + fullWords * 8, rest) | ((long)length << 56));
    }

    private void round()
    {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
    }

    private static long littleEndian(final byte[] data, final int offset, final int count)
    {
        long value = 0;
        for (int i = 0; i < count; i++)
        {
            value |= (data[offset + i] & 0xffL) << (8 * i);
        }
        return value;
    }
}
