package io.ustack.link.packet;

import io.ustack.jni.AfPacket;
import io.ustack.link.wire.SegmentableFrame;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fills a TPACKET_V2 (or, with the V3 layout, TPACKET_V3) transmit ring in place. A frame is copied into the next slot the kernel has released
 * ({@code TP_STATUS_AVAILABLE}, read with an acquire load), its length written, and the slot handed over with a
 * release store of {@code TP_STATUS_SEND_REQUEST}; the kernel sends every handed-over slot on the next kick. Slots
 * are filled in ring order, the order the kernel sends them in. One thread only.
 *
 * <p>On a socket with {@code PACKET_VNET_HDR} ({@link AfPacketConfig.TxMode#RING_COPY}) each slot's data starts with
 * a 10-byte {@code struct virtio_net_hdr}: all zero (no checksum offload, no segmentation) but {@code hdr_len}, set to
 * the frame's length so that the kernel copies all of it into the packet buffer; the frame follows it.
 *
 * <p>With merging ({@link AfPacketConfig.TxMode#RING_GSO}) a TCP segment that could start a merged frame stays open
 * in its slot, and the segments after it that continue it are appended there ({@link TcpSegmentMerger}); the slot is
 * handed over when a frame that does not continue it comes, or at the next {@link #takePending()}. The same mode
 * takes frames TCP built oversized for the kernel to cut ({@link #offerSegmented}, TCP segmentation offload).
 */
final class PacketTxRing
{
    private final UnsafeBuffer ring;
    private final int baseOffset;
    private final int frameSize;
    private final int frameCount;
    private final int maxFrameLength;
    private final int statusOffset;
    private final int lengthOffset;
    private final int dataOffset;
    private final int vnetHeader;
    private final TcpSegmentMerger merger;
    private int openSlot;
    private int index;
    private int pending;

    PacketTxRing(final UnsafeBuffer ring, final int baseOffset, final int frameSize, final int frameCount)
    {
        this(ring, baseOffset, frameSize, frameCount, false);
    }

    /** @param v3 slots carry a {@code tpacket3_hdr} ({@link Tpacket3}) instead of a {@code tpacket2_hdr} */
    PacketTxRing(final UnsafeBuffer ring, final int baseOffset, final int frameSize, final int frameCount,
        final boolean v3)
    {
        this(ring, baseOffset, frameSize, frameCount, v3, false);
    }

    /** @param vnetHeader the socket has {@code PACKET_VNET_HDR}: each frame goes after a virtio_net_hdr */
    PacketTxRing(final UnsafeBuffer ring, final int baseOffset, final int frameSize, final int frameCount,
        final boolean v3, final boolean vnetHeader)
    {
        this(ring, baseOffset, frameSize, frameCount, v3, vnetHeader, false);
    }

    /** @param merge consecutive segments of a TCP flow leave as one frame the kernel cuts (needs vnetHeader) */
    PacketTxRing(final UnsafeBuffer ring, final int baseOffset, final int frameSize, final int frameCount,
        final boolean v3, final boolean vnetHeader, final boolean merge)
    {
        if (merge && !vnetHeader)
        {
            throw new IllegalArgumentException("merging segments needs the virtio_net_hdr");
        }
        this.merger = merge ? new TcpSegmentMerger(ring) : null;
        this.ring = ring;
        this.baseOffset = baseOffset;
        this.frameSize = frameSize;
        this.frameCount = frameCount;
        this.statusOffset = v3 ? Tpacket3.STATUS_OFFSET : Tpacket2.STATUS_OFFSET;
        this.lengthOffset = v3 ? Tpacket3.LEN_OFFSET : Tpacket2.LEN_OFFSET;
        this.dataOffset = v3 ? Tpacket3.TX_DATA_OFFSET : Tpacket2.TX_DATA_OFFSET;
        this.vnetHeader = vnetHeader ? AfPacket.VNET_HDR_LENGTH : 0;
        this.maxFrameLength = frameSize - dataOffset - this.vnetHeader;
    }

    /**
     * Copies one frame into the next slot and marks it for sending.
     *
     * @return false if it does not fit a slot or the kernel still holds the next slot (ring full)
     */
    boolean offer(final DirectBuffer frame, final int offset, final int length)
    {
        if (length <= 0 || length > maxFrameLength)
        {
            return false;
        }
        if (merger != null && merger.isOpen())
        {
            if (merger.append(frame, offset, length))
            {
                return true;
            }
            closeOpenFrame();
        }
        final int slot = baseOffset + index * frameSize;
        final int status = ring.getIntVolatile(slot + statusOffset);
        if (status != Tpacket2.TP_STATUS_AVAILABLE && status != Tpacket2.TP_STATUS_WRONG_FORMAT)
        {
            return false;
        }
        final int data = slot + dataOffset + vnetHeader;
        ring.putBytes(data, frame, offset, length);
        index = index + 1 == frameCount ? 0 : index + 1;
        final int payload = merger == null ? -1 : TcpSegmentMerger.mergeablePayload(frame, offset, length);
        if (payload > 0)
        {
            openSlot = slot;
            merger.open(data, length, maxFrameLength, payload);
            return true;
        }
        if (vnetHeader != 0)
        {
            TcpSegmentMerger.writeCopyHeader(ring, slot + dataOffset, length);
        }
        handOver(slot, length);
        return true;
    }

    /**
     * Copies one {@link SegmentableFrame}-shaped TCP/IPv4 frame, its TCP checksum field the pseudo-header sum over
     * its whole TCP length, into the next slot with a {@code virtio_net_hdr} asking the kernel to cut it into segments
     * of {@code segmentSize} data bytes and complete their checksums
     * ({@link TcpSegmentMerger#writeSegmentationHeader}). An open merged frame is handed over first, so frames leave
     * in the order they came. Only with merging ({@link AfPacketConfig.TxMode#RING_GSO}).
     *
     * @return false if the ring does not merge, the frame does not fit a slot or has not that shape, or the kernel
     *         still holds the next slot (ring full)
     */
    boolean offerSegmented(final DirectBuffer frame, final int offset, final int length, final int segmentSize)
    {
        final int data = SegmentableFrame.dataLength(frame, offset, length);
        if (merger == null || length > maxFrameLength || data < 0 || segmentSize <= 0 || segmentSize > 0xFFFF)
        {
            return false;
        }
        if (merger.isOpen())
        {
            closeOpenFrame();
        }
        final int slot = baseOffset + index * frameSize;
        final int status = ring.getIntVolatile(slot + statusOffset);
        if (status != Tpacket2.TP_STATUS_AVAILABLE && status != Tpacket2.TP_STATUS_WRONG_FORMAT)
        {
            return false;
        }
        ring.putBytes(slot + dataOffset + vnetHeader, frame, offset, length);
        index = index + 1 == frameCount ? 0 : index + 1;
        final int cutInto = data > segmentSize ? segmentSize : 0; // one segment's worth needs only its checksum
        TcpSegmentMerger.writeSegmentationHeader(ring, slot + dataOffset, length, cutInto);
        handOver(slot, length);
        return true;
    }

    /** Frames marked since the last {@link #takePending()}, the open merged frame among them. */
    int takePending()
    {
        if (merger != null && merger.isOpen())
        {
            closeOpenFrame();
        }
        final int frames = pending;
        pending = 0;
        return frames;
    }

    /** Segments that left merged into an earlier segment's frame. */
    long mergedSegments()
    {
        return merger == null ? 0 : merger.mergedSegments();
    }

    private void closeOpenFrame()
    {
        handOver(openSlot, merger.close(openSlot + dataOffset));
    }

    private void handOver(final int slot, final int length)
    {
        ring.putInt(slot + lengthOffset, vnetHeader + length);
        ring.putIntOrdered(slot + statusOffset, Tpacket2.TP_STATUS_SEND_REQUEST);
        pending++;
    }

    /** Longest frame a slot holds. */
    int maxFrameLength()
    {
        return maxFrameLength;
    }
}
