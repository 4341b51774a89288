package io.ustack.ip.wire;

import io.ustack.api.counter.DropReason;
import io.ustack.api.net.Ipv4Address;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.ustack.ip.Hex.bytes;
import static io.ustack.ip.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4HeaderTest
{
    private static final int LOOPBACK = Ipv4Address.parse("127.0.0.1");
    private final Ipv4Header header = new Ipv4Header();

    @Test
    @DisplayName("RFC 791 §3.1: a captured echo request decodes field by field")
    void decodesEchoRequest()
    {
        assertTrue(header.tryWrap(new UnsafeBuffer(GoldenPackets.ECHO_REQUEST), 0, GoldenPackets.ECHO_REQUEST.length));
        assertNull(header.failure());
        assertEquals(4, header.version());
        assertEquals(5, header.ihl());
        assertEquals(20, header.headerLength());
        assertEquals(0, header.dscp());
        assertEquals(0, header.ecn());
        assertEquals(84, header.totalLength());
        assertEquals(0x9598, header.identification());
        assertEquals(Ipv4Header.FLAG_DONT_FRAGMENT, header.flags());
        assertTrue(header.dontFragment());
        assertFalse(header.moreFragments());
        assertEquals(0, header.fragmentOffset());
        assertFalse(header.isFragment());
        assertEquals(64, header.timeToLive());
        assertEquals(Ipv4Header.PROTOCOL_ICMP, header.protocol());
        assertEquals(0xA70E, header.headerChecksum());
        assertTrue(header.checksumValid());
        assertEquals(LOOPBACK, header.sourceAddress());
        assertEquals(LOOPBACK, header.destinationAddress());
        assertEquals(0, header.optionsLength());
        assertEquals(20, header.payloadOffset());
        assertEquals(64, header.payloadLength());
    }

    @Test
    @DisplayName("RFC 791 §3.1: the setters encode the captured echo request byte for byte, checksum included")
    void encodesEchoRequest()
    {
        final byte[] golden = GoldenPackets.ECHO_REQUEST;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[golden.length]);
        header.wrapForWrite(out, 0).version(4).ihl(5).dscp(0).ecn(0).totalLength(84).identification(0x9598)
            .dontFragment(true).moreFragments(false).fragmentOffset(0).timeToLive(64)
            .protocol(Ipv4Header.PROTOCOL_ICMP).sourceAddress(LOOPBACK).destinationAddress(LOOPBACK)
            .computeAndSetChecksum();
        out.putBytes(header.payloadOffset(), golden, 20, header.payloadLength());
        assertArrayEquals(golden, out.byteArray());
    }

    @Test
    @DisplayName("RFC 2474 §3: the port unreachable's header carries DSCP CS6 (TOS 0xc0) and no DF")
    void decodesDscpOfPortUnreachable()
    {
        final byte[] golden = GoldenPackets.PORT_UNREACHABLE;
        assertTrue(header.tryWrap(new UnsafeBuffer(golden), 0, golden.length));
        assertEquals(48, header.dscp());
        assertEquals(0, header.ecn());
        assertEquals(0, header.flags());
        assertEquals(0x95A0, header.identification());
        assertTrue(header.checksumValid());

        final UnsafeBuffer out = new UnsafeBuffer(new byte[golden.length]);
        header.wrapForWrite(out, 0).version(4).ihl(5).dscp(48).ecn(0).totalLength(68).identification(0x95A0)
            .flags(0).fragmentOffset(0).timeToLive(64).protocol(Ipv4Header.PROTOCOL_ICMP).sourceAddress(LOOPBACK)
            .destinationAddress(LOOPBACK).computeAndSetChecksum();
        out.putBytes(20, golden, 20, golden.length - 20);
        assertArrayEquals(golden, out.byteArray());
    }

    @Test
    @DisplayName("RFC 791 §3.1: options NOP, Record Route and EOL decode and encode; the payload starts after them")
    void decodesAndEncodesOptions()
    {
        final byte[] golden = GoldenPackets.UDP_WITH_OPTIONS;
        assertTrue(header.tryWrap(new UnsafeBuffer(golden), 0, golden.length));
        assertEquals(8, header.ihl());
        assertEquals(32, header.headerLength());
        assertEquals(20, header.optionsOffset());
        assertEquals(12, header.optionsLength());
        assertEquals(Ipv4Header.OPTION_NO_OPERATION, golden[header.optionsOffset()]);
        assertEquals(Ipv4Header.OPTION_RECORD_ROUTE, golden[header.optionsOffset() + 1]);
        assertEquals(44, header.totalLength());
        assertEquals(32, header.payloadOffset());
        assertEquals(12, header.payloadLength());
        assertEquals(0x3C09, header.identification());
        assertTrue(header.dontFragment());
        assertEquals(Ipv4Header.PROTOCOL_UDP, header.protocol());
        assertEquals(0x76A5, header.headerChecksum());
        assertTrue(header.checksumValid());

        final UnsafeBuffer out = new UnsafeBuffer(new byte[golden.length]);
        header.wrapForWrite(out, 0).version(4).ihl(8).totalLength(44).identification(0x3C09).dontFragment(true)
            .timeToLive(64).protocol(Ipv4Header.PROTOCOL_UDP).sourceAddress(LOOPBACK).destinationAddress(LOOPBACK);
        out.putBytes(header.optionsOffset(), golden, 20, 12);
        out.putBytes(header.payloadOffset(), golden, 32, 12);
        header.computeAndSetChecksum();
        assertArrayEquals(golden, out.byteArray());
    }

    @Test
    @DisplayName("RFC 791 §3.2: a first fragment has MF and offset 0; the last has offset 185 units = 1480 bytes")
    void decodesAndEncodesFragments()
    {
        final byte[] first = GoldenPackets.FIRST_FRAGMENT;
        assertTrue(header.tryWrap(new UnsafeBuffer(first), 0, first.length));
        assertTrue(header.isFragment());
        assertTrue(header.moreFragments());
        assertFalse(header.dontFragment());
        assertEquals(0, header.fragmentOffset());
        assertEquals(1500, header.totalLength());
        assertEquals(1480, header.payloadLength());
        assertEquals(Ipv4Address.parse("198.18.0.1"), header.sourceAddress());
        assertEquals(Ipv4Address.parse("198.18.0.2"), header.destinationAddress());
        assertTrue(header.checksumValid());

        final byte[] last = GoldenPackets.LAST_FRAGMENT;
        assertTrue(header.tryWrap(new UnsafeBuffer(last), 0, last.length));
        assertTrue(header.isFragment());
        assertFalse(header.moreFragments());
        assertEquals(185, header.fragmentOffset());
        assertEquals(1480, header.fragmentOffsetBytes());
        assertEquals(0x7D5C, header.identification());
        assertEquals(528, header.payloadLength());
        assertTrue(header.checksumValid());

        final UnsafeBuffer out = new UnsafeBuffer(new byte[last.length]);
        header.wrapForWrite(out, 0).version(4).ihl(5).totalLength(548).identification(0x7D5C)
            .fragmentOffsetBytes(1480).moreFragments(false).timeToLive(64).protocol(Ipv4Header.PROTOCOL_UDP)
            .sourceAddress(Ipv4Address.parse("198.18.0.1")).destinationAddress(Ipv4Address.parse("198.18.0.2"))
            .computeAndSetChecksum();
        out.putBytes(20, last, 20, last.length - 20);
        assertArrayEquals(last, out.byteArray());

        final UnsafeBuffer outFirst = new UnsafeBuffer(new byte[first.length]);
        header.wrapForWrite(outFirst, 0).version(4).ihl(5).totalLength(1500).identification(0x7D5C)
            .moreFragments(true).fragmentOffset(0).timeToLive(64).protocol(Ipv4Header.PROTOCOL_UDP)
            .sourceAddress(Ipv4Address.parse("198.18.0.1")).destinationAddress(Ipv4Address.parse("198.18.0.2"))
            .computeAndSetChecksum();
        outFirst.putBytes(20, first, 20, first.length - 20);
        assertArrayEquals(first, outFirst.byteArray());
    }

    @Test
    @DisplayName("RFC 791 §3.1: setters of shared bytes keep their neighbours (version/IHL, DSCP/ECN, flags/offset)")
    void settersKeepNeighbouringBits()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[20]);
        header.wrapForWrite(out, 0).ihl(15).version(4).ecn(3).dscp(0x3F).fragmentOffset(0x1FFF).flags(0b111);
        assertEquals(0x4F, out.getByte(0) & 0xFF);
        assertEquals(0xFF, out.getByte(1) & 0xFF);
        assertEquals(0xFFFF, header.flags() << 13 | header.fragmentOffset());
        header.dontFragment(false).moreFragments(false).ecn(0).version(6);
        assertEquals(Ipv4Header.FLAG_RESERVED, header.flags());
        assertEquals(0x1FFF, header.fragmentOffset());
        assertEquals(0x3F, header.dscp());
        assertEquals(15, header.ihl());
        assertEquals(6, header.version());
    }

    @Test
    @DisplayName("RFC 791 §3.1: Ethernet padding after the total length is ignored: the payload ends at total length")
    void paddingAfterTotalLengthIgnored()
    {
        // A 40-byte datagram padded to Ethernet's 46-byte minimum payload.
        final byte[] padded = concat(GoldenPackets.UDP_TO_CLOSED_PORT, new byte[6]);
        assertTrue(header.tryWrap(new UnsafeBuffer(padded), 0, padded.length));
        assertEquals(40, header.totalLength());
        assertEquals(20, header.payloadLength());
        assertTrue(header.checksumValid());
    }

    @Test
    @DisplayName("RFC 791 §3.1: a header at an odd offset inside a larger buffer decodes the same")
    void decodesAtOffset()
    {
        final byte[] golden = GoldenPackets.ECHO_REQUEST;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[golden.length + 17]);
        buffer.putBytes(13, golden);
        assertTrue(header.tryWrap(buffer, 13, golden.length));
        assertEquals(13, header.offset());
        assertEquals(33, header.payloadOffset());
        assertTrue(header.checksumValid());
        assertEquals(0x9598, header.identification());
    }

    @Test
    @DisplayName("RFC 1122 §3.2.1.2: a corrupted header fails its checksum")
    void corruptedHeaderFailsChecksum()
    {
        final byte[] corrupted = GoldenPackets.ECHO_REQUEST.clone();
        corrupted[8] = 63;
        assertTrue(header.tryWrap(new UnsafeBuffer(corrupted), 0, corrupted.length));
        assertFalse(header.checksumValid());
    }

    @Test
    @DisplayName("RFC 1122 §3.2.1.1: a version other than 4 is dropped as IPV4_BAD_VERSION")
    void badVersion()
    {
        final byte[] packet = GoldenPackets.ECHO_REQUEST.clone();
        packet[0] = 0x65;
        assertRejected(packet, DropReason.IPV4_BAD_VERSION);
    }

    @Test
    @DisplayName("RFC 791 §3.1: IHL below 5, or past the bytes received, is dropped as IPV4_BAD_HEADER_LENGTH")
    void badHeaderLength()
    {
        for (int ihl = 0; ihl < 5; ihl++)
        {
            final byte[] packet = GoldenPackets.ECHO_REQUEST.clone();
            packet[0] = (byte)(0x40 | ihl);
            assertRejected(packet, DropReason.IPV4_BAD_HEADER_LENGTH);
        }
        final byte[] shortPacket = Arrays.copyOf(GoldenPackets.UDP_WITH_OPTIONS, 24);
        shortPacket[0] = 0x47;
        assertRejected(shortPacket, DropReason.IPV4_BAD_HEADER_LENGTH);
    }

    @Test
    @DisplayName("RFC 791 §3.1: total length below the header or past the bytes received is IPV4_BAD_TOTAL_LENGTH")
    void badTotalLength()
    {
        final byte[] small = GoldenPackets.UDP_WITH_OPTIONS.clone();
        small[3] = 31;
        assertRejected(small, DropReason.IPV4_BAD_TOTAL_LENGTH);
        final byte[] large = GoldenPackets.ECHO_REQUEST.clone();
        large[3] = 85;
        assertRejected(large, DropReason.IPV4_BAD_TOTAL_LENGTH);
        final byte[] huge = GoldenPackets.ECHO_REQUEST.clone();
        huge[2] = (byte)0xFF;
        huge[3] = (byte)0xFF;
        assertRejected(huge, DropReason.IPV4_BAD_TOTAL_LENGTH);
    }

    @Test
    @DisplayName("RFC 791 §3.1: an option of length 0 or 1 is IPV4_BAD_OPTIONS (the AMNESIA:33 loop and underflow)")
    void optionLengthZeroOrOne()
    {
        assertRejected(withOptions("0700 0000"), DropReason.IPV4_BAD_OPTIONS);
        assertRejected(withOptions("0701 0000"), DropReason.IPV4_BAD_OPTIONS);
        assertRejected(withOptions("0101 4400 0000 0000"), DropReason.IPV4_BAD_OPTIONS);
        assertRejected(withOptions("0101 8301"), DropReason.IPV4_BAD_OPTIONS);
    }

    @Test
    @DisplayName("RFC 791 §3.1: an option running past the header is IPV4_BAD_OPTIONS (the URGENT/11 overread)")
    void optionPastHeaderEnd()
    {
        assertRejected(withOptions("0705 0400"), DropReason.IPV4_BAD_OPTIONS);
        assertRejected(withOptions("0101 0728 0400 0000"), DropReason.IPV4_BAD_OPTIONS);
        assertRejected(withOptions("01" + "01".repeat(38) + "44ff"), DropReason.IPV4_BAD_OPTIONS);
    }

    @Test
    @DisplayName("RFC 791 §3.1: an option type in the header's last byte, with no room for its length, is malformed")
    void optionTypeWithoutLengthByte()
    {
        assertRejected(withOptions("0101 0107"), DropReason.IPV4_BAD_OPTIONS);
        assertRejected(withOptions("0703 0401 0101 0144"), DropReason.IPV4_BAD_OPTIONS);
    }

    @Test
    @DisplayName("RFC 791 §3.1: EOL ends the options, whatever follows; NOP runs and an exactly-fitting option pass")
    void wellFormedOptions()
    {
        assertAccepted(withOptions("0000 ffff"));
        assertAccepted(withOptions("0101 0101"));
        assertAccepted(withOptions("0704 0400"));
        assertAccepted(withOptions("0101 0706 0400 0000"));
        assertAccepted(withOptions("0727 04" + "00".repeat(36) + "01"));
    }

    /** An otherwise valid UDP/IPv4 header with the given options (a multiple of four bytes) and 4 bytes of payload. */
    private static byte[] withOptions(final String optionsHex)
    {
        final byte[] options = bytes(optionsHex);
        final byte[] packet = concat(bytes("4000 0000 0001 0000 4011 0000 c612 0001 c612 0002"), options,
            bytes("cafe f00d"));
        packet[0] = (byte)(0x40 | (5 + options.length / 4));
        packet[3] = (byte)packet.length;
        final Ipv4Header writer = new Ipv4Header();
        writer.wrapForWrite(new UnsafeBuffer(packet), 0).computeAndSetChecksum();
        return packet;
    }

    private void assertRejected(final byte[] packet, final DropReason reason)
    {
        assertFalse(header.tryWrap(new UnsafeBuffer(packet), 0, packet.length), io.ustack.ip.Hex.of(packet));
        assertEquals(reason, header.failure(), io.ustack.ip.Hex.of(packet));
    }

    private void assertAccepted(final byte[] packet)
    {
        assertTrue(header.tryWrap(new UnsafeBuffer(packet), 0, packet.length),
            () -> io.ustack.ip.Hex.of(packet) + " " + header.failure());
        assertTrue(header.checksumValid());
        assertEquals(4, header.payloadLength());
    }
}
