package io.ustack.link.packet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-side TCP/IPv4 Ethernet frames (66 bytes of headers: Ethernet, IPv4 without options, TCP with timestamps) and
 * the kernel's TCPv4 segmentation written out, to check what a transmit slot would become on the wire.
 */
public final class TcpFrames
{
    /** Ethernet, IPv4 and TCP header bytes of every frame made here. */
    public static final int HEADERS = 14 + 20 + 32;
    public static final int FIN = 0x01;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int CWR = 0x80;

    private TcpFrames()
    {
    }

    /** An Ethernet frame with one TCP/IPv4 segment with timestamps, both checksums complete. */
    public static byte[] segment(final int sequence, final int identification, final int payload, final int flags)
    {
        final byte[] f = headersAndData(sequence, identification, payload, flags);
        putShort(f, 50, tcpChecksum(f));
        return f;
    }

    /**
     * The same, as TCP hands one datagram to be cut (LinkEndpoint.transmitSegmented): the IP header covers all of it
     * and the TCP checksum field holds the folded pseudo-header sum over the whole TCP length, not complemented.
     */
    public static byte[] segmentToCut(final int sequence, final int identification, final int payload,
        final int flags)
    {
        final byte[] f = headersAndData(sequence, identification, payload, flags);
        putShort(f, 50, pseudoHeaderSum(f, f.length - 34));
        return f;
    }

    private static byte[] headersAndData(final int sequence, final int identification, final int payload,
        final int flags)
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
        return f;
    }

    /**
     * The kernel's TCPv4 segmentation (tcp_gso_segment, inet_gso_segment), written out for a frame whose TCP
     * checksum field holds the pseudo-header sum over its whole TCP length: each piece gets the frame's headers with
     * the sequence number and identification advanced, PSH and FIN on the last only, CWR on the first only, a fresh
     * IP checksum, and the TCP checksum completed from the field as the kernel does (the field's sum moved to the
     * piece's length, then summed over the piece: CHECKSUM_PARTIAL).
     */
    public static List<byte[]> cutAsTheKernelDoes(final byte[] frame, final int gsoSize)
    {
        final int headers = 34 + ((frame[46] & 0xF0) >>> 2);
        final List<byte[]> pieces = new ArrayList<>();
        final int payload = frame.length - headers;
        final int sequence = getInt(frame, 38);
        final int identification = ((frame[18] & 0xFF) << 8) | (frame[19] & 0xFF);
        final int wholeSum = ((frame[50] & 0xFF) << 8) | (frame[51] & 0xFF);
        for (int at = 0, i = 0; at < payload; at += gsoSize, i++)
        {
            final int size = Math.min(gsoSize, payload - at);
            final byte[] piece = new byte[headers + size];
            System.arraycopy(frame, 0, piece, 0, headers);
            System.arraycopy(frame, headers + at, piece, headers, size);
            putShort(piece, 16, piece.length - 14);
            putShort(piece, 18, identification + i);
            putShort(piece, 24, 0);
            putShort(piece, 24, onesComplementSum(piece, 14, 20) ^ 0xFFFF);
            putInt(piece, 38, sequence + at);
            if (at + size < payload)
            {
                piece[47] &= (byte)~(PSH | FIN);
            }
            if (at > 0)
            {
                piece[47] &= (byte)~CWR;
            }
            // tcp_gso_segment: newcheck = ~csum_fold(check + (~old length) + new length), then the checksum over
            // the piece from csum_start with that in the field, complemented, goes in the field.
            final int pieceSum = fold(wholeSum + (~(frame.length - 34) & 0xFFFF) + piece.length - 34);
            putShort(piece, 50, pieceSum);
            putShort(piece, 50, onesComplementSum(piece, 34, piece.length - 34) ^ 0xFFFF);
            pieces.add(piece);
        }
        return pieces;
    }

    /** Whether a frame's IP header checksum and TCP checksum (with its pseudo-header) both verify. */
    public static boolean checksumsVerify(final byte[] f)
    {
        final int tcpLength = f.length - 34;
        return onesComplementSum(f, 14, 20) == 0xFFFF &&
            fold(onesComplementSum(f, 26, 8) + 6L + tcpLength + onesComplementSum(f, 34, tcpLength)) == 0xFFFF;
    }

    /** RFC 9293 §3.1: the TCP checksum of a frame, computed with its field taken as zero. */
    public static int tcpChecksum(final byte[] f)
    {
        final byte[] copy = f.clone();
        putShort(copy, 50, 0);
        final int tcpLength = copy.length - 34;
        return fold(pseudoHeaderSum(copy, tcpLength) + onesComplementSum(copy, 34, tcpLength)) ^ 0xFFFF;
    }

    private static int pseudoHeaderSum(final byte[] f, final int tcpLength)
    {
        return fold(onesComplementSum(f, 26, 8) + 6L + tcpLength);
    }

    /** The folded ones'-complement sum of {@code length} bytes from {@code from}. */
    public static int onesComplementSum(final byte[] f, final int from, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            sum += ((f[from + i] & 0xFF) << 8) | (i + 1 < length ? f[from + i + 1] & 0xFF : 0);
        }
        return fold(sum);
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

    public static int getInt(final byte[] f, final int at)
    {
        return ByteBuffer.wrap(f, at, 4).getInt();
    }

    public static void putInt(final byte[] f, final int at, final int value)
    {
        ByteBuffer.wrap(f, at, 4).putInt(value);
    }

    public static void putShort(final byte[] f, final int at, final int value)
    {
        f[at] = (byte)(value >>> 8);
        f[at + 1] = (byte)value;
    }
}
