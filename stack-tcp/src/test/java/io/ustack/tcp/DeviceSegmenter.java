package io.ustack.tcp;

import io.ustack.ip.checksum.InternetChecksum;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a TCP datagram handed down for segmentation offload the way a device does (Linux {@code tcp_gso_segment}):
 * the header copied onto every segment with the sequence number advanced, PSH and FIN only on the last, CWR only on
 * the first, and each segment's checksum completed from the pseudo-header sum the field holds. Tests only.
 */
final class DeviceSegmenter
{
    private static final int CWR = 0x80;

    private DeviceSegmenter()
    {
    }

    /** The segments' transport bytes, in order. */
    static List<byte[]> cut(final DirectBuffer buffer, final int offset, final int length, final int segmentSize,
        final int source, final int destination)
    {
        final int headerLength = (buffer.getByte(offset + TcpHeader.DATA_OFFSET_OFFSET) >>> 4 & 0xF) * 4;
        final int data = length - headerLength;
        final int sequence = buffer.getInt(offset + TcpHeader.SEQUENCE_NUMBER_OFFSET, java.nio.ByteOrder.BIG_ENDIAN);
        final int flags = buffer.getByte(offset + TcpHeader.FLAGS_OFFSET) & 0xFF;
        final List<byte[]> segments = new ArrayList<>();
        for (int at = 0; at < data; at += segmentSize)
        {
            final int size = Math.min(segmentSize, data - at);
            final boolean first = at == 0;
            final boolean last = at + size == data;
            final UnsafeBuffer segment = new UnsafeBuffer(new byte[headerLength + size]);
            segment.putBytes(0, buffer, offset, headerLength);
            segment.putBytes(headerLength, buffer, offset + headerLength + at, size);
            segment.putInt(TcpHeader.SEQUENCE_NUMBER_OFFSET, SeqNum.add(sequence, at), java.nio.ByteOrder.BIG_ENDIAN);
            int segmentFlags = flags;
            if (!last)
            {
                segmentFlags &= ~(TcpHeader.PSH | TcpHeader.FIN);
            }
            if (!first)
            {
                segmentFlags &= ~CWR;
            }
            segment.putByte(TcpHeader.FLAGS_OFFSET, (byte)segmentFlags);
            new TcpHeader().wrapForWrite(segment, 0).computeAndSetChecksum(source, destination, headerLength + size);
            segments.add(segment.byteArray());
        }
        return segments;
    }

    /** Whether the checksum field holds the pseudo-header sum over {@code length} bytes, as the contract says. */
    static boolean holdsPartialChecksum(final DirectBuffer buffer, final int offset, final int length,
        final int source, final int destination)
    {
        final int field = buffer.getShort(offset + TcpHeader.CHECKSUM_OFFSET, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return field == InternetChecksum.pseudoHeaderSum(source, destination, TcpHeader.PROTOCOL, length);
    }
}
