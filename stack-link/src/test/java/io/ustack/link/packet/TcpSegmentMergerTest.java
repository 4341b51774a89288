package io.ustack.link.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RING_GSO: consecutive segments of one TCP flow leave in one slot with a virtio_net_hdr asking for TCPv4
 * segmentation, and cutting that frame as the kernel does gives back exactly the frames handed in.
 */
@DisplayName("TCP segments merged into one frame for the kernel to cut")
class TcpSegmentMergerTest
{
    private static final int SLOT = 4096;
    private static final int COUNT = 4;
    private static final int MSS = 400;
    private static final int HEADERS = 14 + 20 + 32;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    private final UnsafeBuffer ring = new UnsafeBuffer(ByteBuffer.allocateDirect(SLOT * COUNT));
    private final PacketTxRing tx = new PacketTxRing(ring, 0, SLOT, COUNT, false, true, true);

    @Test
    @DisplayName("full segments and a short pushed one leave as one frame that cuts back into the same bytes")
    void mergesAFlowAndCutsBackExactly()
    {
        final List<byte[]> sent = List.of(segment(1000, 7, MSS, ACK), segment(1400, 8, MSS, ACK),
            segment(1800, 9, MSS, ACK), segment(2200, 10, 123, ACK | PSH));
        sent.forEach(this::offer);

        assertEquals(1, tx.takePending(), "one slot");
        assertEquals(3, tx.mergedSegments());
        final int header = Tpacket2.TX_DATA_OFFSET;
        final int length = HEADERS + 3 * MSS + 123;
        assertEquals(10 + length, ring.getInt(Tpacket2.LEN_OFFSET));
        assertEquals(Tpacket2.TP_STATUS_SEND_REQUEST, ring.getInt(Tpacket2.STATUS_OFFSET));
        assertEquals(1, ring.getByte(header), "flags: VIRTIO_NET_HDR_F_NEEDS_CSUM");
        assertEquals(1, ring.getByte(header + 1), "gso_type: VIRTIO_NET_HDR_GSO_TCPV4");
        assertEquals(length, ring.getShort(header + 2, ByteOrder.LITTLE_ENDIAN), "hdr_len: copy all of it");
        assertEquals(MSS, ring.getShort(header + 4, ByteOrder.LITTLE_ENDIAN), "gso_size: the first payload");
        assertEquals(34, ring.getShort(header + 6, ByteOrder.LITTLE_ENDIAN), "csum_start: the TCP header");
        assertEquals(16, ring.getShort(header + 8, ByteOrder.LITTLE_ENDIAN), "csum_offset: the TCP checksum");

        final byte[] merged = new byte[length];
        ring.getBytes(header + 10, merged);
        assertEquals(0, onesComplementSum(merged, 14, 20) ^ 0xFFFF, "a valid IP header checksum");
        final List<byte[]> cut = cutAsTheKernelDoes(merged);
        assertEquals(sent.size(), cut.size());
        for (int i = 0; i < sent.size(); i++)
        {
            assertArrayEquals(sent.get(i), cut.get(i), "segment " + i + " byte for byte");
        }
    }

    @Test
    @DisplayName("a segment alone in its slot keeps its checksums and gets a plain copy header")
    void aLoneSegmentIsSentAsIs()
    {
        final byte[] only = segment(1000, 7, MSS, ACK);
        offer(only);
        assertEquals(1, tx.takePending());
        final byte[] slot = new byte[only.length];
        ring.getBytes(Tpacket2.TX_DATA_OFFSET + 10, slot);
        assertArrayEquals(only, slot);
        assertEquals(0L, ring.getLong(Tpacket2.TX_DATA_OFFSET) & 0xFFFF_0000_FFFFL, "no flags, no gso_type, size");
        assertEquals(only.length, ring.getShort(Tpacket2.TX_DATA_OFFSET + 2, ByteOrder.LITTLE_ENDIAN));
    }

    /** What may not join the open frame: each leaves in a slot of its own. */
    enum Breaker
    {
        SEQUENCE_GAP(f -> putInt(f, 38, 1400 + 1)),
        OTHER_ACK(f -> putInt(f, 42, 77)),
        OTHER_WINDOW(f -> putShort(f, 48, 1234)),
        OTHER_TIMESTAMP(f -> putInt(f, 58, 99)),
        OTHER_PORT(f -> putShort(f, 36, 81)),
        IDENTIFICATION_NOT_NEXT(f -> putShort(f, 18, 50)),
        OTHER_TTL(f -> f[22] = 1),
        OTHER_DESTINATION_MAC(f -> f[5] = 9),
        FIN(f -> f[47] = ACK | 0x01),
        RST(f -> f[47] = 0x04),
        URG(f -> f[47] = ACK | 0x20),
        NOT_TCP(f -> f[23] = 17);

        final Consumer<byte[]> change;

        Breaker(final Consumer<byte[]> change)
        {
            this.change = change;
        }
    }

    @ParameterizedTest
    @EnumSource(Breaker.class)
    @DisplayName("a segment that would not cut back unchanged starts a slot of its own")
    void breakersDoNotMerge(final Breaker breaker)
    {
        final byte[] first = segment(1000, 7, MSS, ACK);
        final byte[] second = segment(1400, 8, MSS, ACK);
        breaker.change.accept(second);
        offer(first);
        offer(second);
        assertEquals(2, tx.takePending());
        assertEquals(0, tx.mergedSegments());
        final byte[] firstSlot = new byte[first.length];
        ring.getBytes(Tpacket2.TX_DATA_OFFSET + 10, firstSlot);
        assertArrayEquals(first, firstSlot, "the first frame leaves untouched");
        final byte[] secondSlot = new byte[second.length];
        ring.getBytes(SLOT + Tpacket2.TX_DATA_OFFSET + 10, secondSlot);
        assertArrayEquals(second, secondSlot);
    }

    @Test
    @DisplayName("nothing joins after a short segment, a pushed one, or a longer one than the first")
    void shortPushedOrLongerSegmentsEndTheFrame()
    {
        offer(segment(1000, 7, 200, ACK));
        offer(segment(1200, 8, MSS, ACK));          // longer than the first: a new frame
        offer(segment(1600, 9, 100, ACK));          // short: the last of that frame
        offer(segment(1700, 10, 100, ACK));         // so this starts another
        assertEquals(3, tx.takePending());
        assertEquals(1, tx.mergedSegments());
    }

    @Test
    @DisplayName("a pure ACK, a SYN and a frame with bytes after its IP datagram are never held open")
    void framesWithoutPayloadOrWithFlagsGoAtOnce()
    {
        offer(segment(1000, 7, 0, ACK));
        final byte[] padded = Arrays.copyOf(segment(1000, 8, 2, ACK), HEADERS + 6);
        offer(padded);
        offer(segment(1000, 9, 10, 0x02));
        assertEquals(3, tx.takePending());
        assertEquals(0, tx.mergedSegments());
    }

    @Test
    @DisplayName("a full slot ends the frame and the flow goes on in the next slot")
    void aFullSlotMovesOn()
    {
        final int perSlot = (SLOT - 32 - 10 - HEADERS) / MSS;
        for (int i = 0; i < perSlot + 2; i++)
        {
            offer(segment(1000 + i * MSS, 7 + i, MSS, ACK));
        }
        assertEquals(2, tx.takePending());
        assertEquals(perSlot + 2 - 2, tx.mergedSegments());
        assertEquals(20 + 32 + perSlot * MSS, ring.getShort(Tpacket2.TX_DATA_OFFSET + 10 + 16, ByteOrder.BIG_ENDIAN),
            "the first slot's IP total length: as many segments as fit");
    }

    private void offer(final byte[] frame)
    {
        assertTrue(tx.offer(new UnsafeBuffer(frame), 0, frame.length));
    }

    /** An Ethernet frame with a TCP/IPv4 segment with timestamps, checksums filled. */
    private static byte[] segment(final int sequence, final int identification, final int payload, final int flags)
    {
        final byte[] f = new byte[HEADERS + payload];
        for (int i = 0; i < 6; i++)
        {
            f[i] = (byte)(0x10 + i);
            f[6 + i] = (byte)(0x20 + i);
        }
        putShort(f, 12, 0x0800);
        f[14] = 0x45;
        putShort(f, 16, 20 + 32 + payload);
        putShort(f, 18, identification);
        putShort(f, 20, 0x4000);
        f[22] = 64;
        f[23] = 6;
        putInt(f, 26, 0xC6120001);
        putInt(f, 30, 0xC6120002);
        putShort(f, 24, onesComplementSum(f, 14, 20) ^ 0xFFFF);
        putShort(f, 34, 40000);
        putShort(f, 36, 80);
        putInt(f, 38, sequence);
        putInt(f, 42, 5555);
        f[46] = (byte)0x80;
        f[47] = (byte)flags;
        putShort(f, 48, 502);
        f[54] = 1;
        f[55] = 1;
        f[56] = 8;
        f[57] = 10;
        putInt(f, 58, 123456);
        putInt(f, 62, 654321);
        for (int i = 0; i < payload; i++)
        {
            f[HEADERS + i] = (byte)(sequence + i);
        }
        putShort(f, 50, tcpChecksum(f));
        return f;
    }

    /**
     * The kernel's TCPv4 segmentation (tcp_gso_segment, inet_gso_segment), written out: each piece gets the merged
     * headers with the sequence number and identification advanced, PSH and FIN on the last only, and fresh IP and
     * TCP checksums.
     */
    private static List<byte[]> cutAsTheKernelDoes(final byte[] merged)
    {
        final int gsoSize = MSS;
        final List<byte[]> pieces = new ArrayList<>();
        final int payload = merged.length - HEADERS;
        final int sequence = getInt(merged, 38);
        final int identification = ((merged[18] & 0xFF) << 8) | (merged[19] & 0xFF);
        for (int at = 0, i = 0; at < payload; at += gsoSize, i++)
        {
            final int size = Math.min(gsoSize, payload - at);
            final byte[] piece = new byte[HEADERS + size];
            System.arraycopy(merged, 0, piece, 0, HEADERS);
            System.arraycopy(merged, HEADERS + at, piece, HEADERS, size);
            putShort(piece, 16, 20 + 32 + size);
            putShort(piece, 18, identification + i);
            putShort(piece, 24, 0);
            putShort(piece, 24, onesComplementSum(piece, 14, 20) ^ 0xFFFF);
            putInt(piece, 38, sequence + at);
            if (at + size < payload)
            {
                piece[47] &= (byte)~(PSH | 0x01);
            }
            putShort(piece, 50, tcpChecksum(piece));
            pieces.add(piece);
        }
        return pieces;
    }

    private static int tcpChecksum(final byte[] f)
    {
        final byte[] copy = f.clone();
        putShort(copy, 50, 0);
        final int tcpLength = copy.length - 34;
        long sum = onesComplementSum(copy, 26, 8) + 6 + tcpLength + onesComplementSum(copy, 34, tcpLength);
        while (sum >>> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum ^ 0xFFFF;
    }

    private static int onesComplementSum(final byte[] f, final int from, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            sum += ((f[from + i] & 0xFF) << 8) | (i + 1 < length ? f[from + i + 1] & 0xFF : 0);
        }
        while (sum >>> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    private static int getInt(final byte[] f, final int at)
    {
        return ByteBuffer.wrap(f, at, 4).getInt();
    }

    private static void putInt(final byte[] f, final int at, final int value)
    {
        ByteBuffer.wrap(f, at, 4).putInt(value);
    }

    private static void putShort(final byte[] f, final int at, final int value)
    {
        f[at] = (byte)(value >>> 8);
        f[at + 1] = (byte)value;
    }
}
