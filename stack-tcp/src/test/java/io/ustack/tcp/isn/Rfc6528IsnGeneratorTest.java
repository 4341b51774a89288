package io.ustack.tcp.isn;

import io.ustack.api.tcp.IsnGenerator;
import io.ustack.api.tcp.TcpPolicySettings;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Rfc6528IsnGeneratorTest
{
    private static final byte[] SECRET = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    private static final int LOCAL = 0x0a00_0001; // 10.0.0.1
    private static final int REMOTE = 0xc0a8_0102; // 192.168.1.2

    @Test
    @DisplayName("SipHash-2-4 paper, Appendix A: key 00..0f, message 00..0e gives 0xa129ca6149be45e5")
    void sipHashReferenceVector()
    {
        final byte[] key = new byte[16];
        final byte[] message = new byte[15];
        for (int i = 0; i < 16; i++)
        {
            key[i] = (byte)i;
        }
        for (int i = 0; i < 15; i++)
        {
            message[i] = (byte)i;
        }
        final long hash = new SipHash24().hash(SipHash24.keyHalf(key, 0), SipHash24.keyHalf(key, 1), message, 0, 15);
        assertEquals(0xa129ca6149be45e5L, hash);
    }

    @Test
    @DisplayName("SipHash-2-4 reference vectors: the empty message and 8 bytes (a whole word, no tail)")
    void sipHashMoreVectors()
    {
        final byte[] key = new byte[16];
        final byte[] message = new byte[8];
        for (int i = 0; i < 16; i++)
        {
            key[i] = (byte)i;
        }
        for (int i = 0; i < 8; i++)
        {
            message[i] = (byte)i;
        }
        final SipHash24 sip = new SipHash24();
        final long k0 = SipHash24.keyHalf(key, 0);
        final long k1 = SipHash24.keyHalf(key, 1);
        // vectors.h of the reference implementation, as little-endian 64-bit values
        assertEquals(0x726fdb47dd0e0e31L, sip.hash(k0, k1, message, 0, 0));
        assertEquals(0x93f5f5799a932462L, sip.hash(k0, k1, message, 0, 8));
    }

    @Test
    @DisplayName("RFC 6528 §3: the same 4-tuple at the same time gets the same ISN")
    void deterministic()
    {
        final Rfc6528IsnGenerator a = new Rfc6528IsnGenerator(SECRET);
        final Rfc6528IsnGenerator b = new Rfc6528IsnGenerator(SECRET.clone());
        assertEquals(a.isn(LOCAL, 80, REMOTE, 40000, 123_456_789L), b.isn(LOCAL, 80, REMOTE, 40000, 123_456_789L));
        assertEquals(a.isn(LOCAL, 80, REMOTE, 40000, 123_456_789L), a.isn(LOCAL, 80, REMOTE, 40000, 123_456_789L));
    }

    @Test
    @DisplayName("RFC 6528 §3 / RFC 9293 §3.4.1: M ticks every 4 µs, so the ISN advances 250,000 per second")
    void clock()
    {
        final IsnGenerator g = new Rfc6528IsnGenerator(SECRET);
        final long t = 5_000_000_000L;
        final int base = g.isn(LOCAL, 80, REMOTE, 40000, t);
        assertEquals(base, g.isn(LOCAL, 80, REMOTE, 40000, t + 3_999));
        assertEquals(base + 1, g.isn(LOCAL, 80, REMOTE, 40000, t + 4_000));
        assertEquals(base + 250_000, g.isn(LOCAL, 80, REMOTE, 40000, t + 1_000_000_000L));
        assertEquals(base - 250_000, g.isn(LOCAL, 80, REMOTE, 40000, t - 1_000_000_000L));
    }

    @Test
    @DisplayName("RFC 6528 §3: a different secret gives different ISNs")
    void secretMatters()
    {
        final byte[] other = SECRET.clone();
        other[15] ^= 1;
        assertNotEquals(new Rfc6528IsnGenerator(SECRET).isn(LOCAL, 80, REMOTE, 40000, 0),
            new Rfc6528IsnGenerator(other).isn(LOCAL, 80, REMOTE, 40000, 0));
    }

    @Test
    @DisplayName("RFC 6528 §3: the secret is 128 bits")
    void secretLength()
    {
        assertThrows(IllegalArgumentException.class, () -> new Rfc6528IsnGenerator(new byte[8]));
        assertThrows(IllegalArgumentException.class,
            () -> new Rfc6528IsnGenerator.Factory().create(new byte[15], TcpPolicySettings.EMPTY));
    }

    @Property(tries = 2000)
    @Label("RFC 6528 §3: different 4-tuples at the same time get different ISNs")
    void tuplesDiffer(@ForAll final int remote, @ForAll @IntRange(max = 65535) final int port,
        @ForAll @IntRange(max = 65535) final int otherPort, @ForAll @LongRange(min = 0) final long nowNs)
    {
        final IsnGenerator g = new Rfc6528IsnGenerator(SECRET);
        if (port != otherPort)
        {
            // Distinct tuples collide with probability 2^-32; at 2000 tries this is a real check, not a flake.
            assertNotEquals(g.isn(LOCAL, 80, remote, port, nowNs), g.isn(LOCAL, 80, remote, otherPort, nowNs));
        }
        assertNotEquals(g.isn(LOCAL, 80, remote, port, nowNs), g.isn(LOCAL, 80, remote ^ 0x0100_0000, port, nowNs));
    }

    @Property(tries = 1000)
    @Label("RFC 6528 §3: F is SipHash-2-4 of the 4-tuple as 12 bytes in network order")
    void tupleLayout(@ForAll final int local, @ForAll @IntRange(max = 65535) final int localPort,
        @ForAll final int remote, @ForAll @IntRange(max = 65535) final int remotePort)
    {
        final byte[] message = {
            (byte)(local >>> 24), (byte)(local >>> 16), (byte)(local >>> 8), (byte)local,
            (byte)(localPort >>> 8), (byte)localPort,
            (byte)(remote >>> 24), (byte)(remote >>> 16), (byte)(remote >>> 8), (byte)remote,
            (byte)(remotePort >>> 8), (byte)remotePort};
        final long expected = new SipHash24().hash(SipHash24.keyHalf(SECRET, 0), SipHash24.keyHalf(SECRET, 1),
            message, 0, message.length);
        final Rfc6528IsnGenerator g = new Rfc6528IsnGenerator(SECRET);
        assertEquals(expected, g.tupleHash(local, localPort, remote, remotePort));
        assertEquals((int)expected, g.isn(local, localPort, remote, remotePort, 0));
    }

    @Test
    @DisplayName("sequential ISNs (tests only): start, start + step, ... whatever the tuple")
    void sequential()
    {
        final IsnGenerator g = new SequentialIsnGenerator.Factory().create(new byte[0],
            TcpPolicySettings.parse("start=1000,step=10"));
        assertEquals(1000, g.isn(LOCAL, 1, REMOTE, 2, 0));
        assertEquals(1010, g.isn(REMOTE, 3, LOCAL, 4, 99));
        assertEquals(0, new SequentialIsnGenerator.Factory().create(SECRET).isn(0, 0, 0, 0, 0));
    }
}
