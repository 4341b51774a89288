package io.ustack.udp.wire;

import io.ustack.api.counter.DropReason;
import io.ustack.ip.checksum.InternetChecksum;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpHeaderTest
{
    static final int ADDR_A = 0xC612_0001; // 198.18.0.1
    static final int ADDR_B = 0xC612_0002; // 198.18.0.2

    /**
     * A real datagram, UDP header onwards: captured with {@code tcpdump -i va -w v.pcap 'udp port 18081'} on one end
     * of a veth pair between two network namespaces (198.18.0.1 and 198.18.0.2, transmit checksum offload turned off
     * with SIOCETHTOOL so the checksum on the wire is complete, unlike on {@code lo}) while
     * {@code python3 -c "...s.bind(('198.18.0.1', 40001)); s.sendto(b'ustack golden udp\n', ('198.18.0.2', 18081))"}
     * sent it from 198.18.0.1. tcpdump reported the checksum correct.
     */
    static final String DATAGRAM = "9c4146a1001afba675737461636b20676f6c64656e207564700a";

    private final UdpHeader header = new UdpHeader();

    static byte[] bytes(final String hex)
    {
        final byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = (byte)Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    /** A buffer that is exactly {@code bytes[0, length)}: any read past either end throws (bounds checks on). */
    static UnsafeBuffer exactSlice(final byte[] bytes, final int length)
    {
        final byte[] backing = new byte[length + 32];
        java.util.Arrays.fill(backing, (byte)0x5A);
        System.arraycopy(bytes, 0, backing, 16, length);
        return new UnsafeBuffer(backing, 16, length);
    }

    @Test
    @DisplayName("RFC 768: a captured Linux datagram decodes field by field and its checksum verifies")
    void decodesCapturedDatagram()
    {
        final byte[] bytes = bytes(DATAGRAM);
        assertTrue(header.tryWrap(exactSlice(bytes, bytes.length), 0, bytes.length));
        assertNull(header.failure());
        assertEquals(40001, header.sourcePort());
        assertEquals(18081, header.destinationPort());
        assertEquals(26, header.length());
        assertEquals(0xfba6, header.checksum());
        assertTrue(header.hasChecksum());
        assertEquals(8, header.payloadOffset());
        assertEquals(18, header.payloadLength());
        final byte[] payload = new byte[header.payloadLength()];
        header.buffer().getBytes(header.payloadOffset(), payload);
        assertEquals("ustack golden udp\n", new String(payload, StandardCharsets.US_ASCII));
        assertTrue(header.checksumValid(ADDR_A, ADDR_B));
        assertFalse(header.checksumValid(ADDR_A, ADDR_B + 1));
    }

    @Test
    @DisplayName("RFC 768: encoding the captured fields into a fresh buffer gives the captured bytes, checksum included")
    void encodesCapturedDatagram()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[26]);
        out.setMemory(0, 26, (byte)0xEE);
        final UdpHeader w = new UdpHeader().wrapForWrite(out, 0).sourcePort(40001).destinationPort(18081).length(26);
        out.putBytes(w.payloadOffset(), "ustack golden udp\n".getBytes(StandardCharsets.US_ASCII));
        w.computeAndSetChecksum(ADDR_A, ADDR_B);
        final byte[] encoded = new byte[26];
        out.getBytes(0, encoded);
        assertArrayEquals(bytes(DATAGRAM), encoded);
    }

    @Test
    @DisplayName("RFC 768: every truncation of the captured datagram is refused with the right reason")
    void truncationsRefused()
    {
        final byte[] full = bytes(DATAGRAM);
        for (int length = 0; length < full.length; length++)
        {
            assertFalse(header.tryWrap(exactSlice(full, length), 0, length));
            assertEquals(length < 8 ? DropReason.UDP_TRUNCATED : DropReason.UDP_BAD_LENGTH, header.failure(),
                "length " + length);
        }
    }

    @Test
    @DisplayName("RFC 768: a length field below 8 is refused as a bad length")
    void lengthFieldBelowHeader()
    {
        final byte[] bytes = bytes(DATAGRAM);
        for (int lengthField = 0; lengthField < 8; lengthField++)
        {
            bytes[4] = 0;
            bytes[5] = (byte)lengthField;
            assertFalse(header.tryWrap(exactSlice(bytes, bytes.length), 0, bytes.length));
            assertEquals(DropReason.UDP_BAD_LENGTH, header.failure());
        }
    }

    @Test
    @DisplayName("RFC 768: IP padding after the datagram is not data; length and checksum use the length field")
    void ipPaddingIgnored()
    {
        final byte[] full = bytes(DATAGRAM);
        final byte[] padded = java.util.Arrays.copyOf(full, full.length + 6);
        java.util.Arrays.fill(padded, full.length, padded.length, (byte)0x33);
        assertTrue(header.tryWrap(exactSlice(padded, padded.length), 0, padded.length));
        assertEquals(18, header.payloadLength());
        assertTrue(header.checksumValid(ADDR_A, ADDR_B));
    }

    @Test
    @DisplayName("RFC 768: a zero checksum means none was computed and is accepted")
    void zeroChecksumAccepted()
    {
        final byte[] bytes = bytes(DATAGRAM);
        bytes[6] = 0;
        bytes[7] = 0;
        assertTrue(header.tryWrap(exactSlice(bytes, bytes.length), 0, bytes.length));
        assertFalse(header.hasChecksum());
        assertTrue(header.checksumValid(ADDR_A, ADDR_B));
        assertTrue(header.checksumValid(1, 2)); // nothing to check against
    }

    @Test
    @DisplayName("RFC 768: a computed checksum of zero is transmitted as all ones, and that verifies")
    void computedZeroSentAsAllOnes()
    {
        // A 10-byte datagram whose last data word is chosen so the one's complement sum of everything is 0xFFFF,
        // which makes the computed checksum ~0xFFFF = 0.
        final UnsafeBuffer out = new UnsafeBuffer(new byte[10]);
        final UdpHeader w = new UdpHeader().wrapForWrite(out, 0).sourcePort(53).destinationPort(33333).length(10)
            .checksum(0);
        out.putShort(8, (short)0);
        final int partial = InternetChecksum.sum(out, 0, 10,
            InternetChecksum.pseudoHeaderSum(ADDR_A, ADDR_B, UdpHeader.PROTOCOL, 10));
        out.putShort(8, (short)(0xFFFF - partial), java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(0, InternetChecksum.finish(InternetChecksum.sum(out, 0, 10,
            InternetChecksum.pseudoHeaderSum(ADDR_A, ADDR_B, UdpHeader.PROTOCOL, 10))));

        w.computeAndSetChecksum(ADDR_A, ADDR_B);
        assertEquals(0xFFFF, w.checksum());
        assertTrue(header.tryWrap(out, 0, 10));
        assertTrue(header.hasChecksum());
        assertTrue(header.checksumValid(ADDR_A, ADDR_B));
    }

    @Test
    @DisplayName("RFC 1071: any single flipped bit of a checksummed datagram is detected or refused")
    void flippedBitDetected()
    {
        final byte[] bytes = bytes(DATAGRAM);
        for (int index = 0; index < bytes.length; index++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                final byte[] copy = bytes.clone();
                copy[index] ^= (byte)(1 << bit);
                final boolean checksumNowZero = copy[6] == 0 && copy[7] == 0;
                if (header.tryWrap(exactSlice(copy, copy.length), 0, copy.length) && !checksumNowZero)
                {
                    assertFalse(header.checksumValid(ADDR_A, ADDR_B), "bit " + bit + " of byte " + index);
                }
            }
        }
    }

    @Test
    @DisplayName("tryWrap refuses offsets and lengths outside the buffer as truncated, without throwing")
    void argumentsOutsideBuffer()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes(DATAGRAM));
        for (final int[] args : new int[][] {{-1, 26}, {1, 26}, {0, 27}, {0, -5}, {Integer.MAX_VALUE, 26},
            {8, Integer.MAX_VALUE}, {Integer.MIN_VALUE, Integer.MIN_VALUE}})
        {
            assertFalse(header.tryWrap(buffer, args[0], args[1]));
            assertEquals(DropReason.UDP_TRUNCATED, header.failure());
        }
    }

    @Property(tries = 3000)
    @Label("RFC 768: random bytes at random offsets and lengths never make tryWrap throw or read out of bounds")
    void randomBytesNeverThrowOrOverrun(
        @ForAll @Size(max = 64) final byte[] bytes,
        @ForAll final int offset,
        @ForAll final int length,
        @ForAll @IntRange(max = 0xFFFF) final int lengthField)
    {
        if (bytes.length >= 6)
        {
            // bias half the cases towards a plausible length field so both outcomes are exercised
            if ((lengthField & 1) == 0)
            {
                bytes[4] = (byte)(bytes.length >>> 9);
                bytes[5] = (byte)(bytes.length - (lengthField & 7));
            }
        }
        check(new UnsafeBuffer(bytes), offset, length);
        check(exactSlice(bytes, bytes.length), 0, bytes.length);
    }

    private void check(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (header.tryWrap(buffer, offset, length))
        {
            long acc = header.sourcePort() + header.destinationPort() + header.length() + header.checksum() +
                header.payloadOffset() + header.payloadLength() + (header.checksumValid(7, 9) ? 1 : 0);
            for (int i = 0; i < header.payloadLength(); i++)
            {
                acc += header.buffer().getByte(header.payloadOffset() + i);
            }
            assertTrue(acc != Long.MIN_VALUE);
            assertTrue(header.payloadLength() >= 0 && header.payloadLength() <= length - 8);
        }
        else
        {
            assertTrue(header.failure() == DropReason.UDP_TRUNCATED || header.failure() == DropReason.UDP_BAD_LENGTH);
        }
    }

    @Property(tries = 1000)
    @Label("RFC 768: a datagram written with random fields and data decodes to the same fields and verifies")
    void roundTrip(
        @ForAll @IntRange(max = 0xFFFF) final int sourcePort,
        @ForAll @IntRange(max = 0xFFFF) final int destinationPort,
        @ForAll @Size(max = 100) final byte[] payload,
        @ForAll final int src,
        @ForAll final int dst)
    {
        final int length = 8 + payload.length;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[length]);
        final UdpHeader w = new UdpHeader().wrapForWrite(out, 0).sourcePort(sourcePort)
            .destinationPort(destinationPort).length(length);
        out.putBytes(8, payload);
        w.computeAndSetChecksum(src, dst);
        assertTrue(w.checksum() != 0, "RFC 768: zero is never transmitted as a computed checksum");

        final byte[] wire = new byte[length];
        out.getBytes(0, wire);
        assertTrue(header.tryWrap(exactSlice(wire, length), 0, length));
        assertEquals(sourcePort, header.sourcePort());
        assertEquals(destinationPort, header.destinationPort());
        assertEquals(payload.length, header.payloadLength());
        assertTrue(header.checksumValid(src, dst));
    }
}
