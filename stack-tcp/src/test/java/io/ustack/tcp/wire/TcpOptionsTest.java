package io.ustack.tcp.wire;

import io.ustack.api.counter.DropReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.ustack.tcp.wire.Golden.exactSlice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpOptionsTest
{
    private final TcpOptions options = new TcpOptions();

    private boolean parse(final int... bytes)
    {
        final byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            raw[i] = (byte)bytes[i];
        }
        return options.parse(exactSlice(raw), 0, raw.length);
    }

    /** A 20-byte header with data offset 5 + options/4 words, followed by the given option bytes. */
    private static byte[] segmentWithOptions(final int... optionBytes)
    {
        final byte[] seg = new byte[20 + optionBytes.length];
        seg[12] = (byte)((5 + optionBytes.length / 4) << 4);
        for (int i = 0; i < optionBytes.length; i++)
        {
            seg[20 + i] = (byte)optionBytes[i];
        }
        return seg;
    }

    @Test
    @DisplayName("RFC 7323 §2.3: window scale above 14 is clamped to 14 and flagged")
    void windowScaleClamped()
    {
        assertTrue(parse(3, 3, 15, 1));
        assertTrue(options.hasWindowScale());
        assertEquals(14, options.windowScale());
        assertTrue(options.windowScaleClamped());

        assertTrue(parse(3, 3, 255, 0));
        assertEquals(14, options.windowScale());
        assertTrue(options.windowScaleClamped());

        assertTrue(parse(1, 3, 3, 14));
        assertEquals(14, options.windowScale());
        assertFalse(options.windowScaleClamped());
    }

    @Test
    @DisplayName("RFC 9293 §3.2: EOL ends the list; bytes after it, even malformed ones, are ignored")
    void eolEndsList()
    {
        assertTrue(parse(2, 4, 0x05, 0xb4, 0, 2, 0, 3, 1));
        assertTrue(options.hasMss());
        assertEquals(1460, options.mss());
        assertFalse(options.hasWindowScale());
    }

    @Test
    @DisplayName("RFC 9293 §3.2: NOPs alone and an empty list parse to nothing")
    void nopsAndEmpty()
    {
        assertTrue(parse());
        assertTrue(parse(1, 1, 1, 1));
        assertFalse(options.hasMss() || options.hasTimestamps() || options.sackPermitted());
        assertEquals(0, options.sackBlockCount());
    }

    @Test
    @DisplayName("RFC 9293 §3.2 MUST-68: an unknown option is skipped by its length and the rest is parsed")
    void unknownSkipped()
    {
        // kind 30 (MPTCP, RFC 8684) with 6 bytes of body, then MSS
        assertTrue(parse(30, 8, 1, 2, 3, 4, 5, 6, 2, 4, 0x02, 0x18));
        assertEquals(536, options.mss());
        // kind 254 (experimental, RFC 6994) of the minimum length 2
        assertTrue(parse(254, 2, 4, 2));
        assertTrue(options.sackPermitted());
    }

    @Test
    @DisplayName("RFC 9293 §3.2: known options with the wrong length are malformed")
    void knownOptionsWrongLength()
    {
        assertFalse(parse(2, 3, 5));                 // MSS len 3
        assertFalse(parse(2, 5, 5, 0xb4, 0));        // MSS len 5
        assertFalse(parse(3, 2));                    // WS len 2
        assertFalse(parse(3, 4, 7, 0));              // WS len 4
        assertFalse(parse(4, 3, 0));                 // SACK_PERM len 3
        assertFalse(parse(8, 9, 0, 0, 0, 0, 0, 0, 0));          // TS len 9
        assertFalse(parse(8, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0));   // TS len 11
    }

    @Test
    @DisplayName("RFC 2018 §3: SACK carries 1 to 4 blocks of 8 bytes; 0 blocks or a ragged length is malformed")
    void sackLengths()
    {
        assertFalse(parse(5, 2));
        assertFalse(parse(5, 9, 0, 0, 0, 0, 0, 0, 0));
        assertFalse(parse(5, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        final int[] four = new int[34];
        four[0] = 5;
        four[1] = 34;
        for (int i = 2; i < 34; i++)
        {
            four[i] = i;
        }
        assertTrue(parse(four));
        assertEquals(4, options.sackBlockCount());
        assertEquals(0x02030405, options.sackLeft(0));
        assertEquals(0x06070809, options.sackRight(0));
        assertEquals(0x1e1f2021, options.sackRight(3));
        // five blocks (42 bytes) cannot fit in 40 bytes of options, so it always runs past the end
        final int[] five = new int[40];
        five[0] = 5;
        five[1] = 42;
        assertFalse(parse(five));
    }

    @Test
    @DisplayName("RFC 9293 §3.2: a kind byte as the last byte of the options area, with no length byte, is malformed")
    void kindWithoutLength()
    {
        assertFalse(parse(1, 1, 1, 2));
        assertFalse(parse(1, 1, 1, 99));
        assertTrue(parse(1, 1, 1, 1));
        assertTrue(parse(1, 1, 1, 0));
    }

    @Test
    @DisplayName("AMNESIA:33 / URGENT/11: every kind with length 0, 1 or past the end is refused, and parsing ends")
    void everyKindWithBadLengthRefused()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        {
            final TcpHeader header = new TcpHeader();
            for (int kind = 2; kind <= 255; kind++)
            {
                for (int lead = 0; lead <= 36; lead += 4)
                {
                    for (final int badLength : new int[] {0, 1, 40 - lead + 1, 255})
                    {
                        // lead NOPs, then kind/badLength, then NOPs to fill 40 bytes
                        final int[] opts = new int[40];
                        java.util.Arrays.fill(opts, 1);
                        opts[lead] = kind;
                        opts[lead + 1] = badLength;
                        assertFalse(parse(opts), "kind " + kind + " length " + badLength + " at " + lead);

                        final byte[] seg = segmentWithOptions(opts);
                        final UnsafeBuffer slice = exactSlice(seg);
                        assertFalse(header.tryWrap(slice, 0, seg.length));
                        assertEquals(DropReason.TCP_BAD_OPTION, header.failure());
                    }
                }
            }
        });
    }

    @Test
    @DisplayName("RFC 9293 §3.2: when an option appears twice the last one wins, and a re-parse forgets old values")
    void lastWinsAndReset()
    {
        assertTrue(parse(2, 4, 0, 100, 2, 4, 0, 200, 4, 2));
        assertEquals(200, options.mss());
        assertTrue(options.sackPermitted());
        assertTrue(parse(1));
        assertFalse(options.hasMss());
        assertEquals(0, options.mss());
        assertFalse(options.sackPermitted());
    }

    @Test
    @DisplayName("RFC 9293 §3.1: options of a header with data offset 15 fill exactly 40 bytes")
    void maximumOptionsArea()
    {
        final int[] opts = new int[40];
        java.util.Arrays.fill(opts, 1);
        opts[0] = 8;
        opts[1] = 10;
        opts[38] = 4;
        opts[39] = 2;
        final byte[] seg = segmentWithOptions(opts);
        final TcpHeader header = new TcpHeader();
        assertTrue(header.tryWrap(exactSlice(seg), 0, seg.length));
        assertEquals(15, header.dataOffset());
        assertEquals(40, header.optionsLength());
        assertTrue(header.options().hasTimestamps());
        assertTrue(header.options().sackPermitted());
    }

    @Test
    @DisplayName("RFC 9293 §3.1: data offset below 5 or beyond the segment is refused as a bad data offset")
    void badDataOffsets()
    {
        final TcpHeader header = new TcpHeader();
        for (int dataOffset = 0; dataOffset < 5; dataOffset++)
        {
            final byte[] seg = new byte[60];
            seg[12] = (byte)(dataOffset << 4);
            assertFalse(header.tryWrap(exactSlice(seg), 0, seg.length));
            assertEquals(DropReason.TCP_BAD_DATA_OFFSET, header.failure());
        }
        final byte[] seg = new byte[43];
        seg[12] = (byte)(11 << 4);
        assertFalse(header.tryWrap(exactSlice(seg), 0, seg.length));
        assertEquals(DropReason.TCP_BAD_DATA_OFFSET, header.failure());
        seg[12] = (byte)(10 << 4);
        assertTrue(header.tryWrap(exactSlice(seg), 0, seg.length));
        assertEquals(3, header.payloadLength());
    }

    @Test
    @DisplayName("tryWrap refuses offsets and lengths outside the buffer as truncated, without throwing")
    void argumentsOutsideBuffer()
    {
        final TcpHeader header = new TcpHeader();
        final UnsafeBuffer buffer = new UnsafeBuffer(Golden.bytes(Golden.SYN));
        for (final int[] args : new int[][] {{-1, 40}, {1, 40}, {0, 41}, {0, -5}, {Integer.MAX_VALUE, 40},
            {20, Integer.MAX_VALUE}, {Integer.MIN_VALUE, Integer.MIN_VALUE}})
        {
            assertFalse(header.tryWrap(buffer, args[0], args[1]));
            assertEquals(DropReason.TCP_TRUNCATED, header.failure());
        }
    }

    @Test
    @DisplayName("RFC 9293 §3.1: options written without timestamps or window scale keep Linux's NOP layout")
    void synLayoutsWithoutSomeOptions()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[40]);
        assertEquals(8, TcpOptions.writeSynOptions(out, 0, 1460, TcpOptions.NO_WINDOW_SCALE, true, false, 0, 0));
        assertEquals("020405b401010402", hex(out, 8));
        assertEquals(8, TcpOptions.writeSynOptions(out, 0, 1460, 7, false, false, 0, 0));
        assertEquals("020405b401030307", hex(out, 8));
        assertEquals(4, TcpOptions.writeSynOptions(out, 0, 536, TcpOptions.NO_WINDOW_SCALE, false, false, 0, 0));
        assertEquals("02040218", hex(out, 4));
        assertEquals(16, TcpOptions.writeSynOptions(out, 0, 1460, TcpOptions.NO_WINDOW_SCALE, false, true, 1, 2));
        assertEquals("020405b40101080a0000000100000002", hex(out, 16));
    }

    @Test
    @DisplayName("RFC 9293 §3.1: padding fills to a 32-bit boundary with zeros (EOL)")
    void padding()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        out.setMemory(0, 8, (byte)0x77);
        assertEquals(4, TcpOptions.padToWord(out, 0, 1));
        assertEquals("77000000", hex(out, 4));
        assertEquals(4, TcpOptions.padToWord(out, 0, 4));
        assertEquals(0, TcpOptions.padToWord(out, 0, 0));
    }

    private static String hex(final UnsafeBuffer buffer, final int length)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            sb.append(String.format("%02x", buffer.getByte(i) & 0xFF));
        }
        return sb.toString();
    }
}
