package io.ustack.link.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static io.ustack.link.packet.TcpFrames.ACK;
import static io.ustack.link.packet.TcpFrames.HEADERS;
import static io.ustack.link.packet.TcpFrames.PSH;
import static io.ustack.link.packet.TcpFrames.cutAsTheKernelDoes;
import static io.ustack.link.packet.TcpFrames.onesComplementSum;
import static io.ustack.link.packet.TcpFrames.putInt;
import static io.ustack.link.packet.TcpFrames.putShort;
import static io.ustack.link.packet.TcpFrames.segment;
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
        final List<byte[]> cut = cutAsTheKernelDoes(merged, MSS);
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
}
