package io.ustack.udp.wire;

import io.ustack.api.counter.DropReason;
import io.ustack.ip.checksum.InternetChecksum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over a UDP datagram (RFC 768).
 *
 * <pre>
 *                  0      7 8     15 16    23 24    31
 *                 +--------+--------+--------+--------+
 *                 |     Source      |   Destination   |
 *                 |      Port       |      Port       |
 *                 +--------+--------+--------+--------+
 *                 |                 |                 |
 *                 |     Length      |    Checksum     |
 *                 +--------+--------+--------+--------+
 *                 |
 *                 |          data octets ...
 *                 +---------------- ...
 * </pre>
 *
 * <p>Reading untrusted bytes: {@link #tryWrap} checks the given length and the length field; afterwards no accessor
 * reads outside {@code [offset, offset + length)}. The datagram is what the length field says: the IP payload may
 * be longer (link padding), and {@link #payloadLength()} leaves such padding out. On false, {@link #failure()} names
 * the drop reason. Writing our own datagrams: {@link #wrapForWrite}, the setters (length included), then
 * {@link #computeAndSetChecksum} last.
 */
public final class UdpHeader
{
    /** IP protocol number of UDP, as carried in the pseudo-header. */
    public static final int PROTOCOL = 17;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;
    /** RFC 768: a checksum field of zero means the sender computed none. */
    public static final int NO_CHECKSUM = 0;

    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;
    private DropReason failure;

    /**
     * Wraps a received datagram carried in {@code length} bytes (the IP payload) and checks it. Never throws and
     * allocates nothing, whatever the bytes or arguments.
     *
     * @return true if the header is well formed; otherwise {@link #failure()} says why
     */
    public boolean tryWrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        this.length = length;
        this.failure = null;

        if (offset < 0 || length < HEADER_LENGTH || (long)offset + length > buffer.capacity())
        {
            failure = DropReason.UDP_TRUNCATED;
            return false;
        }
        final int lengthField = length();
        // RFC 768: "Length is the length in octets of this user datagram including this header and the data.
        // (This means the minimum value of the length is eight.)" It cannot claim more than IP carried.
        if (lengthField < HEADER_LENGTH || lengthField > length)
        {
            failure = DropReason.UDP_BAD_LENGTH;
            return false;
        }
        return true;
    }

    /** Wraps our own buffer to build a datagram at {@code offset}; no check. */
    public UdpHeader wrapForWrite(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = 0;
        this.failure = null;
        return this;
    }

    /** Why the last {@link #tryWrap} failed, or null after a success. */
    public DropReason failure()
    {
        return failure;
    }

    /** The wrapped buffer. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Where the datagram starts in {@link #buffer()}. */
    public int offset()
    {
        return offset;
    }

    public int sourcePort()
    {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public UdpHeader sourcePort(final int port)
    {
        mutableBuffer.putShort(offset + SOURCE_PORT_OFFSET, (short)port, BIG_ENDIAN);
        return this;
    }

    public int destinationPort()
    {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public UdpHeader destinationPort(final int port)
    {
        mutableBuffer.putShort(offset + DESTINATION_PORT_OFFSET, (short)port, BIG_ENDIAN);
        return this;
    }

    /** The length field: header plus data, in bytes. */
    public int length()
    {
        return buffer.getShort(offset + LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public UdpHeader length(final int length)
    {
        mutableBuffer.putShort(offset + LENGTH_OFFSET, (short)length, BIG_ENDIAN);
        return this;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public UdpHeader checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    /** Whether the sender computed a checksum (RFC 768: zero means none). */
    public boolean hasChecksum()
    {
        return checksum() != NO_CHECKSUM;
    }

    /** Where the data starts in {@link #buffer()}. */
    public int payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /** Bytes of data, from the length field (IP padding after the datagram is not data). */
    public int payloadLength()
    {
        return length() - HEADER_LENGTH;
    }

    /**
     * Verifies the checksum over the pseudo-header (RFC 768: source, destination, zero, protocol 17, UDP length) and
     * the datagram. A zero checksum means the sender computed none and is accepted (RFC 768; RFC 1122 §4.1.3.4
     * lets a host discard such datagrams by policy, which is the socket layer's decision, not the wire's).
     */
    public boolean checksumValid(final int sourceAddress, final int destinationAddress)
    {
        if (checksum() == NO_CHECKSUM)
        {
            return true;
        }
        final int datagramLength = length();
        final int pseudo = InternetChecksum.pseudoHeaderSum(sourceAddress, destinationAddress, PROTOCOL,
            datagramLength);
        return InternetChecksum.sum(buffer, offset, datagramLength, pseudo) == 0xFFFF;
    }

    /**
     * Computes and stores the checksum over the pseudo-header and the {@link #length()} bytes of the datagram; set
     * the length field and write the data first. RFC 768: "If the computed checksum is zero, it is transmitted as
     * all ones", since zero on the wire means "no checksum".
     */
    public UdpHeader computeAndSetChecksum(final int sourceAddress, final int destinationAddress)
    {
        final int datagramLength = length();
        this.length = datagramLength;
        checksum(0);
        final int pseudo = InternetChecksum.pseudoHeaderSum(sourceAddress, destinationAddress, PROTOCOL,
            datagramLength);
        final int computed = InternetChecksum.finish(InternetChecksum.sum(buffer, offset, datagramLength, pseudo));
        return checksum(computed == 0 ? 0xFFFF : computed);
    }

    @Override
    public String toString()
    {
        return "UdpHeader{" + sourcePort() + "->" + destinationPort() + " len=" + length() + " csum=0x" +
            Integer.toHexString(checksum()) + "}";
    }
}
