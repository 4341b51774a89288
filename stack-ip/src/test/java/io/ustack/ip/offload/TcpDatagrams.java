package io.ustack.ip.offload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds, independently of {@link TcpSegmenter}, the TCP bytes of a large datagram and of the segments TCP would have
 * sent one by one instead: plain byte arithmetic and a 16-bit-at-a-time checksum.
 */
public final class TcpDatagrams
{
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    /** NOP, NOP, timestamps (RFC 7323 §3): 12 bytes of options. */
    public static final byte[] TIMESTAMP_OPTIONS = {1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte)0x88};

    private TcpDatagrams()
    {
    }

    /** A TCP header from port 40000 to 80, acknowledging 0x0A0B0C0D, window 0x7FFF, checksum field zero. */
    public static byte[] header(final int sequence, final int flags, final byte[] options)
    {
        final byte[] header = new byte[20 + options.length];
        putShort(header, 0, 40000);
        putShort(header, 2, 80);
        putInt(header, 4, sequence);
        putInt(header, 8, 0x0A0B0C0D);
        header[12] = (byte)((header.length / 4) << 4);
        header[13] = (byte)flags;
        putShort(header, 14, 0x7FFF);
        System.arraycopy(options, 0, header, 20, options.length);
        return header;
    }

    /** Header then data, its checksum field {@code checksumField}. */
    public static byte[] datagram(final byte[] header, final byte[] data, final int checksumField)
    {
        final byte[] bytes = concat(header, data);
        putShort(bytes, 16, checksumField);
        return bytes;
    }

    /**
     * What TCP would have sent for each {@code segmentSize}-byte part of {@code data} alone: sequence advanced,
     * CWR on the first only, PSH and FIN on the last only, full checksum.
     */
    public static List<byte[]> segmentsSentOneByOne(final byte[] header, final byte[] data, final int segmentSize,
        final int source, final int destination)
    {
        final List<byte[]> segments = new ArrayList<>();
        final int sequence = getInt(header, 4);
        final int flags = header[13] & 0xFF;
        int start = 0;
        do
        {
            final int end = Math.min(data.length, start + segmentSize);
            final boolean first = start == 0;
            final boolean last = end == data.length;
            int segmentFlags = flags;
            if (!first)
            {
                segmentFlags &= ~CWR;
            }
            if (!last)
            {
                segmentFlags &= ~(PSH | FIN);
            }
            final byte[] segmentHeader = header.clone();
            putInt(segmentHeader, 4, sequence + start);
            segmentHeader[13] = (byte)segmentFlags;
            final byte[] segment = concat(segmentHeader, Arrays.copyOfRange(data, start, end));
            putShort(segment, 16, checksum(source, destination, segment));
            segments.add(segment);
            start = end;
        }
        while (start < data.length);
        return segments;
    }

    /** RFC 9293 §3.1 checksum of a TCP segment whose checksum field is zero, one 16-bit word at a time. */
    public static int checksum(final int source, final int destination, final byte[] segment)
    {
        long sum = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF) + 6 +
            segment.length;
        for (int i = 0; i < segment.length; i += 2)
        {
            final int high = segment[i] & 0xFF;
            final int low = i + 1 < segment.length ? segment[i + 1] & 0xFF : 0;
            sum += high << 8 | low;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    public static byte[] pattern(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 13 + seed);
        }
        return bytes;
    }

    static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] bytes = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, bytes, a.length, b.length);
        return bytes;
    }

    static int getInt(final byte[] bytes, final int at)
    {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 |
            bytes[at + 3] & 0xFF;
    }

    static void putInt(final byte[] bytes, final int at, final int value)
    {
        putShort(bytes, at, value >>> 16);
        putShort(bytes, at + 2, value);
    }

    static void putShort(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte)(value >>> 8);
        bytes[at + 1] = (byte)value;
    }
}
