package io.ustack.tcp.wire;

import io.ustack.api.counter.DropReason;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.ustack.tcp.wire.Golden.ADDR_A;
import static io.ustack.tcp.wire.Golden.ADDR_B;
import static io.ustack.tcp.wire.Golden.ADDR_C;
import static io.ustack.tcp.wire.Golden.bytes;
import static io.ustack.tcp.wire.Golden.exactSlice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decode and encode of segments captured from Linux (see {@link Golden} for how). */
class TcpHeaderGoldenTest
{
    private final TcpHeader header = new TcpHeader();

    private TcpHeader decode(final String hex)
    {
        assertTrue(header.tryWrap(exactSlice(bytes(hex)), 0, hex.length() / 2), () -> "failure " + header.failure());
        assertNull(header.failure());
        return header;
    }

    private static byte[] encoded(final MutableDirectBuffer out, final int length)
    {
        final byte[] bytes = new byte[length];
        out.getBytes(0, bytes);
        return bytes;
    }

    private static UnsafeBuffer dirtyBuffer()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
        out.setMemory(0, 128, (byte)0xEE); // encoders must write every byte they claim, not rely on zeroed memory
        return out;
    }

    @Test
    @DisplayName("RFC 9293 §3.1, RFC 7323, RFC 2018: Linux SYN decodes field by field, options MSS SACK_PERM TS NOP WS")
    void decodesLinuxSyn()
    {
        final TcpHeader h = decode(Golden.SYN);
        assertEquals(53334, h.sourcePort());
        assertEquals(18080, h.destinationPort());
        assertEquals(3887677502L, SeqNum.toUnsigned(h.sequenceNumber()));
        assertEquals(0, h.acknowledgmentNumber());
        assertEquals(10, h.dataOffset());
        assertEquals(0, h.reservedBits());
        assertEquals(TcpHeader.SYN, h.flags());
        assertTrue(h.hasFlag(TcpHeader.SYN));
        assertFalse(h.hasFlag(TcpHeader.ACK));
        assertEquals(64240, h.window());
        assertEquals(0xcc5f, h.checksum());
        assertEquals(0, h.urgentPointer());
        assertEquals(40, h.headerLength());
        assertEquals(20, h.optionsOffset());
        assertEquals(20, h.optionsLength());
        assertEquals(40, h.payloadOffset());
        assertEquals(0, h.payloadLength());
        assertTrue(h.checksumValid(ADDR_A, ADDR_B));
        final TcpOptions o = h.options();
        assertTrue(o.hasMss());
        assertEquals(1460, o.mss());
        assertTrue(o.sackPermitted());
        assertTrue(o.hasTimestamps());
        assertEquals(0xff30b664, o.tsVal());
        assertEquals(0, o.tsEcr());
        assertTrue(o.hasWindowScale());
        assertEquals(10, o.windowScale());
        assertFalse(o.windowScaleClamped());
        assertEquals(0, o.sackBlockCount());
    }

    @Test
    @DisplayName("RFC 9293 §3.1: Linux SYN encodes to the captured bytes, checksum included")
    void encodesLinuxSyn()
    {
        final UnsafeBuffer out = dirtyBuffer();
        final TcpHeader h = new TcpHeader().wrapForWrite(out, 0)
            .sourcePort(53334).destinationPort(18080).sequenceNumber((int)3887677502L).acknowledgmentNumber(0)
            .dataOffset(10).flags(TcpHeader.SYN).window(64240).urgentPointer(0);
        final int optionsLength = TcpOptions.writeSynOptions(out, h.optionsOffset(), 1460, 10, true, 0xff30b664, 0);
        assertEquals(20, optionsLength);
        h.computeAndSetChecksum(ADDR_A, ADDR_B, 40);
        assertArrayEquals(bytes(Golden.SYN), encoded(out, 40));
    }

    @Test
    @DisplayName("RFC 9293 §3.1: Linux SYN-ACK decodes and encodes back to the captured bytes")
    void linuxSynAckRoundTrip()
    {
        final TcpHeader h = decode(Golden.SYN_ACK);
        assertEquals(18080, h.sourcePort());
        assertEquals(53334, h.destinationPort());
        assertEquals(0xd00a1e0b, h.sequenceNumber());
        assertEquals(0xe7b9403f, h.acknowledgmentNumber());
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, h.flags());
        assertEquals(65160, h.window());
        assertEquals(0xcd8e, h.checksum());
        assertTrue(h.checksumValid(ADDR_B, ADDR_A));
        assertEquals(1460, h.options().mss());
        assertEquals(0x18bcf455, h.options().tsVal());
        assertEquals(0xff30b664, h.options().tsEcr());
        assertEquals(10, h.options().windowScale());

        final UnsafeBuffer out = dirtyBuffer();
        final TcpHeader w = new TcpHeader().wrapForWrite(out, 0)
            .sourcePort(18080).destinationPort(53334).sequenceNumber(0xd00a1e0b).acknowledgmentNumber(0xe7b9403f)
            .dataOffset(10).flags(TcpHeader.SYN | TcpHeader.ACK).window(65160).urgentPointer(0);
        TcpOptions.writeSynOptions(out, w.optionsOffset(), 1460, 10, true, 0x18bcf455, 0xff30b664);
        w.computeAndSetChecksum(ADDR_B, ADDR_A, 40);
        assertArrayEquals(bytes(Golden.SYN_ACK), encoded(out, 40));
    }

    @Test
    @DisplayName("RFC 9293 §3.1, RFC 7323 §3: data segment with timestamps decodes, payload located, re-encodes")
    void linuxDataSegmentRoundTrip()
    {
        final TcpHeader h = decode(Golden.DATA);
        assertEquals(53334, h.sourcePort());
        assertEquals(18080, h.destinationPort());
        assertEquals(0xe7b9403f, h.sequenceNumber());
        assertEquals(0xd00a1e0c, h.acknowledgmentNumber());
        assertEquals(8, h.dataOffset());
        assertEquals(TcpHeader.PSH | TcpHeader.ACK, h.flags());
        assertEquals(63, h.window());
        assertEquals(0x3eb1, h.checksum());
        assertEquals(32, h.payloadOffset());
        assertEquals(80, h.payloadLength());
        assertTrue(h.checksumValid(ADDR_A, ADDR_B));
        assertFalse(h.options().hasMss());
        assertFalse(h.options().hasWindowScale());
        assertTrue(h.options().hasTimestamps());
        assertEquals(0xff30b665, h.options().tsVal());
        assertEquals(0x18bcf455, h.options().tsEcr());
        final byte[] payload = new byte[h.payloadLength()];
        h.buffer().getBytes(h.payloadOffset(), payload);
        assertTrue(new String(payload, StandardCharsets.US_ASCII).startsWith("GET / HTTP/1.1\r\nHost: 198.18.0.2"));

        final UnsafeBuffer out = dirtyBuffer();
        final TcpHeader w = new TcpHeader().wrapForWrite(out, 0)
            .sourcePort(53334).destinationPort(18080).sequenceNumber(0xe7b9403f).acknowledgmentNumber(0xd00a1e0c)
            .dataOffset(8).flags(TcpHeader.PSH | TcpHeader.ACK).window(63).urgentPointer(0);
        assertEquals(12, TcpOptions.writeTimestamps(out, w.optionsOffset(), 0xff30b665, 0x18bcf455));
        out.putBytes(w.payloadOffset(), payload);
        w.computeAndSetChecksum(ADDR_A, ADDR_B, 112);
        assertArrayEquals(bytes(Golden.DATA), encoded(out, 112));
    }

    @Test
    @DisplayName("RFC 9293 §3.1: FIN|ACK decodes and re-encodes")
    void linuxFinAckRoundTrip()
    {
        final TcpHeader h = decode(Golden.FIN_ACK);
        assertEquals(TcpHeader.FIN | TcpHeader.ACK, h.flags());
        assertTrue(h.hasFlag(TcpHeader.FIN | TcpHeader.ACK));
        assertFalse(h.hasFlag(TcpHeader.FIN | TcpHeader.SYN));
        assertEquals(0xe7b9408f, h.sequenceNumber());
        assertEquals(0xd00a2084, h.acknowledgmentNumber());
        assertTrue(h.checksumValid(ADDR_A, ADDR_B));

        final UnsafeBuffer out = dirtyBuffer();
        final TcpHeader w = new TcpHeader().wrapForWrite(out, 0)
            .sourcePort(53334).destinationPort(18080).sequenceNumber(0xe7b9408f).acknowledgmentNumber(0xd00a2084)
            .dataOffset(8).flags(TcpHeader.FIN | TcpHeader.ACK).window(63).urgentPointer(0);
        TcpOptions.writeTimestamps(out, w.optionsOffset(), 0xff30b666, 0x18bcf457);
        w.computeAndSetChecksum(ADDR_A, ADDR_B, 32);
        assertArrayEquals(bytes(Golden.FIN_ACK), encoded(out, 32));
    }

    @Test
    @DisplayName("RFC 2018 §3: Linux duplicate ACK with two SACK blocks decodes and re-encodes, most recent block first")
    void linuxSackAckRoundTrip()
    {
        final TcpHeader h = decode(Golden.SACK_ACK);
        assertEquals(18082, h.sourcePort());
        assertEquals(41000, h.destinationPort());
        assertEquals(0x50f8216a, h.sequenceNumber());
        assertEquals(1000001, h.acknowledgmentNumber());
        assertEquals(13, h.dataOffset());
        assertEquals(TcpHeader.ACK, h.flags());
        assertEquals(0, h.payloadLength());
        assertTrue(h.checksumValid(ADDR_B, ADDR_C));
        final TcpOptions o = h.options();
        assertEquals(0xda105be9, o.tsVal());
        assertEquals(778, o.tsEcr());
        assertEquals(2, o.sackBlockCount());
        // RFC 2018 §4: the first block reports the most recently received segment.
        assertEquals(1000001 + 300, o.sackLeft(0));
        assertEquals(1000001 + 400, o.sackRight(0));
        assertEquals(1000001 + 100, o.sackLeft(1));
        assertEquals(1000001 + 200, o.sackRight(1));

        final UnsafeBuffer out = dirtyBuffer();
        final TcpHeader w = new TcpHeader().wrapForWrite(out, 0)
            .sourcePort(18082).destinationPort(41000).sequenceNumber(0x50f8216a).acknowledgmentNumber(1000001)
            .dataOffset(13).flags(TcpHeader.ACK).window(65160).urgentPointer(0);
        int at = w.optionsOffset();
        at += TcpOptions.writeTimestamps(out, at, 0xda105be9, 778);
        at += TcpOptions.writeSackBlocks(out, at, new int[] {1000301, 1000101}, new int[] {1000401, 1000201}, 2);
        assertEquals(52, at);
        w.computeAndSetChecksum(ADDR_B, ADDR_C, 52);
        assertArrayEquals(bytes(Golden.SACK_ACK), encoded(out, 52));
    }

    @Test
    @DisplayName("RFC 9293 §3.1: RST without options decodes and re-encodes")
    void rstRoundTrip()
    {
        final TcpHeader h = decode(Golden.RST);
        assertEquals(TcpHeader.RST, h.flags());
        assertEquals(5, h.dataOffset());
        assertEquals(0, h.optionsLength());
        assertEquals(0, h.payloadLength());
        assertTrue(h.checksumValid(ADDR_C, ADDR_B));

        final UnsafeBuffer out = dirtyBuffer();
        new TcpHeader().wrapForWrite(out, 0)
            .sourcePort(41000).destinationPort(18082).sequenceNumber(1000501).acknowledgmentNumber(0x50f8216a)
            .dataOffset(5).flags(TcpHeader.RST).window(64240).urgentPointer(0)
            .computeAndSetChecksum(ADDR_C, ADDR_B, 20);
        assertArrayEquals(bytes(Golden.RST), encoded(out, 20));
    }

    @Test
    @DisplayName("RFC 1071: any single flipped bit anywhere in a segment fails the checksum or the header checks")
    void flippedBitFailsChecksum()
    {
        final byte[] bytes = bytes(Golden.DATA);
        for (int index = 0; index < bytes.length; index++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                final byte[] copy = bytes.clone();
                copy[index] ^= (byte)(1 << bit);
                if (header.tryWrap(exactSlice(copy), 0, copy.length))
                {
                    assertFalse(header.checksumValid(ADDR_A, ADDR_B), "bit " + bit + " of byte " + index);
                }
            }
        }
    }

    @Test
    @DisplayName("RFC 9293 §3.1: the checksum covers the pseudo-header, so a segment to another address fails it")
    void pseudoHeaderCoversAddresses()
    {
        final TcpHeader h = decode(Golden.SYN);
        assertTrue(h.checksumValid(ADDR_A, ADDR_B));
        assertFalse(h.checksumValid(ADDR_A, ADDR_C));
        assertFalse(h.checksumValid(ADDR_C, ADDR_B));
    }

    @Test
    @DisplayName("RFC 9293 §3.1: wrapping at an offset inside a larger buffer reads the same fields")
    void wrapsAtOffset()
    {
        final byte[] syn = bytes(Golden.SYN);
        final UnsafeBuffer big = new UnsafeBuffer(new byte[syn.length + 37]);
        big.putBytes(37, syn);
        assertTrue(header.tryWrap(big, 37, syn.length));
        assertEquals(53334, header.sourcePort());
        assertEquals(37 + 20, header.optionsOffset());
        assertEquals(37 + 40, header.payloadOffset());
        assertTrue(header.checksumValid(ADDR_A, ADDR_B));
        assertEquals(1460, header.options().mss());
    }

    @Test
    @DisplayName("RFC 9293 §3.1: every truncation of every captured segment is refused with the right reason")
    void truncationsRefused()
    {
        for (final String hex : new String[] {Golden.SYN, Golden.SYN_ACK, Golden.DATA, Golden.FIN_ACK,
            Golden.SACK_ACK, Golden.RST})
        {
            final byte[] full = bytes(hex);
            final int headerLength = ((full[12] & 0xFF) >>> 4) * 4;
            final int[] addresses = addressesOf(hex);
            for (int length = 0; length < full.length; length++)
            {
                final boolean ok = header.tryWrap(exactSlice(full, length), 0, length);
                if (length < TcpHeader.MIN_HEADER_LENGTH)
                {
                    assertFalse(ok);
                    assertEquals(DropReason.TCP_TRUNCATED, header.failure(), "length " + length);
                }
                else if (length < headerLength)
                {
                    assertFalse(ok);
                    assertEquals(DropReason.TCP_BAD_DATA_OFFSET, header.failure(), "length " + length);
                }
                else
                {
                    // Header intact, data cut short: only the checksum (and IP's total length) can tell.
                    assertTrue(ok, "length " + length);
                    assertFalse(header.checksumValid(addresses[0], addresses[1]), "length " + length);
                }
            }
        }
    }

    private static int[] addressesOf(final String hex)
    {
        if (hex.equals(Golden.SYN_ACK))
        {
            return new int[] {ADDR_B, ADDR_A};
        }
        if (hex.equals(Golden.SACK_ACK))
        {
            return new int[] {ADDR_B, ADDR_C};
        }
        if (hex.equals(Golden.RST))
        {
            return new int[] {ADDR_C, ADDR_B};
        }
        return new int[] {ADDR_A, ADDR_B};
    }
}
