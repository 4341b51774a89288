package io.ustack.ip.checksum;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IncrementalUpdateTest
{
    @Provide
    Arbitrary<byte[]> packets()
    {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(2).ofMaxSize(1500)
            .map(p -> (p.length & 1) == 0 ? p : Arrays.copyOf(p, p.length - 1));
    }

    @Provide
    Arbitrary<Integer> fieldValues()
    {
        // Half the time one of the two one's complement zeros of RFC 1624 §3.
        return Arbitraries.oneOf(Arbitraries.of(0x0000, 0xFFFF), Arbitraries.integers().between(0, 0xFFFF));
    }

    @Property(tries = 2000)
    @Label("RFC 1624 §3: HC' = ~(~HC + ~m + m') equals recomputing after any 16-bit field changes")
    void incrementalUpdateEqualsRecompute(
        @ForAll("packets") final byte[] packet,
        @ForAll @IntRange(min = 0, max = 749) final int wordIndex,
        @ForAll("fieldValues") final int newField)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(packet);
        final int at = (wordIndex % (packet.length / 2)) * 2;
        assertUpdateEqualsRecompute(buffer, at, newField);
    }

    @Property(tries = 1000)
    @Label("RFC 1624 §3: the update is right when the old or new sum is one's complement zero (checksum 0x0000)")
    void incrementalUpdateAtTheZeroCorner(
        @ForAll("packets") final byte[] packet,
        @ForAll @IntRange(min = 0, max = 749) final int wordIndex,
        @ForAll("fieldValues") final int newField,
        @ForAll final boolean balanceAfterChange)
    {
        Assume.that(packet.length >= 4);
        final UnsafeBuffer buffer = new UnsafeBuffer(packet);
        final int words = packet.length / 2;
        final int at = (wordIndex % words) * 2;
        final int balance = ((wordIndex + 1) % words) * 2;
        if (balanceAfterChange)
        {
            buffer.putShort(at, (short)newField, ByteOrder.BIG_ENDIAN);
        }
        // Make the whole sum 0xFFFF (one's complement -0) by choosing the balancing word: the checksum is then 0x0000.
        buffer.putShort(balance, (short)0, ByteOrder.BIG_ENDIAN);
        final int rest = InternetChecksum.sum(buffer, 0, packet.length, 0);
        buffer.putShort(balance, (short)(~rest), ByteOrder.BIG_ENDIAN);
        Assume.that(InternetChecksum.sum(buffer, 0, packet.length, 0) == 0xFFFF);
        if (balanceAfterChange)
        {
            // Put an arbitrary old value back, so the change lands on the balanced sum.
            buffer.putShort(at, (short)(newField * 31 + 7), ByteOrder.BIG_ENDIAN);
        }
        assertUpdateEqualsRecompute(buffer, at, newField);
    }

    @Example
    @Label("RFC 1624 §3: HC 0xdd2f, m 0x5555 -> m' 0x3285 gives 0x0000, where RFC 1141's equation gave 0xffff")
    void rfc1624Example()
    {
        // Data whose sum is ~0xdd2f = 0x22d0 with a 0x5555 field: 0x5555 + 0xcd7a = 0x122cf -> 0x22d0.
        final UnsafeBuffer buffer = new UnsafeBuffer(io.ustack.ip.Hex.bytes("5555 cd7a"));
        assertEquals(0xDD2F, InternetChecksum.compute(buffer, 0, 4));
        assertEquals(0x0000, InternetChecksum.update(0xDD2F, 0x5555, 0x3285));
        buffer.putShort(0, (short)0x3285, ByteOrder.BIG_ENDIAN);
        assertEquals(0x0000, InternetChecksum.compute(buffer, 0, 4));
    }

    @Example
    @Label("RFC 1624 §3: when the data become all zero, the update yields +0 (0x0000) where recomputing yields -0")
    void allZeroDataIsTheOneDivergence()
    {
        // Only reachable if every other byte is zero, which no IPv4, TCP, UDP or ICMP header is (IPv4's version is 4;
        // the transport checksums include the non-zero pseudo-header). Recorded here so nobody is surprised.
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4]);
        buffer.putShort(0, (short)0x1234, ByteOrder.BIG_ENDIAN);
        final int before = InternetChecksum.compute(buffer, 0, 4);
        buffer.putShort(0, (short)0, ByteOrder.BIG_ENDIAN);
        assertEquals(0xFFFF, InternetChecksum.compute(buffer, 0, 4));
        assertEquals(0x0000, InternetChecksum.update(before, 0x1234, 0));
    }

    private static void assertUpdateEqualsRecompute(final UnsafeBuffer buffer, final int at, final int newField)
    {
        final int length = buffer.capacity();
        final int oldChecksum = InternetChecksum.compute(buffer, 0, length);
        final int oldField = buffer.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(at, (short)newField, ByteOrder.BIG_ENDIAN);
        Assume.that(!allZero(buffer));
        final int recomputed = InternetChecksum.compute(buffer, 0, length);
        assertEquals(recomputed, InternetChecksum.update(oldChecksum, oldField, newField),
            () -> String.format("HC %04x m %04x m' %04x", oldChecksum, oldField, newField));
    }

    private static boolean allZero(final UnsafeBuffer buffer)
    {
        for (int i = 0; i < buffer.capacity(); i++)
        {
            if (buffer.getByte(i) != 0)
            {
                return false;
            }
        }
        return true;
    }
}
