package io.ustack.tcp.conn;

import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The specialised SipHash-1-3 against a plain byte-at-a-time SipHash checked on the paper's test vector. */
class TupleHashTest
{
    @Test
    @DisplayName("the reference SipHash-2-4 gives the paper's vector (key 00..0f, message 00..0e)")
    void referenceMatchesPaper()
    {
        final byte[] message = new byte[15];
        for (int i = 0; i < message.length; i++)
        {
            message[i] = (byte)i;
        }
        assertEquals(0xa129ca6149be45e5L, sipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, message, 2, 4));
    }

    @Property(tries = 2000)
    @Label("TupleHash is SipHash-1-3 of the 12 little-endian bytes (addresses, ports)")
    void matchesReference(@ForAll final long k0, @ForAll final long k1, @ForAll final long addresses,
        @ForAll final int ports)
    {
        final byte[] message = new byte[12];
        for (int i = 0; i < 8; i++)
        {
            message[i] = (byte)(addresses >>> (8 * i));
        }
        for (int i = 0; i < 4; i++)
        {
            message[8 + i] = (byte)(ports >>> (8 * i));
        }
        assertEquals(sipHash(k0, k1, message, 1, 3), new TupleHash(k0, k1).hash(addresses, ports));
    }

    @Test
    @DisplayName("the secret changes the hash of the same tuple")
    void keyed()
    {
        assertNotEquals(new TupleHash(1, 2).hash(0x0A000001_0A000002L, 0x1F900050),
            new TupleHash(1, 3).hash(0x0A000001_0A000002L, 0x1F900050));
    }

    /** Straight from the paper: 8-byte little-endian blocks, last block padded with the length in its top byte. */
    static long sipHash(final long k0, final long k1, final byte[] message, final int cRounds, final int dRounds)
    {
        final long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L,
            k1 ^ 0x7465646279746573L};
        final int blocks = message.length / 8;
        for (int b = 0; b <= blocks; b++)
        {
            long m = 0;
            if (b < blocks)
            {
                for (int i = 7; i >= 0; i--)
                {
                    m = (m << 8) | (message[8 * b + i] & 0xFF);
                }
            }
            else
            {
                for (int i = message.length - 1; i >= 8 * blocks; i--)
                {
                    m = (m << 8) | (message[i] & 0xFF);
                }
                m |= (long)(message.length & 0xFF) << 56;
            }
            v[3] ^= m;
            for (int r = 0; r < cRounds; r++)
            {
                round(v);
            }
            v[0] ^= m;
        }
        v[2] ^= 0xFF;
        for (int r = 0; r < dRounds; r++)
        {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void round(final long[] v)
    {
        v[0] += v[1]; v[1] = Long.rotateLeft(v[1], 13); v[1] ^= v[0]; v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3]; v[3] = Long.rotateLeft(v[3], 16); v[3] ^= v[2];
        v[0] += v[3]; v[3] = Long.rotateLeft(v[3], 21); v[3] ^= v[0];
        v[2] += v[1]; v[1] = Long.rotateLeft(v[1], 17); v[1] ^= v[2]; v[2] = Long.rotateLeft(v[2], 32);
    }
}
