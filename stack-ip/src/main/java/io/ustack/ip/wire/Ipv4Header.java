package io.ustack.ip.wire;

import io.ustack.api.counter.DropReason;
import io.ustack.ip.checksum.InternetChecksum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over an IPv4 header, RFC 791 §3.1.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The second byte is the type of service of RFC 791, split into DSCP and ECN by RFC 2474 §3 and RFC 3168 §5. Flags
 * are reserved (0), DF and MF; the fragment offset counts 8-byte units.
 *
 * <p>{@link #tryWrap} checks the version, IHL, total length and walks the options, so that afterwards the header
 * ({@code [offset, offset + headerLength())}) and the payload ({@code [payloadOffset(), payloadOffset() +
 * payloadLength())}) lie inside the wrapped range. Bytes past the total length (Ethernet padding) are ignored. The
 * header checksum is not part of {@code tryWrap}: {@link #checksumValid()} lets the caller count
 * {@link DropReason#IPV4_BAD_CHECKSUM} itself.
 */
public final class Ipv4Header
{
    /** Version (high nibble) and IHL (low nibble). */
    public static final int VERSION_IHL_OFFSET = 0;
    /** DSCP (high six bits) and ECN (low two bits). */
    public static final int DSCP_ECN_OFFSET = 1;
    /** Total length of the datagram in bytes, header included. */
    public static final int TOTAL_LENGTH_OFFSET = 2;
    /** Identification, shared by the fragments of one datagram. */
    public static final int IDENTIFICATION_OFFSET = 4;
    /** Flags (high three bits) and fragment offset (low 13 bits). */
    public static final int FLAGS_FRAGMENT_OFFSET_OFFSET = 6;
    /** Time to live. */
    public static final int TIME_TO_LIVE_OFFSET = 8;
    /** Protocol of the payload. */
    public static final int PROTOCOL_OFFSET = 9;
    /** Header checksum. */
    public static final int HEADER_CHECKSUM_OFFSET = 10;
    /** Source address. */
    public static final int SOURCE_ADDRESS_OFFSET = 12;
    /** Destination address. */
    public static final int DESTINATION_ADDRESS_OFFSET = 16;
    /** First option byte, when IHL is above 5. */
    public static final int OPTIONS_OFFSET = 20;

    /** Bytes in a header without options (IHL 5). */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Bytes in a header with the most options (IHL 15). */
    public static final int MAX_HEADER_LENGTH = 60;
    /** The only version this flyweight accepts. */
    public static final int VERSION_4 = 4;

    /** Protocol number of ICMP. */
    public static final int PROTOCOL_ICMP = 1;
    /** Protocol number of TCP. */
    public static final int PROTOCOL_TCP = 6;
    /** Protocol number of UDP. */
    public static final int PROTOCOL_UDP = 17;

    /** RFC 791 §3.1 option type End of Option List: the options end here. */
    public static final int OPTION_END_OF_LIST = 0;
    /** RFC 791 §3.1 option type No Operation: one byte, no length. */
    public static final int OPTION_NO_OPERATION = 1;
    /** RFC 791 §3.1 option type Record Route. */
    public static final int OPTION_RECORD_ROUTE = 7;

    /** Flag bit reserved by RFC 791, must be zero. */
    public static final int FLAG_RESERVED = 0b100;
    /** Flag bit Don't Fragment. */
    public static final int FLAG_DONT_FRAGMENT = 0b010;
    /** Flag bit More Fragments. */
    public static final int FLAG_MORE_FRAGMENTS = 0b001;

    private static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private DropReason failure;

    /**
     * Wraps untrusted bytes after checking them, RFC 791 §3.1 and RFC 1122 §3.2.1.1-3.
     *
     * @param buffer holding the packet
     * @param offset of the first header byte
     * @param length bytes available from {@code offset} (may exceed the total length by link padding)
     * @return whether the header is well formed; when false, {@link #failure()} says why and no accessor may be used
     */
    public boolean tryWrap(final DirectBuffer buffer, final int offset, final int length)
    {
        return wrapChecked(buffer, offset, length, false);
    }

    /**
     * Wraps the IPv4 header quoted in an ICMP error (RFC 792, RFC 1812 §4.3.2.3): the same checks as
     * {@link #tryWrap}, except that the total length may exceed the bytes present, since a quote carries only the
     * start of the original datagram. Afterwards {@link #totalLength()} and {@link #payloadLength()} describe the
     * original, not the quote: read no more than {@code length - headerLength()} payload bytes.
     */
    public boolean tryWrapQuote(final DirectBuffer buffer, final int offset, final int length)
    {
        return wrapChecked(buffer, offset, length, true);
    }

    private boolean wrapChecked(final DirectBuffer buffer, final int offset, final int length, final boolean quote)
    {
        this.buffer = null;
        this.mutableBuffer = null;
        this.offset = 0;
        if (length < MIN_HEADER_LENGTH || !WireBounds.inside(buffer, offset, length))
        {
            return fail(DropReason.IPV4_TRUNCATED);
        }
        final int versionIhl = buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xFF;
        if ((versionIhl >>> 4) != VERSION_4)
        {
            return fail(DropReason.IPV4_BAD_VERSION);
        }
        final int headerLength = (versionIhl & 0x0F) * 4;
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length)
        {
            return fail(DropReason.IPV4_BAD_HEADER_LENGTH);
        }
        final int totalLength = buffer.getShort(offset + TOTAL_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        if (totalLength < headerLength || (totalLength > length && !quote))
        {
            return fail(DropReason.IPV4_BAD_TOTAL_LENGTH);
        }
        if (!optionsWellFormed(buffer, offset + OPTIONS_OFFSET, offset + headerLength))
        {
            return fail(DropReason.IPV4_BAD_OPTIONS);
        }
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        this.failure = null;
        return true;
    }

    /**
     * Wraps our own buffer to build a header, without checks. Set the version and IHL before anything that depends
     * on the header length.
     */
    public Ipv4Header wrapForWrite(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.failure = null;
        return this;
    }

    /** Why the last {@link #tryWrap} refused the bytes, or null after a successful wrap. */
    public DropReason failure()
    {
        return failure;
    }

    /** The offset of the first header byte in the buffer. */
    public int offset()
    {
        return offset;
    }

    /** The wrapped buffer. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Version field (4 after a successful {@link #tryWrap}). */
    public int version()
    {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xFF) >>> 4;
    }

    /** Sets the version, keeping the IHL. */
    public Ipv4Header version(final int version)
    {
        final int ihl = buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F;
        mutableBuffer.putByte(offset + VERSION_IHL_OFFSET, (byte)(((version & 0x0F) << 4) | ihl));
        return this;
    }

    /** Internet header length in 32-bit words. */
    public int ihl()
    {
        return buffer.getByte(offset + VERSION_IHL_OFFSET) & 0x0F;
    }

    /** Sets the internet header length in 32-bit words, keeping the version. */
    public Ipv4Header ihl(final int ihl)
    {
        final int version = buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xF0;
        mutableBuffer.putByte(offset + VERSION_IHL_OFFSET, (byte)(version | (ihl & 0x0F)));
        return this;
    }

    /** Header length in bytes (IHL * 4). */
    public int headerLength()
    {
        return ihl() * 4;
    }

    /** Differentiated services code point (RFC 2474 §3). */
    public int dscp()
    {
        return (buffer.getByte(offset + DSCP_ECN_OFFSET) & 0xFF) >>> 2;
    }

    /** Sets the differentiated services code point, keeping the ECN bits. */
    public Ipv4Header dscp(final int dscp)
    {
        final int ecn = buffer.getByte(offset + DSCP_ECN_OFFSET) & 0x03;
        mutableBuffer.putByte(offset + DSCP_ECN_OFFSET, (byte)(((dscp & 0x3F) << 2) | ecn));
        return this;
    }

    /** Explicit congestion notification codepoint (RFC 3168 §5). */
    public int ecn()
    {
        return buffer.getByte(offset + DSCP_ECN_OFFSET) & 0x03;
    }

    /** Sets the ECN codepoint, keeping the DSCP. */
    public Ipv4Header ecn(final int ecn)
    {
        final int dscpBits = buffer.getByte(offset + DSCP_ECN_OFFSET) & 0xFC;
        mutableBuffer.putByte(offset + DSCP_ECN_OFFSET, (byte)(dscpBits | (ecn & 0x03)));
        return this;
    }

    /** Total length of the datagram in bytes, header included. */
    public int totalLength()
    {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Sets the total length in bytes. */
    public Ipv4Header totalLength(final int totalLength)
    {
        mutableBuffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, BIG_ENDIAN);
        return this;
    }

    /** Identification (RFC 6864 for when it must be unique). */
    public int identification()
    {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Sets the identification. */
    public Ipv4Header identification(final int identification)
    {
        mutableBuffer.putShort(offset + IDENTIFICATION_OFFSET, (short)identification, BIG_ENDIAN);
        return this;
    }

    /** The three flag bits: {@link #FLAG_RESERVED}, {@link #FLAG_DONT_FRAGMENT}, {@link #FLAG_MORE_FRAGMENTS}. */
    public int flags()
    {
        return (buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET, BIG_ENDIAN) & 0xFFFF) >>> 13;
    }

    /** Sets the three flag bits, keeping the fragment offset. */
    public Ipv4Header flags(final int flags)
    {
        final int fragmentOffset = fragmentOffset();
        mutableBuffer.putShort(
            offset + FLAGS_FRAGMENT_OFFSET_OFFSET, (short)(((flags & 0x7) << 13) | fragmentOffset), BIG_ENDIAN);
        return this;
    }

    /** Whether Don't Fragment is set. */
    public boolean dontFragment()
    {
        return (flags() & FLAG_DONT_FRAGMENT) != 0;
    }

    /** Sets or clears Don't Fragment. */
    public Ipv4Header dontFragment(final boolean dontFragment)
    {
        return flags(dontFragment ? flags() | FLAG_DONT_FRAGMENT : flags() & ~FLAG_DONT_FRAGMENT);
    }

    /** Whether More Fragments is set. */
    public boolean moreFragments()
    {
        return (flags() & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** Sets or clears More Fragments. */
    public Ipv4Header moreFragments(final boolean moreFragments)
    {
        return flags(moreFragments ? flags() | FLAG_MORE_FRAGMENTS : flags() & ~FLAG_MORE_FRAGMENTS);
    }

    /** Fragment offset as carried: in 8-byte units. */
    public int fragmentOffset()
    {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET, BIG_ENDIAN) & FRAGMENT_OFFSET_MASK;
    }

    /** Sets the fragment offset in 8-byte units, keeping the flags. */
    public Ipv4Header fragmentOffset(final int units)
    {
        final int flagBits = buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET, BIG_ENDIAN) & ~FRAGMENT_OFFSET_MASK;
        mutableBuffer.putShort(
            offset + FLAGS_FRAGMENT_OFFSET_OFFSET, (short)(flagBits | (units & FRAGMENT_OFFSET_MASK)), BIG_ENDIAN);
        return this;
    }

    /** Fragment offset in bytes from the start of the original datagram's payload. */
    public int fragmentOffsetBytes()
    {
        return fragmentOffset() * 8;
    }

    /** Sets the fragment offset from a byte count, which RFC 791 §3.2 requires to be a multiple of 8. */
    public Ipv4Header fragmentOffsetBytes(final int bytes)
    {
        return fragmentOffset(bytes >>> 3);
    }

    /** Whether this datagram is a fragment: MF set or a non-zero offset (RFC 791 §3.2, RFC 815). */
    public boolean isFragment()
    {
        return (buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET_OFFSET, BIG_ENDIAN) &
            ((FLAG_MORE_FRAGMENTS << 13) | FRAGMENT_OFFSET_MASK)) != 0;
    }

    /** Time to live. */
    public int timeToLive()
    {
        return buffer.getByte(offset + TIME_TO_LIVE_OFFSET) & 0xFF;
    }

    /** Sets the time to live. */
    public Ipv4Header timeToLive(final int timeToLive)
    {
        mutableBuffer.putByte(offset + TIME_TO_LIVE_OFFSET, (byte)timeToLive);
        return this;
    }

    /** Protocol of the payload ({@link #PROTOCOL_ICMP}, {@link #PROTOCOL_TCP}, {@link #PROTOCOL_UDP}, ...). */
    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    /** Sets the protocol. */
    public Ipv4Header protocol(final int protocol)
    {
        mutableBuffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    /** Header checksum as carried. */
    public int headerChecksum()
    {
        return buffer.getShort(offset + HEADER_CHECKSUM_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Sets the header checksum field. */
    public Ipv4Header headerChecksum(final int checksum)
    {
        mutableBuffer.putShort(offset + HEADER_CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    /** Source address, first octet in the high byte. */
    public int sourceAddress()
    {
        return buffer.getInt(offset + SOURCE_ADDRESS_OFFSET, BIG_ENDIAN);
    }

    /** Sets the source address. */
    public Ipv4Header sourceAddress(final int address)
    {
        mutableBuffer.putInt(offset + SOURCE_ADDRESS_OFFSET, address, BIG_ENDIAN);
        return this;
    }

    /** Destination address, first octet in the high byte. */
    public int destinationAddress()
    {
        return buffer.getInt(offset + DESTINATION_ADDRESS_OFFSET, BIG_ENDIAN);
    }

    /** Sets the destination address. */
    public Ipv4Header destinationAddress(final int address)
    {
        mutableBuffer.putInt(offset + DESTINATION_ADDRESS_OFFSET, address, BIG_ENDIAN);
        return this;
    }

    /** Offset in the buffer of the first option byte (options and padding run to the header end). */
    public int optionsOffset()
    {
        return offset + OPTIONS_OFFSET;
    }

    /** Bytes of options and padding: header length minus 20. */
    public int optionsLength()
    {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** Offset in the buffer of the first payload byte. */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /** Payload bytes according to the total length (not counting link padding after it). */
    public int payloadLength()
    {
        return totalLength() - headerLength();
    }

    /** Whether the header checksum verifies: the one's complement sum of the header is all ones (RFC 791 §3.1). */
    public boolean checksumValid()
    {
        return InternetChecksum.sum(buffer, offset, headerLength(), 0) == 0xFFFF;
    }

    /** Computes the header checksum over {@link #headerLength()} bytes and stores it. */
    public Ipv4Header computeAndSetChecksum()
    {
        mutableBuffer.putShort(offset + HEADER_CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        return headerChecksum(InternetChecksum.compute(buffer, offset, headerLength()));
    }

    /**
     * RFC 791 §3.1 options: End of Option List ends them; No Operation is one byte; every other option has a length
     * byte counting the type and length bytes, so at least 2, and must end inside the header. A type byte with no
     * room for its length byte is malformed (the AMNESIA:33 and URGENT/11 classes of bug read past here).
     */
    private static boolean optionsWellFormed(final DirectBuffer buffer, final int start, final int end)
    {
        int index = start;
        while (index < end)
        {
            final int type = buffer.getByte(index) & 0xFF;
            if (type == OPTION_END_OF_LIST)
            {
                return true;
            }
            if (type == OPTION_NO_OPERATION)
            {
                index++;
                continue;
            }
            if (end - index < 2)
            {
                return false;
            }
            final int optionLength = buffer.getByte(index + 1) & 0xFF;
            if (optionLength < 2 || optionLength > end - index)
            {
                return false;
            }
            index += optionLength;
        }
        return true;
    }

    private boolean fail(final DropReason reason)
    {
        failure = reason;
        return false;
    }
}
