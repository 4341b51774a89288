package io.ustack.link.packet;

import io.ustack.jni.AfPacket;
import io.ustack.link.wire.SegmentableFrame;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Merges consecutive TCP/IPv4 segments of one flow, already written as Ethernet frames, into one frame that the
 * kernel cuts back into exactly those segments: generic segmentation offload through a {@code virtio_net_hdr}
 * ({@link AfPacketConfig.TxMode#RING_GSO}).
 *
 * <p>The kernel's TCPv4 segmentation (tcp_gso_segment, inet_gso_segment) gives every segment the merged frame's
 * Ethernet, IP and TCP headers with the sequence number advanced by the bytes before it, the IP identification
 * advanced by one per segment, PSH and FIN only on the last segment, and fresh IP and TCP checksums. So a segment
 * joins the open frame only if the result is the same bytes on the wire: identical Ethernet header, IP TOS, TTL and
 * addresses, and TCP ports, acknowledgement number, window and options (timestamps, SACK blocks), the next sequence
 * number and identification, only ACK set on every segment but the last (which may add PSH), and every segment but
 * the last exactly as long as the first. Frames with IP options or fragments, and anything else, are left alone.
 *
 * <p>One open frame at a time, in a transmit slot the caller owns until {@link #close} writes its header.
 */
final class TcpSegmentMerger
{
    private static final int IP = 14;
    private static final int IP_TOTAL_LENGTH = IP + 2;
    private static final int IP_ID = IP + 4;
    private static final int IP_FLAGS_FRAGMENT = IP + 6;
    private static final int IP_TTL = IP + 8;
    private static final int IP_CHECKSUM = IP + 10;
    private static final int IP_SOURCE = IP + 12;
    private static final int TCP = IP + 20;
    private static final int TCP_SEQUENCE = TCP + 4;
    private static final int TCP_ACK = TCP + 8;
    private static final int TCP_FLAGS = TCP + 13;
    private static final int TCP_WINDOW = TCP + 14;
    private static final int TCP_CHECKSUM = TCP + 16;
    private static final int ACK = 0x10;
    private static final int ACK_PSH = 0x18;
    private static final int DONT_FRAGMENT = 0x4000;
    private static final int MAX_IP_LENGTH = 0xFFFF;
    /** virtio_net_hdr flags and gso_type (include/uapi/linux/virtio_net.h). */
    private static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    private static final int VIRTIO_NET_HDR_GSO_NONE = 0;
    private static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;

    private final UnsafeBuffer ring;
    private int start;
    private int length;
    private int capacity;
    private int segments;
    private int segmentSize;
    private int headerLength;
    private long mergedSegments;

    TcpSegmentMerger(final UnsafeBuffer ring)
    {
        this.ring = ring;
    }

    /**
     * The TCP payload bytes of a frame that can start a merged frame (TCP over IPv4 without options, not a
     * fragment, don't-fragment set, only ACK set, some payload, no Ethernet padding), or -1.
     */
    static int mergeablePayload(final DirectBuffer frame, final int offset, final int length)
    {
        final int payload = SegmentableFrame.dataLength(frame, offset, length);
        if (payload < 0 ||
            (frame.getShort(offset + IP_FLAGS_FRAGMENT, ByteOrder.BIG_ENDIAN) & 0xFFFF) != DONT_FRAGMENT ||
            (frame.getByte(offset + TCP_FLAGS) & 0xFF) != ACK)
        {
            return -1;
        }
        return payload;
    }

    /** Whether a frame is open. */
    boolean isOpen()
    {
        return segments > 0;
    }

    /**
     * Opens a merged frame on the frame just written at {@code start} of the ring ({@code length} bytes, which
     * {@link #mergeablePayload} accepted with {@code payload}); it may grow to {@code capacity} bytes.
     */
    void open(final int start, final int length, final int capacity, final int payload)
    {
        this.start = start;
        this.length = length;
        this.capacity = capacity;
        this.segments = 1;
        this.segmentSize = payload;
        this.headerLength = length - payload;
    }

    /**
     * Appends the frame's payload to the open frame if the kernel would cut it back out unchanged.
     *
     * @return false (nothing changed) if it does not continue the open frame
     */
    boolean append(final DirectBuffer frame, final int offset, final int frameLength)
    {
        final int payload = frameLength - headerLength;
        if (payload <= 0 || payload > segmentSize || length + payload > capacity ||
            length - IP + payload > MAX_IP_LENGTH || !continuesOpenFrame(frame, offset, frameLength))
        {
            return false;
        }
        ring.putBytes(start + length, frame, offset + headerLength, payload);
        length += payload;
        segments++;
        mergedSegments++;
        // The last segment's flags (ACK, or ACK and PSH) go on the merged header; the kernel clears PSH on all but
        // the last segment it cuts.
        ring.putByte(start + TCP_FLAGS, frame.getByte(offset + TCP_FLAGS));
        if (payload < segmentSize || frame.getByte(offset + TCP_FLAGS) != ACK)
        {
            capacity = length; // a short or pushed segment is the last: nothing more may follow it
        }
        return true;
    }

    private boolean continuesOpenFrame(final DirectBuffer frame, final int offset, final int frameLength)
    {
        final int flags = frame.getByte(offset + TCP_FLAGS) & 0xFF;
        // The open frame's own flags need no check: after a pushed (or short) segment its capacity is used up. Nor
        // does the new frame's version and header length: same() compares them with the open frame's, 0x45.
        if ((flags != ACK && flags != ACK_PSH) ||
            (frame.getShort(offset + IP_TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF) != frameLength - IP)
        {
            return false;
        }
        final int firstId = ring.getShort(start + IP_ID, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int firstSequence = ring.getInt(start + TCP_SEQUENCE, ByteOrder.BIG_ENDIAN);
        return (frame.getShort(offset + IP_ID, ByteOrder.BIG_ENDIAN) & 0xFFFF) == ((firstId + segments) & 0xFFFF) &&
            frame.getInt(offset + TCP_SEQUENCE, ByteOrder.BIG_ENDIAN) ==
                firstSequence + (length - headerLength) &&
            same(frame, offset, 0, IP + 2) &&                         // Ethernet header, IP version, IHL, TOS
            same(frame, offset, IP_FLAGS_FRAGMENT, IP_CHECKSUM) &&    // DF, TTL, protocol
            same(frame, offset, IP_SOURCE, TCP_SEQUENCE) &&           // addresses, ports
            same(frame, offset, TCP_ACK, TCP_FLAGS) &&                // acknowledgement, data offset
            same(frame, offset, TCP_WINDOW, TCP_CHECKSUM) &&
            same(frame, offset, TCP_CHECKSUM + 2, headerLength);      // urgent pointer, options
    }

    private boolean same(final DirectBuffer frame, final int offset, final int from, final int to)
    {
        int i = from;
        for (; i + 8 <= to; i += 8)
        {
            if (frame.getLong(offset + i) != ring.getLong(start + i))
            {
                return false;
            }
        }
        for (; i < to; i++)
        {
            if (frame.getByte(offset + i) != ring.getByte(start + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Finishes the open frame: writes its {@code virtio_net_hdr} at {@code vnetHeader} (just before the frame) and,
     * if segments were merged, its IP total length and checksum and the TCP pseudo-header checksum the kernel
     * completes for each segment (RFC 793 §3.1, RFC 9293 §3.1).
     *
     * @return the frame's length
     */
    int close(final int vnetHeader)
    {
        final int frameLength = length;
        if (segments == 1)
        {
            writeCopyHeader(ring, vnetHeader, frameLength);
        }
        else
        {
            final int ipLength = frameLength - IP;
            ring.putShort(start + IP_TOTAL_LENGTH, (short)ipLength, ByteOrder.BIG_ENDIAN);
            ring.putShort(start + IP_CHECKSUM, (short)0);
            ring.putShort(start + IP_CHECKSUM, (short)~fold(sum(start + IP, 20, 0)), ByteOrder.BIG_ENDIAN);
            final long pseudo = sum(start + IP_SOURCE, 8, 6 + ipLength - 20);
            ring.putShort(start + TCP_CHECKSUM, (short)fold(pseudo), ByteOrder.BIG_ENDIAN);
            writeSegmentationHeader(ring, vnetHeader, frameLength, segmentSize);
        }
        segments = 0;
        return frameLength;
    }

    /** Segments that left inside another segment's frame so far. */
    long mergedSegments()
    {
        return mergedSegments;
    }

    /**
     * A {@code virtio_net_hdr} asking for nothing but a copy of the whole frame into the kernel's packet buffer
     * ({@code hdr_len} = the frame's length), as {@link AfPacketConfig.TxMode#RING_COPY} sends every frame.
     */
    static void writeCopyHeader(final UnsafeBuffer ring, final int vnetHeader, final int frameLength)
    {
        ring.putLong(vnetHeader, 0);
        ring.putShort(vnetHeader + 8, (short)0);
        ring.putShort(vnetHeader + AfPacket.VNET_HDR_LEN_OFFSET, (short)frameLength, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A {@code virtio_net_hdr} for a TCP/IPv4 frame without IP options whose TCP checksum field holds the
     * pseudo-header sum over its whole TCP length (checksum-partial): the kernel completes each segment's checksum
     * from {@code csum_start} (the TCP header) and writes it {@code csum_offset} bytes in ({@code NEEDS_CSUM}), and,
     * when {@code segmentSize} is not 0, cuts the frame into segments of that many data bytes ({@code GSO_TCPV4},
     * {@code gso_size}). {@code hdr_len} is the whole frame, so the kernel copies all of it into its packet buffer as
     * for every other frame of the ring (also what {@code csum_start}/{@code csum_offset} need: the checksum field
     * must be in the copied, linear part). Pass 0 for a frame with no more data than one segment: it asks for the
     * checksum only, as tcp_gso_segment refuses (-EINVAL, the packet dropped) a GSO packet no longer than gso_size
     * on kernels whose virtio_net_hdr_to_skb does not already treat it as a plain one.
     */
    static void writeSegmentationHeader(final UnsafeBuffer ring, final int vnetHeader, final int frameLength,
        final int segmentSize)
    {
        ring.putByte(vnetHeader, (byte)VIRTIO_NET_HDR_F_NEEDS_CSUM);
        ring.putByte(vnetHeader + 1, (byte)(segmentSize == 0 ? VIRTIO_NET_HDR_GSO_NONE : VIRTIO_NET_HDR_GSO_TCPV4));
        ring.putShort(vnetHeader + AfPacket.VNET_HDR_LEN_OFFSET, (short)frameLength, ByteOrder.LITTLE_ENDIAN);
        ring.putShort(vnetHeader + 4, (short)segmentSize, ByteOrder.LITTLE_ENDIAN);
        ring.putShort(vnetHeader + 6, (short)TCP, ByteOrder.LITTLE_ENDIAN);
        ring.putShort(vnetHeader + 8, (short)(TCP_CHECKSUM - TCP), ByteOrder.LITTLE_ENDIAN);
    }

    private long sum(final int from, final int bytes, final long initial)
    {
        long sum = initial;
        for (int i = 0; i < bytes; i += 2)
        {
            sum += ring.getShort(from + i, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        return sum;
    }

    private static int fold(final long sum)
    {
        long folded = sum;
        while (folded >>> 16 != 0)
        {
            folded = (folded & 0xFFFF) + (folded >>> 16);
        }
        return (int)folded;
    }
}
