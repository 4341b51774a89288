package io.ustack.link.packet;

import io.ustack.jni.AfPacket;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static io.ustack.link.packet.TcpFrames.ACK;
import static io.ustack.link.packet.TcpFrames.CWR;
import static io.ustack.link.packet.TcpFrames.FIN;
import static io.ustack.link.packet.TcpFrames.HEADERS;
import static io.ustack.link.packet.TcpFrames.PSH;
import static io.ustack.link.packet.TcpFrames.checksumsVerify;
import static io.ustack.link.packet.TcpFrames.cutAsTheKernelDoes;
import static io.ustack.link.packet.TcpFrames.segment;
import static io.ustack.link.packet.TcpFrames.segmentToCut;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP segmentation offload on the RING_GSO transmit ring: a frame TCP built oversized goes into one 64 KiB slot with a
 * virtio_net_hdr asking for TCPv4 segmentation, and cutting it as the kernel does gives exactly the segments TCP
 * would have sent one by one.
 */
@DisplayName("Frames cut by the kernel (TCP segmentation offload) on the RING_GSO transmit ring")
class SegmentedTransmitTest
{
    private static final int SLOT = AfPacketConfig.GSO_TX_SLOT_BYTES;
    private static final int COUNT = 4;
    private static final int MSS = 1448;
    private static final int VNET = AfPacket.VNET_HDR_LENGTH;
    private static final int HEADER = Tpacket2.TX_DATA_OFFSET;

    private final UnsafeBuffer ring = new UnsafeBuffer(ByteBuffer.allocateDirect(SLOT * COUNT));
    private final PacketTxRing tx = new PacketTxRing(ring, 0, SLOT, COUNT, false, true, true);

    @Test
    @DisplayName("the slot asks for GSO_TCPV4 with NEEDS_CSUM, and cuts into the segments TCP would have sent")
    void cutsIntoTheSegmentsTcpWouldHaveSent()
    {
        final int data = 5 * MSS + 700;
        final byte[] frame = segmentToCut(1000, 7, data, ACK | PSH);
        assertTrue(offerSegmented(frame, MSS));

        assertEquals(1, tx.takePending());
        assertEquals(Tpacket2.TP_STATUS_SEND_REQUEST, ring.getInt(Tpacket2.STATUS_OFFSET));
        assertEquals(VNET + frame.length, ring.getInt(Tpacket2.LEN_OFFSET));
        assertEquals(1, ring.getByte(HEADER), "flags: VIRTIO_NET_HDR_F_NEEDS_CSUM");
        assertEquals(1, ring.getByte(HEADER + 1), "gso_type: VIRTIO_NET_HDR_GSO_TCPV4");
        assertEquals(frame.length, ring.getShort(HEADER + 2, ByteOrder.LITTLE_ENDIAN), "hdr_len: copy all of it");
        assertEquals(MSS, ring.getShort(HEADER + 4, ByteOrder.LITTLE_ENDIAN), "gso_size: the segment size");
        assertEquals(34, ring.getShort(HEADER + 6, ByteOrder.LITTLE_ENDIAN), "csum_start: the TCP header");
        assertEquals(16, ring.getShort(HEADER + 8, ByteOrder.LITTLE_ENDIAN), "csum_offset: the TCP checksum");

        final List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            expected.add(segment(1000 + i * MSS, 7 + i, MSS, ACK));
        }
        expected.add(segment(1000 + 5 * MSS, 12, 700, ACK | PSH));
        assertSegments(expected, cutAsTheKernelDoes(slotFrame(0, frame.length), MSS));
    }

    @Test
    @DisplayName("CWR stays on the first segment only, PSH and FIN on the last, data an exact multiple of the size")
    void flagsGoWhereTheKernelPutsThem()
    {
        final byte[] frame = segmentToCut(5000, 300, 3 * MSS, ACK | CWR | PSH | FIN);
        assertTrue(offerSegmented(frame, MSS));
        assertEquals(1, tx.takePending());
        assertSegments(List.of(segment(5000, 300, MSS, ACK | CWR), segment(5000 + MSS, 301, MSS, ACK),
            segment(5000 + 2 * MSS, 302, MSS, ACK | PSH | FIN)), cutAsTheKernelDoes(slotFrame(0, frame.length), MSS));
    }

    @Test
    @DisplayName("a frame with no more than one segment's data asks the kernel only for its checksum")
    void oneSegmentsWorthAsksOnlyForTheChecksum()
    {
        final byte[] frame = segmentToCut(1000, 7, 900, ACK | PSH);
        assertTrue(offerSegmented(frame, MSS));
        assertEquals(1, tx.takePending());
        assertEquals(1, ring.getByte(HEADER), "flags: VIRTIO_NET_HDR_F_NEEDS_CSUM");
        assertEquals(0, ring.getByte(HEADER + 1), "gso_type: VIRTIO_NET_HDR_GSO_NONE");
        assertEquals(0, ring.getShort(HEADER + 4, ByteOrder.LITTLE_ENDIAN), "gso_size");
        assertEquals(34, ring.getShort(HEADER + 6, ByteOrder.LITTLE_ENDIAN), "csum_start");
        assertSegments(List.of(segment(1000, 7, 900, ACK | PSH)), cutAsTheKernelDoes(slotFrame(0, frame.length), 900));
    }

    @Test
    @DisplayName("an open merged frame is handed over first, so the frames leave in the order they came")
    void anOpenMergedFrameLeavesFirst()
    {
        final byte[] first = segment(1000, 7, MSS, ACK);
        final byte[] second = segment(1000 + MSS, 8, MSS, ACK);
        assertTrue(tx.offer(new UnsafeBuffer(first), 0, first.length));
        assertTrue(tx.offer(new UnsafeBuffer(second), 0, second.length));
        final byte[] frame = segmentToCut(1000 + 2 * MSS, 9, 2 * MSS, ACK);
        assertTrue(offerSegmented(frame, MSS));

        assertEquals(Tpacket2.TP_STATUS_SEND_REQUEST, ring.getInt(Tpacket2.STATUS_OFFSET), "handed over at once");
        assertEquals(2, tx.takePending());
        assertEquals(1, tx.mergedSegments());
        assertSegments(List.of(first, second), cutAsTheKernelDoes(slotFrame(0, HEADERS + 2 * MSS), MSS));
        assertSegments(List.of(segment(1000 + 2 * MSS, 9, MSS, ACK), segment(1000 + 3 * MSS, 10, MSS, ACK)),
            cutAsTheKernelDoes(slotFrame(1, frame.length), MSS));
    }

    @Test
    @DisplayName("the largest frame a slot holds is taken, one byte more is refused and leaves the ring as it was")
    void theLimitIsWhatASlotHolds()
    {
        final int limit = SLOT - Tpacket2.TX_DATA_OFFSET - VNET;
        assertEquals(limit, tx.maxFrameLength());
        final byte[] tooLong = segmentToCut(1000, 7, limit + 1 - HEADERS, ACK);
        assertFalse(offerSegmented(tooLong, MSS));
        assertEquals(0, tx.takePending());
        assertEquals(Tpacket2.TP_STATUS_AVAILABLE, ring.getInt(Tpacket2.STATUS_OFFSET));

        final byte[] largest = segmentToCut(1000, 7, limit - HEADERS, ACK);
        assertTrue(offerSegmented(largest, MSS));
        assertEquals(1, tx.takePending());
        final int data = limit - HEADERS;
        final List<byte[]> expected = new ArrayList<>();
        for (int at = 0, i = 0; at < data; at += MSS, i++)
        {
            expected.add(segment(1000 + at, 7 + i, Math.min(MSS, data - at), ACK));
        }
        assertEquals(46, expected.size(), "45 full segments and a shorter last");
        assertSegments(expected, cutAsTheKernelDoes(slotFrame(0, largest.length), MSS));
    }

    @Test
    @DisplayName("a frame that is not TCP/IPv4 without options, or a ring without merging, is refused")
    void refusesWhatTheKernelCannotCut()
    {
        final byte[] udp = segmentToCut(1000, 7, 3 * MSS, ACK);
        udp[23] = 17;
        assertFalse(offerSegmented(udp, MSS));
        final byte[] withOptions = segmentToCut(1000, 7, 3 * MSS, ACK);
        withOptions[14] = 0x46;
        assertFalse(offerSegmented(withOptions, MSS));
        final byte[] noData = segmentToCut(1000, 7, 0, ACK);
        assertFalse(offerSegmented(noData, MSS));
        assertEquals(0, tx.takePending());

        final PacketTxRing copying = new PacketTxRing(ring, 0, SLOT, COUNT, false, true, false);
        final byte[] frame = segmentToCut(1000, 7, 3 * MSS, ACK);
        assertFalse(copying.offerSegmented(new UnsafeBuffer(frame), 0, frame.length, MSS));
        assertEquals(0, copying.takePending());
    }

    @Test
    @DisplayName("with every slot still held by the kernel the frame is refused, and taken once one is released")
    void aFullRingRefusesUntilASlotIsReleased()
    {
        final byte[] frame = segmentToCut(1000, 7, 3 * MSS, ACK);
        for (int i = 0; i < COUNT; i++)
        {
            assertTrue(offerSegmented(frame, MSS));
        }
        assertFalse(offerSegmented(frame, MSS));
        assertEquals(COUNT, tx.takePending());
        ring.putIntVolatile(Tpacket2.STATUS_OFFSET, Tpacket2.TP_STATUS_AVAILABLE);
        assertTrue(offerSegmented(frame, MSS));
    }

    private boolean offerSegmented(final byte[] frame, final int segmentSize)
    {
        return tx.offerSegmented(new UnsafeBuffer(frame), 0, frame.length, segmentSize);
    }

    private byte[] slotFrame(final int slot, final int length)
    {
        final byte[] frame = new byte[length];
        ring.getBytes(slot * SLOT + HEADER + VNET, frame);
        return frame;
    }

    private static void assertSegments(final List<byte[]> expected, final List<byte[]> cut)
    {
        assertEquals(expected.size(), cut.size(), "segments");
        for (int i = 0; i < expected.size(); i++)
        {
            assertTrue(checksumsVerify(cut.get(i)), "segment " + i + ": IP and TCP checksums verify");
            assertArrayEquals(expected.get(i), cut.get(i), "segment " + i + " byte for byte");
        }
    }
}
