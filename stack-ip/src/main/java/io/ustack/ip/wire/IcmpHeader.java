package io.ustack.ip.wire;

import io.ustack.api.counter.DropReason;
import io.ustack.ip.checksum.InternetChecksum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over an ICMP message, RFC 792.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     rest of header (by type)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data (echo) or Internet Header + 64 bits of Original      |
 * |               Data Datagram (error messages) ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * rest of header:
 *   echo / echo reply (8 / 0)       | Identifier | Sequence Number |
 *   destination unreachable (3)     |  unused    |  Next-Hop MTU   |  (MTU: code 4 only, RFC 1191 §4)
 *   redirect (5)                    |     Gateway Internet Address |
 *   time exceeded (11)              |            unused            |
 *   parameter problem (12)          |Pointer|       unused         |
 * </pre>
 *
 * <p>{@link #tryWrap} only requires the 8-byte header; the checksum covers the whole message ({@code length}
 * bytes). For error messages the quoted original datagram follows the header: {@link #quotedOffset()},
 * {@link #quotedLength()} and {@link #quoteHoldsIpv4HeaderAnd8Bytes()} (RFC 792, RFC 1122 §3.2.2) say how much of
 * it arrived. Types and codes beyond RFC 792 come from RFC 1122 §3.2.2.1 and RFC 1812 §5.2.7.1.
 */
public final class IcmpHeader
{
    /** Message type. */
    public static final int TYPE_OFFSET = 0;
    /** Code within the type. */
    public static final int CODE_OFFSET = 1;
    /** Checksum over the whole ICMP message. */
    public static final int CHECKSUM_OFFSET = 2;
    /** The 32-bit rest of the header, meaning by type. */
    public static final int REST_OF_HEADER_OFFSET = 4;
    /** Echo and echo reply: identifier. */
    public static final int IDENTIFIER_OFFSET = 4;
    /** Echo and echo reply: sequence number. */
    public static final int SEQUENCE_NUMBER_OFFSET = 6;
    /** Destination unreachable, code 4: next-hop MTU (RFC 1191 §4); the two bytes before it are unused. */
    public static final int NEXT_HOP_MTU_OFFSET = 6;
    /** Redirect: gateway address. */
    public static final int GATEWAY_ADDRESS_OFFSET = 4;
    /** Parameter problem: pointer to the octet in error in the quoted header. */
    public static final int POINTER_OFFSET = 4;
    /** First byte after the header: echo data or the quoted datagram. */
    public static final int DATA_OFFSET = 8;

    /** Bytes in the ICMP header. */
    public static final int HEADER_LENGTH = 8;
    /** RFC 792 and RFC 1122 §3.2.2: an error message quotes the IP header and at least 8 bytes of its data. */
    public static final int QUOTED_DATA_MIN = 8;

    /** Echo reply. */
    public static final int TYPE_ECHO_REPLY = 0;
    /** Destination unreachable. */
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    /** Source quench (deprecated by RFC 6633, still an error message carrying a quote). */
    public static final int TYPE_SOURCE_QUENCH = 4;
    /** Redirect. */
    public static final int TYPE_REDIRECT = 5;
    /** Echo request. */
    public static final int TYPE_ECHO_REQUEST = 8;
    /** Time exceeded. */
    public static final int TYPE_TIME_EXCEEDED = 11;
    /** Parameter problem. */
    public static final int TYPE_PARAMETER_PROBLEM = 12;
    /** Timestamp. */
    public static final int TYPE_TIMESTAMP = 13;
    /** Timestamp reply. */
    public static final int TYPE_TIMESTAMP_REPLY = 14;

    /** Destination unreachable: net unreachable. */
    public static final int CODE_NET_UNREACHABLE = 0;
    /** Destination unreachable: host unreachable. */
    public static final int CODE_HOST_UNREACHABLE = 1;
    /** Destination unreachable: protocol unreachable. */
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    /** Destination unreachable: port unreachable. */
    public static final int CODE_PORT_UNREACHABLE = 3;
    /** Destination unreachable: fragmentation needed and DF set (RFC 1191 carries the next-hop MTU). */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** Destination unreachable: source route failed. */
    public static final int CODE_SOURCE_ROUTE_FAILED = 5;
    /** Destination unreachable: destination network unknown (RFC 1122 §3.2.2.1). */
    public static final int CODE_NETWORK_UNKNOWN = 6;
    /** Destination unreachable: destination host unknown (RFC 1122 §3.2.2.1). */
    public static final int CODE_HOST_UNKNOWN = 7;
    /** Destination unreachable: communication administratively prohibited (RFC 1812 §5.2.7.1). */
    public static final int CODE_ADMINISTRATIVELY_PROHIBITED = 13;
    /** Time exceeded: time to live exceeded in transit. */
    public static final int CODE_TTL_EXCEEDED = 0;
    /** Time exceeded: fragment reassembly time exceeded. */
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;
    /** Parameter problem: the pointer indicates the error. */
    public static final int CODE_POINTER_INDICATES_ERROR = 0;
    /** Redirect: for the network. */
    public static final int CODE_REDIRECT_NETWORK = 0;
    /** Redirect: for the host. */
    public static final int CODE_REDIRECT_HOST = 1;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;
    private DropReason failure;

    /**
     * Wraps an untrusted ICMP message (the IPv4 payload).
     *
     * @param buffer holding the message
     * @param offset of the type byte
     * @param length bytes of the message (the IPv4 payload length)
     * @return whether it holds at least the 8-byte header; when false {@link #failure()} is
     *         {@link DropReason#ICMP_TRUNCATED} and no accessor may be used
     */
    public boolean tryWrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = null;
        this.mutableBuffer = null;
        this.offset = 0;
        this.length = 0;
        if (length < HEADER_LENGTH || !WireBounds.inside(buffer, offset, length))
        {
            failure = DropReason.ICMP_TRUNCATED;
            return false;
        }
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        this.length = length;
        this.failure = null;
        return true;
    }

    /** Wraps our own buffer to build a message, without checks; {@link #computeAndSetChecksum(int)} sets its length. */
    public IcmpHeader wrapForWrite(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = HEADER_LENGTH;
        this.failure = null;
        return this;
    }

    /** Why the last {@link #tryWrap} refused the bytes, or null after a successful wrap. */
    public DropReason failure()
    {
        return failure;
    }

    /** The offset of the type byte in the buffer. */
    public int offset()
    {
        return offset;
    }

    /** Bytes in the whole message, header included. */
    public int length()
    {
        return length;
    }

    /** The wrapped buffer. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Message type. */
    public int type()
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    /** Sets the message type. */
    public IcmpHeader type(final int type)
    {
        mutableBuffer.putByte(offset + TYPE_OFFSET, (byte)type);
        return this;
    }

    /** Code within the type. */
    public int code()
    {
        return buffer.getByte(offset + CODE_OFFSET) & 0xFF;
    }

    /** Sets the code. */
    public IcmpHeader code(final int code)
    {
        mutableBuffer.putByte(offset + CODE_OFFSET, (byte)code);
        return this;
    }

    /** Checksum as carried. */
    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Sets the checksum field. */
    public IcmpHeader checksum(final int checksum)
    {
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    /** The raw 32-bit rest of the header (the "unused" word of time exceeded, for instance). */
    public int restOfHeader()
    {
        return buffer.getInt(offset + REST_OF_HEADER_OFFSET, BIG_ENDIAN);
    }

    /** Sets the raw 32-bit rest of the header (zero it for time exceeded and port unreachable). */
    public IcmpHeader restOfHeader(final int value)
    {
        mutableBuffer.putInt(offset + REST_OF_HEADER_OFFSET, value, BIG_ENDIAN);
        return this;
    }

    /** Echo and echo reply: identifier. */
    public int identifier()
    {
        return buffer.getShort(offset + IDENTIFIER_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Echo and echo reply: sets the identifier. */
    public IcmpHeader identifier(final int identifier)
    {
        mutableBuffer.putShort(offset + IDENTIFIER_OFFSET, (short)identifier, BIG_ENDIAN);
        return this;
    }

    /** Echo and echo reply: sequence number. */
    public int sequenceNumber()
    {
        return buffer.getShort(offset + SEQUENCE_NUMBER_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Echo and echo reply: sets the sequence number. */
    public IcmpHeader sequenceNumber(final int sequenceNumber)
    {
        mutableBuffer.putShort(offset + SEQUENCE_NUMBER_OFFSET, (short)sequenceNumber, BIG_ENDIAN);
        return this;
    }

    /**
     * Destination unreachable, code 4: the next-hop MTU (RFC 1191 §4). Zero from a router that predates RFC 1191,
     * and meaningless for other types and codes.
     */
    public int nextHopMtu()
    {
        return buffer.getShort(offset + NEXT_HOP_MTU_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Destination unreachable, code 4: sets the next-hop MTU (the unused half before it stays as it is). */
    public IcmpHeader nextHopMtu(final int mtu)
    {
        mutableBuffer.putShort(offset + NEXT_HOP_MTU_OFFSET, (short)mtu, BIG_ENDIAN);
        return this;
    }

    /** Parameter problem: offset of the octet in error within the quoted header (RFC 792). */
    public int pointer()
    {
        return buffer.getByte(offset + POINTER_OFFSET) & 0xFF;
    }

    /** Parameter problem: sets the pointer (the three unused bytes after it stay as they are). */
    public IcmpHeader pointer(final int pointer)
    {
        mutableBuffer.putByte(offset + POINTER_OFFSET, (byte)pointer);
        return this;
    }

    /** Redirect: the gateway to use, first octet in the high byte. */
    public int gatewayAddress()
    {
        return buffer.getInt(offset + GATEWAY_ADDRESS_OFFSET, BIG_ENDIAN);
    }

    /** Redirect: sets the gateway address. */
    public IcmpHeader gatewayAddress(final int address)
    {
        mutableBuffer.putInt(offset + GATEWAY_ADDRESS_OFFSET, address, BIG_ENDIAN);
        return this;
    }

    /** Offset of the first byte after the header (echo data, or the quote of an error message). */
    public int dataOffset()
    {
        return offset + DATA_OFFSET;
    }

    /** Bytes after the header. */
    public int dataLength()
    {
        return length - HEADER_LENGTH;
    }

    /**
     * Whether the type is an error message that quotes the original datagram: destination unreachable, source
     * quench, redirect, time exceeded, parameter problem (RFC 792; RFC 1122 §3.2.2).
     */
    public boolean isError()
    {
        return isErrorType(type());
    }

    /** Whether {@code type} is one of the error messages that quote the original datagram (RFC 1122 §3.2.2). */
    public static boolean isErrorType(final int type)
    {
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_REDIRECT ||
            type == TYPE_TIME_EXCEEDED || type == TYPE_PARAMETER_PROBLEM;
    }

    /** Offset of the quoted original datagram of an error message (its IPv4 header first). */
    public int quotedOffset()
    {
        return offset + DATA_OFFSET;
    }

    /** Bytes of the quoted original datagram; 0 when the type is not an error message. */
    public int quotedLength()
    {
        return isError() ? length - HEADER_LENGTH : 0;
    }

    /**
     * Whether the quote holds a whole IPv4 header (by its own IHL, at least 20 bytes) and the first 8 bytes of its
     * payload, enough to find the transport ports (RFC 792; RFC 1122 §3.2.2). A caller still wraps the quote with
     * {@link Ipv4Header#tryWrap} to read it, knowing its total length may exceed what was quoted.
     */
    public boolean quoteHoldsIpv4HeaderAnd8Bytes()
    {
        final int quotedLength = quotedLength();
        if (quotedLength < Ipv4Header.MIN_HEADER_LENGTH + QUOTED_DATA_MIN)
        {
            return false;
        }
        final int versionIhl = buffer.getByte(quotedOffset()) & 0xFF;
        final int quotedHeaderLength = (versionIhl & 0x0F) * 4;
        return (versionIhl >>> 4) == Ipv4Header.VERSION_4 && quotedHeaderLength >= Ipv4Header.MIN_HEADER_LENGTH &&
            quotedHeaderLength + QUOTED_DATA_MIN <= quotedLength;
    }

    /** Whether the checksum verifies over the whole message of {@link #length()} bytes (RFC 792). */
    public boolean checksumValid()
    {
        return InternetChecksum.sum(buffer, offset, length, 0) == 0xFFFF;
    }

    /** Computes the checksum over the {@code messageLength} bytes of the message, stores it, and records the length. */
    public IcmpHeader computeAndSetChecksum(final int messageLength)
    {
        length = messageLength;
        mutableBuffer.putShort(offset + CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        return checksum(InternetChecksum.compute(buffer, offset, messageLength));
    }
}
