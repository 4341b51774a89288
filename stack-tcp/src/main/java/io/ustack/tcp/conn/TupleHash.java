package io.ustack.tcp.conn;

/**
 * SipHash-1-3 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012; the variant Rust's HashMap uses) of
 * the 12-byte message {@code addresses} (8 bytes, little-endian) then {@code ports} (4 bytes, little-endian), under a
 * 128-bit secret key.
 *
 * <p>Why keyed: the table's slot comes from the hash, and a peer chooses its own address and port. With an unkeyed
 * or guessable hash it could open connections (or just send SYNs) whose tuples all land in one probe run and turn
 * every lookup into a linear scan (hash flooding). SipHash is a PRF: without the key, outputs look random, so the
 * peer can neither compute colliding tuples offline nor learn the key from the table's behaviour. Linux keys its
 * established-table hash the same way ({@code inet_ehashfn} with a boot-time secret). The key must come from a
 * {@code SecureRandom} in production; the simulator passes a fixed one to stay deterministic.
 */
final class TupleHash
{
    private final long k0;
    private final long k1;

    TupleHash(final long k0, final long k1)
    {
        this.k0 = k0;
        this.k1 = k1;
    }

    long hash(final long addresses, final int ports)
    {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;

        // Block 1: the 8 address bytes. One compression round (the "1" of 1-3).
        v3 ^= addresses;
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= addresses;

        // Last block: the 4 port bytes, zero padding, message length (12) in the top byte.
        final long last = (ports & 0xFFFF_FFFFL) | (12L << 56);
        v3 ^= last;
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= last;

        // Finalization: three rounds (the "3").
        v2 ^= 0xFF;
        for (int i = 0; i < 3; i++)
        {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
