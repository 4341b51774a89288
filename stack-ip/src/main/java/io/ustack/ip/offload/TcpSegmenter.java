package io.ustack.ip.offload;

import io.ustack.ip.checksum.InternetChecksum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Cuts one large TCP datagram (one header, then data) into segments of {@code segmentSize} data bytes, each exactly
 * what TCP would have built sending that part alone: Linux's {@code tcp_gso_segment} in software, for a link whose
 * device has no TCP segmentation offload.
 *
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-------------------------------+-------------------------------+
 *   |          Source Port          |       Destination Port        |
 *   +-------------------------------+-------------------------------+
 *   |                 Sequence Number  (advanced per segment)       |
 *   +---------------------------------------------------------------+
 *   |                     Acknowledgment Number                     |
 *   +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 *   | Offset| Rsrvd |C|E|U|A|P|R|S|F|            Window             |
 *   +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 *   |    Checksum (per segment)     |        Urgent Pointer         |
 *   +-------------------------------+-------------------------------+
 *   |              Options (copied to every segment)                |
 * </pre>
 *
 * RFC 9293 §3.1 gives the header. Per segment: the sequence number is the datagram's plus the data before it; CWR
 * stays on the first segment only (RFC 3168 §6.1.2: it answers one congestion notification once), PSH and FIN on the
 * last only (they mark the end of what was sent); the checksum covers that segment's pseudo-header (its own TCP
 * length), header and data. Everything else, options included, is copied unchanged, as the device does. URG is
 * copied too: a sender with urgent data must not hand it over in one piece (Linux sends no TSO in urgent mode).
 *
 * <p>Stateless; no allocation.
 */
public final class TcpSegmenter
{
    /** IP protocol number of TCP. */
    public static final int PROTOCOL_TCP = 6;
    /** Smallest TCP header (no options). */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Largest TCP header (data offset 15). */
    public static final int MAX_HEADER_LENGTH = 60;

    static final int SEQUENCE_OFFSET = 4;
    static final int DATA_OFFSET_OFFSET = 12;
    static final int FLAGS_OFFSET = 13;
    static final int CHECKSUM_OFFSET = 16;

    static final int FLAG_FIN = 0x01;
    static final int FLAG_PSH = 0x08;
    static final int FLAG_CWR = 0x80;

    private TcpSegmenter()
    {
    }

    /** The header length the TCP header at {@code offset} states (its data offset × 4). */
    public static int headerLength(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + DATA_OFFSET_OFFSET) >>> 4 & 0xF) * 4;
    }

    /** How many segments {@code dataLength} bytes make: at least one (a datagram of header only is one segment). */
    public static int segmentCount(final int dataLength, final int segmentSize)
    {
        return dataLength <= 0 ? 1 : (dataLength + segmentSize - 1) / segmentSize;
    }

    /**
     * The value TCP puts in the checksum field of a datagram it hands over to be cut (the checksum-partial
     * convention of {@code LinkEndpoint.transmitSegmented}): the folded, not complemented, pseudo-header sum over
     * its whole TCP length (RFC 9293 §3.1).
     */
    public static int partialChecksum(final int sourceAddress, final int destinationAddress, final int tcpLength)
    {
        return InternetChecksum.pseudoHeaderSum(sourceAddress, destinationAddress, PROTOCOL_TCP, tcpLength);
    }

    /**
     * Writes segment {@code index} of the datagram at {@code [from + offset, + tcpLength)} to {@code to} at
     * {@code toOffset}: the header with its sequence number, flags and checksum for that segment, then its data.
     *
     * @param tcpLength   the datagram's TCP length: header and all its data
     * @param segmentSize data bytes in every segment but the last
     * @param index       which segment, 0 to {@link #segmentCount} - 1
     * @return the segment's TCP length (header and data)
     */
    public static int writeSegment(final DirectBuffer from, final int offset, final int tcpLength,
        final int segmentSize, final int index, final MutableDirectBuffer to, final int toOffset,
        final int sourceAddress, final int destinationAddress)
    {
        final int headerLength = headerLength(from, offset);
        final int dataLength = tcpLength - headerLength;
        final int count = segmentCount(dataLength, segmentSize);
        final int dataStart = index * segmentSize;
        final int segmentData = Math.max(0, Math.min(segmentSize, dataLength - dataStart));
        final int segmentLength = headerLength + segmentData;

        to.putBytes(toOffset, from, offset, headerLength);
        to.putBytes(toOffset + headerLength, from, offset + headerLength + dataStart, segmentData);
        final int sequence = from.getInt(offset + SEQUENCE_OFFSET, BIG_ENDIAN) + dataStart;
        to.putInt(toOffset + SEQUENCE_OFFSET, sequence, BIG_ENDIAN);
        int flags = from.getByte(offset + FLAGS_OFFSET) & 0xFF;
        if (index > 0)
        {
            flags &= ~FLAG_CWR;
        }
        if (index < count - 1)
        {
            flags &= ~(FLAG_PSH | FLAG_FIN);
        }
        to.putByte(toOffset + FLAGS_OFFSET, (byte)flags);
        to.putShort(toOffset + CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        final int sum = InternetChecksum.sum(to, toOffset, segmentLength,
            InternetChecksum.pseudoHeaderSum(sourceAddress, destinationAddress, PROTOCOL_TCP, segmentLength));
        to.putShort(toOffset + CHECKSUM_OFFSET, (short)InternetChecksum.finish(sum), BIG_ENDIAN);
        return segmentLength;
    }

    /**
     * What is wrong with a datagram handed over to be cut, or null when nothing is: a caller's mistake, not
     * something the network sent.
     *
     * @param tcpLength   its TCP length, header and data
     * @param headerLength its TCP header's stated length
     * @param segmentSize data bytes per segment
     * @param room        bytes its buffer holds for the TCP datagram
     */
    public static String problem(final int tcpLength, final int headerLength, final int segmentSize, final int room)
    {
        if (segmentSize < 1 || segmentSize > 0xFFFF)
        {
            return "segment size " + segmentSize + " outside 1..65535";
        }
        if (tcpLength > room)
        {
            return "TCP length " + tcpLength + " is more than the buffer's " + room + " bytes after its headroom";
        }
        if (headerLength < MIN_HEADER_LENGTH || headerLength > tcpLength)
        {
            return "TCP header length " + headerLength + " (data offset × 4) must be 20..60 and within the " +
                tcpLength + " bytes handed over: write the TCP header before sending";
        }
        return null;
    }
}
