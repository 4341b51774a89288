package io.ustack.tcp.wire;

import io.ustack.api.counter.DropReason;
import io.ustack.ip.checksum.InternetChecksum;
import io.ustack.ip.offload.TcpSegmenter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over a TCP segment (RFC 9293 §3.1).
 *
 * <pre>
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |          Source Port          |       Destination Port        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                        Sequence Number                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    Acknowledgment Number                      |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  Data |       |C|E|U|A|P|R|S|F|                               |
 *    | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *    |       |       |R|E|G|K|H|T|N|N|                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           Checksum            |         Urgent Pointer        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                           [Options]                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                                                               :
 *    :                             Data                              :
 *    :                                                               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Reading untrusted bytes: {@link #tryWrap} checks the length, the data offset and the options (parsed into
 * {@link #options()}); after it returns true no accessor reads outside {@code [offset, offset + length)}. On false,
 * {@link #failure()} names the drop reason. Writing our own segments: {@link #wrapForWrite} then the setters, then
 * {@link #computeAndSetChecksum} last.
 *
 * <p>Sequence and acknowledgment numbers are raw {@code int}s: compare them only through {@link SeqNum}.
 */
public final class TcpHeader
{
    /** IP protocol number of TCP, as carried in the pseudo-header. */
    public static final int PROTOCOL = 6;
    /** Length of the header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Length of the header with 40 bytes of options (data offset 15). */
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_NUMBER_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_NUMBER_OFFSET = 8;
    /** Data offset in the high 4 bits, reserved bits in the low 4. */
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;

    /** No more data from sender. */
    public static final int FIN = 0x01;
    /** Synchronize sequence numbers. */
    public static final int SYN = 0x02;
    /** Reset the connection. */
    public static final int RST = 0x04;
    /** Push function. */
    public static final int PSH = 0x08;
    /** Acknowledgment field is significant. */
    public static final int ACK = 0x10;
    /** Urgent pointer field is significant. */
    public static final int URG = 0x20;
    /** ECN-Echo (RFC 3168 §6.1). */
    public static final int ECE = 0x40;
    /** Congestion Window Reduced (RFC 3168 §6.1). */
    public static final int CWR = 0x80;

    private final TcpOptions options = new TcpOptions();
    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;
    private DropReason failure;

    /**
     * Wraps a received segment of {@code length} bytes (TCP header and data, as the IP total length says) and checks
     * it. Never throws and allocates nothing, whatever the bytes or arguments.
     *
     * @return true if the header and options are well formed; otherwise {@link #failure()} says why
     */
    public boolean tryWrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        this.length = length;
        this.failure = null;
        options.reset();

        if (offset < 0 || length < MIN_HEADER_LENGTH || (long)offset + length > buffer.capacity())
        {
            return fail(DropReason.TCP_TRUNCATED);
        }
        final int dataOffset = dataOffset();
        // RFC 9293 §3.1: the data offset counts 32-bit words of header; at least 5, and the header must fit.
        if (dataOffset < 5 || dataOffset * 4 > length)
        {
            return fail(DropReason.TCP_BAD_DATA_OFFSET);
        }
        if (!options.parse(buffer, offset + OPTIONS_OFFSET, dataOffset * 4 - MIN_HEADER_LENGTH))
        {
            return fail(DropReason.TCP_BAD_OPTION);
        }
        return true;
    }

    private boolean fail(final DropReason reason)
    {
        failure = reason;
        return false;
    }

    /**
     * Wraps our own buffer to build a segment at {@code offset}; no check. Set the data offset before the options
     * and payload accessors, and compute the checksum last.
     */
    public TcpHeader wrapForWrite(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = 0;
        this.failure = null;
        options.reset();
        return this;
    }

    /** Why the last {@link #tryWrap} failed, or null after a success. */
    public DropReason failure()
    {
        return failure;
    }

    /** The options parsed by the last successful {@link #tryWrap} (nothing after {@link #wrapForWrite}). */
    public TcpOptions options()
    {
        return options;
    }

    /** The wrapped buffer. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Where the segment starts in {@link #buffer()}. */
    public int offset()
    {
        return offset;
    }

    /** Bytes of header and data: as given to {@link #tryWrap}, or to {@link #computeAndSetChecksum}. */
    public int segmentLength()
    {
        return length;
    }

    public int sourcePort()
    {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpHeader sourcePort(final int port)
    {
        mutableBuffer.putShort(offset + SOURCE_PORT_OFFSET, (short)port, BIG_ENDIAN);
        return this;
    }

    public int destinationPort()
    {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpHeader destinationPort(final int port)
    {
        mutableBuffer.putShort(offset + DESTINATION_PORT_OFFSET, (short)port, BIG_ENDIAN);
        return this;
    }

    /** SEG.SEQ; compare with {@link SeqNum} only. */
    public int sequenceNumber()
    {
        return buffer.getInt(offset + SEQUENCE_NUMBER_OFFSET, BIG_ENDIAN);
    }

    public TcpHeader sequenceNumber(final int seq)
    {
        mutableBuffer.putInt(offset + SEQUENCE_NUMBER_OFFSET, seq, BIG_ENDIAN);
        return this;
    }

    /** SEG.ACK; meaningful when {@link #ACK} is set; compare with {@link SeqNum} only. */
    public int acknowledgmentNumber()
    {
        return buffer.getInt(offset + ACKNOWLEDGMENT_NUMBER_OFFSET, BIG_ENDIAN);
    }

    public TcpHeader acknowledgmentNumber(final int ack)
    {
        mutableBuffer.putInt(offset + ACKNOWLEDGMENT_NUMBER_OFFSET, ack, BIG_ENDIAN);
        return this;
    }

    /** Header length in 32-bit words, 5..15. */
    public int dataOffset()
    {
        return (buffer.getByte(offset + DATA_OFFSET_OFFSET) & 0xFF) >>> 4;
    }

    /** Sets the header length in words and clears the reserved bits (RFC 9293 §3.1: "Must be zero"). */
    public TcpHeader dataOffset(final int words)
    {
        mutableBuffer.putByte(offset + DATA_OFFSET_OFFSET, (byte)(words << 4));
        return this;
    }

    /** The 4 reserved bits after the data offset (RFC 9293 §3.1: senders send zero, receivers ignore them). */
    public int reservedBits()
    {
        return buffer.getByte(offset + DATA_OFFSET_OFFSET) & 0x0F;
    }

    /** The control bits: an OR of {@link #FIN} ... {@link #CWR}. */
    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public TcpHeader flags(final int flags)
    {
        mutableBuffer.putByte(offset + FLAGS_OFFSET, (byte)flags);
        return this;
    }

    /** Whether every bit of {@code flag} (one or more of {@link #FIN} ... {@link #CWR}) is set. */
    public boolean hasFlag(final int flag)
    {
        return (flags() & flag) == flag;
    }

    /** SEG.WND as sent, before any window scaling. */
    public int window()
    {
        return buffer.getShort(offset + WINDOW_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpHeader window(final int window)
    {
        mutableBuffer.putShort(offset + WINDOW_OFFSET, (short)window, BIG_ENDIAN);
        return this;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpHeader checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    /** SEG.UP: offset from SEG.SEQ of the byte after the urgent data (RFC 6093 §2), when {@link #URG} is set. */
    public int urgentPointer()
    {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpHeader urgentPointer(final int pointer)
    {
        mutableBuffer.putShort(offset + URGENT_POINTER_OFFSET, (short)pointer, BIG_ENDIAN);
        return this;
    }

    /** Header length in bytes, options included: {@code dataOffset() * 4}. */
    public int headerLength()
    {
        return dataOffset() * 4;
    }

    /** Where the options start in {@link #buffer()}. */
    public int optionsOffset()
    {
        return offset + OPTIONS_OFFSET;
    }

    /** Bytes of options, padding included: {@code headerLength() - 20}. */
    public int optionsLength()
    {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** Where the data starts in {@link #buffer()}. */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /** Bytes of data: {@code segmentLength() - headerLength()}. */
    public int payloadLength()
    {
        return length - headerLength();
    }

    /**
     * Verifies the checksum over the pseudo-header (RFC 9293 §3.1: source, destination, zero, protocol 6, TCP length)
     * and the whole segment: the one's complement sum of all of it is 0xFFFF when intact.
     *
     * @param sourceAddress      IPv4 source, network order in an int
     * @param destinationAddress IPv4 destination
     */
    public boolean checksumValid(final int sourceAddress, final int destinationAddress)
    {
        final int pseudo = InternetChecksum.pseudoHeaderSum(sourceAddress, destinationAddress, PROTOCOL, length);
        return InternetChecksum.sum(buffer, offset, length, pseudo) == 0xFFFF;
    }

    /**
     * Computes and stores the checksum of the segment of {@code segmentLength} bytes (header and data) starting at
     * this header, which also becomes {@link #segmentLength()}. Call it after every other field and the data are
     * written.
     */
    public TcpHeader computeAndSetChecksum(final int sourceAddress, final int destinationAddress,
        final int segmentLength)
    {
        this.length = segmentLength;
        checksum(0);
        final int pseudo = InternetChecksum.pseudoHeaderSum(sourceAddress, destinationAddress, PROTOCOL,
            segmentLength);
        return checksum(InternetChecksum.finish(InternetChecksum.sum(buffer, offset, segmentLength, pseudo)));
    }

    /**
     * For a segment the link device cuts and checksums (segmentation offload): stores the folded pseudo-header sum
     * over {@code segmentLength} bytes, uncomplemented, where the checksum goes (Linux's CHECKSUM_PARTIAL); the
     * device adds header and data to it per segment.
     */
    public TcpHeader setPartialChecksum(final int sourceAddress, final int destinationAddress,
        final int segmentLength)
    {
        this.length = segmentLength;
        return checksum(TcpSegmenter.partialChecksum(sourceAddress, destinationAddress, segmentLength));
    }

    @Override
    public String toString()
    {
        return "TcpHeader{" + sourcePort() + "->" + destinationPort() + " seq=" + SeqNum.toUnsigned(sequenceNumber()) +
            " ack=" + SeqNum.toUnsigned(acknowledgmentNumber()) + " flags=0x" + Integer.toHexString(flags()) +
            " win=" + window() + " hlen=" + headerLength() + " len=" + length + "}";
    }
}
