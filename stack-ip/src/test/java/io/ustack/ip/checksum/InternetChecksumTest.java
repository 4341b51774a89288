package io.ustack.ip.checksum;

import org.agrona.BufferUtil;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.ustack.ip.Hex.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InternetChecksumTest
{
    private static final int MAX_LENGTH = 9000;
    private static final int ALIGNMENTS = 8;

    @Test
    @DisplayName("RFC 1071 §2(B): fast sum equals the 16-bit reference for every length 0..9000 at every alignment 0..7")
    void fastSumEqualsPlainForEveryLengthAndAlignment()
    {
        // 64-byte aligned memory, so offset k really is at address alignment k (mod 8).
        final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_LENGTH + 64, 64));
        final SplittableRandom random = new SplittableRandom(0x1071);
        final byte[] fill = new byte[MAX_LENGTH + ALIGNMENTS];
        for (int length = 0; length <= MAX_LENGTH; length++)
        {
            random.nextBytes(fill);
            buffer.putBytes(0, fill, 0, length + ALIGNMENTS);
            for (int alignment = 0; alignment < ALIGNMENTS; alignment++)
            {
                final int initialSum = random.nextInt();
                final int expected = PlainChecksum.sum(buffer, alignment, length, initialSum);
                final int actual = InternetChecksum.sum(buffer, alignment, length, initialSum);
                if (expected != actual)
                {
                    assertEquals(expected, actual, "length " + length + " alignment " + alignment);
                }
            }
        }
    }

    @Test
    @DisplayName("RFC 1071 §2(B): fast sum equals the reference over on-heap buffers at odd and even offsets")
    void fastSumEqualsPlainOnHeap()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final byte[] bytes = new byte[2048];
        random.nextBytes(bytes);
        final MutableDirectBuffer expandable = new ExpandableArrayBuffer(4096);
        expandable.putBytes(0, bytes);
        final UnsafeBuffer arrayView = new UnsafeBuffer(bytes, 3, 2000);
        for (int length = 0; length < 1990; length += 7)
        {
            for (int offset = 0; offset < 8; offset++)
            {
                assertEquals(PlainChecksum.sum(expandable, offset, length, 0),
                    InternetChecksum.sum(expandable, offset, length, 0), "expandable " + length + "@" + offset);
                assertEquals(PlainChecksum.sum(arrayView, offset, length, 0),
                    InternetChecksum.sum(arrayView, offset, length, 0), "view " + length + "@" + offset);
            }
        }
    }

    @Test
    @DisplayName("RFC 1071 §3: the numeric example 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d")
    void rfc1071NumericExample()
    {
        final byte[] example = bytes("0001 f203 f4f5 f6f7");
        for (int offset = 0; offset < 8; offset++)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[offset + example.length]);
            buffer.putBytes(offset, example);
            assertEquals(0xDDF2, InternetChecksum.sum(buffer, offset, example.length, 0), "offset " + offset);
            assertEquals(0xDDF2, PlainChecksum.sum(buffer, offset, example.length, 0), "offset " + offset);
            assertEquals(0x220D, InternetChecksum.compute(buffer, offset, example.length), "offset " + offset);
        }
    }

    @Test
    @DisplayName("RFC 1071 §4.1: an odd last byte counts as the high byte of a zero-padded word")
    void oddLastBytePaddedWithZero()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes("0102 03"));
        assertEquals(0x0402, InternetChecksum.sum(buffer, 0, 3, 0));
        assertEquals(0x0100, InternetChecksum.sum(buffer, 0, 1, 0));
        assertEquals(0x0203, InternetChecksum.sum(buffer, 1, 2, 0));
        assertEquals(0x0300, InternetChecksum.sum(buffer, 2, 1, 0));
    }

    @Test
    @DisplayName("RFC 1071 §2(C): an initial sum carries in, with end-around carry, as an unsigned 32-bit value")
    void initialSumCarriesIn()
    {
        final UnsafeBuffer ones = new UnsafeBuffer(new byte[4096]);
        ones.setMemory(0, 4096, (byte)0xFF);
        assertEquals(0x0000, InternetChecksum.sum(ones, 0, 0, 0));
        assertEquals(0xFFFF, InternetChecksum.sum(ones, 0, 0, 0x1_FFFE));
        assertEquals(0x0001, InternetChecksum.sum(ones, 0, 0, 0x1_0000));
        assertEquals(0xFFFF, InternetChecksum.sum(ones, 0, 0, 0xFFFF_FFFF));
        assertEquals(0x0001, InternetChecksum.sum(new UnsafeBuffer(bytes("ffff")), 0, 2, 0x0001));
        assertEquals(0x1235, InternetChecksum.sum(new UnsafeBuffer(bytes("ffff")), 0, 2, 0x1235));

        final int[] initials = {0, 1, 0xFFFF, 0x1_0000, 0x1_FFFE, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, -2};
        for (final int initial : initials)
        {
            for (int length = 0; length <= 4096; length += 1 + length / 3)
            {
                for (int offset = 0; offset < 2 && offset + length <= 4096; offset++)
                {
                    assertEquals(PlainChecksum.sum(ones, offset, length, initial),
                        InternetChecksum.sum(ones, offset, length, initial),
                        "all ones, length " + length + " offset " + offset + " initial " + initial);
                }
            }
        }
    }

    @Test
    @DisplayName("RFC 1071 §2(C): a 1 MiB run of 0xff, the most carries, sums like the reference")
    void mostCarries()
    {
        final int length = 1 << 20;
        final UnsafeBuffer ones = new UnsafeBuffer(BufferUtil.allocateDirectAligned(length + 8, 64));
        ones.setMemory(0, length + 8, (byte)0xFF);
        assertEquals(PlainChecksum.sum(ones, 1, length + 1, 0), InternetChecksum.sum(ones, 1, length + 1, 0));
        assertEquals(0xFFFF, InternetChecksum.sum(ones, 0, length, 0));
    }

    @Test
    @DisplayName("RFC 1071 §1: summing the data with its checksum gives all ones (verification)")
    void dataPlusChecksumSumsToAllOnes()
    {
        final SplittableRandom random = new SplittableRandom(3);
        for (int length = 2; length < 600; length += 2)
        {
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            buffer.putShort(0, (short)0);
            buffer.putShort(0, (short)InternetChecksum.compute(buffer, 0, length), java.nio.ByteOrder.BIG_ENDIAN);
            assertEquals(0xFFFF, InternetChecksum.sum(buffer, 0, length, 0), "length " + length);
        }
    }

    @Test
    @DisplayName("RFC 768: pseudo-header sum of 198.18.0.1 -> 198.18.0.2, UDP, length 20 is 0x8c4d (by hand)")
    void pseudoHeaderSumByHand()
    {
        // c612 + 0001 + c612 + 0002 + 0011 + 0014 = 0x18c4c; end-around carry: 0x8c4c + 1 = 0x8c4d.
        assertEquals(0x8C4D, InternetChecksum.pseudoHeaderSum(0xC612_0001, 0xC612_0002, 17, 20));
        // ffff + ffff + ffff + ffff + 00ff + ffff: every field at its maximum.
        assertEquals(InternetChecksum.fold(4L * 0xFFFF + 0xFF + 0xFFFF),
            InternetChecksum.pseudoHeaderSum(0xFFFF_FFFF, 0xFFFF_FFFF, 0xFF, 0xFFFF));
    }

    @Test
    @DisplayName("RFC 768: pseudo-header plus a captured 2008-byte UDP datagram (198.18.0.1 -> 198.18.0.2:9) verifies")
    void pseudoHeaderVerifiesCapturedUdp()
    {
        // The UDP header of a datagram captured over a veth pair between two namespaces (see
        // wire.GoldenPackets.FIRST_FRAGMENT); it was fragmented, so the kernel computed the checksum in software.
        // Its 2000 payload bytes are the pattern the sender wrote. (Loopback captures are no use here: lo offloads
        // the UDP checksum and tcpdump sees only the pseudo-header sum in the field.)
        final byte[] datagram = io.ustack.ip.Hex.concat(bytes("e3cb 0009 07d8 3c19"), io.ustack.ip.Hex.pattern(0, 2000));
        final UnsafeBuffer udp = new UnsafeBuffer(datagram);
        final int pseudo = InternetChecksum.pseudoHeaderSum(0xC612_0001, 0xC612_0002, 17, datagram.length);
        assertEquals(0xFFFF, InternetChecksum.sum(udp, 0, datagram.length, pseudo));
        assertEquals(0xFFFF, PlainChecksum.sum(udp, 0, datagram.length, pseudo));
    }

    @Test
    @DisplayName("RFC 1071: a range outside the buffer throws, an empty or negative length reads nothing")
    void rangeOutsideBufferThrows()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.sum(buffer, 1, 16, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.sum(buffer, -1, 4, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.sum(buffer, Integer.MAX_VALUE, 8, 0));
        assertEquals(0x1234, InternetChecksum.sum(buffer, 16, 0, 0x1234));
        assertEquals(0x1234, InternetChecksum.sum(buffer, 99, -3, 0x1234));
    }
}
