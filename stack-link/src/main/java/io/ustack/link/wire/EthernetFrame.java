package io.ustack.link.wire;

import io.ustack.api.counter.DropReason;
import io.ustack.api.net.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over an Ethernet II frame (IEEE 802.3 clause 3.2.6, "Ethernet II" framing of RFC 894).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Destination MAC (6 bytes)                     |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                   Source MAC (6 bytes)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |   Payload ...                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The preamble and the FCS are not part of the frame as the stack sees it. A type field below 0x0600 is an
 * IEEE 802.3 length, not an EtherType: such frames are not Ethernet II and have no handler here.
 */
public final class EthernetFrame
{
    /** Offset of the destination MAC address. */
    public static final int DESTINATION_OFFSET = 0;
    /** Offset of the source MAC address. */
    public static final int SOURCE_OFFSET = 6;
    /** Offset of the EtherType. */
    public static final int ETHER_TYPE_OFFSET = 12;
    /** Bytes before the payload. */
    public static final int HEADER_LENGTH = 14;
    /** Smallest payload on the wire; shorter frames are padded by the sender (IEEE 802.3 minimum frame). */
    public static final int MIN_PAYLOAD_LENGTH = 46;

    /** EtherType of IPv4 (RFC 894). */
    public static final int ETHER_TYPE_IPV4 = 0x0800;
    /** EtherType of ARP (RFC 826). */
    public static final int ETHER_TYPE_ARP = 0x0806;
    /** EtherType of IPv6 (recognised so it can be counted, not handled). */
    public static final int ETHER_TYPE_IPV6 = 0x86DD;
    /** IEEE 802 local experimental EtherType 1: used by the link probe of the demo. */
    public static final int ETHER_TYPE_LOCAL_EXPERIMENTAL = 0x88B5;
    /** Type values below this are IEEE 802.3 lengths, not EtherTypes. */
    public static final int MIN_ETHER_TYPE = 0x0600;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;
    private DropReason failure;

    /**
     * Wraps untrusted bytes.
     *
     * @return false, with {@link #failure()} set, when the bytes cannot be an Ethernet II frame
     */
    public boolean tryWrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        if (length < HEADER_LENGTH)
        {
            failure = DropReason.LINK_FRAME_TOO_SHORT;
            return false;
        }
        failure = null;
        return true;
    }

    /** Wraps our own buffer to write a frame at {@code offset}; no checks. */
    public EthernetFrame wrapForWrite(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = buffer.capacity() - offset;
        this.failure = null;
        return this;
    }

    /** Why the last {@link #tryWrap} failed. */
    public DropReason failure()
    {
        return failure;
    }

    /** Destination MAC as 48 bits. */
    public long destination()
    {
        return MacAddress.read(buffer, offset + DESTINATION_OFFSET);
    }

    /** Sets the destination MAC. */
    public EthernetFrame destination(final long mac)
    {
        MacAddress.write(mutableBuffer, offset + DESTINATION_OFFSET, mac);
        return this;
    }

    /** Source MAC as 48 bits. */
    public long source()
    {
        return MacAddress.read(buffer, offset + SOURCE_OFFSET);
    }

    /** Sets the source MAC. */
    public EthernetFrame source(final long mac)
    {
        MacAddress.write(mutableBuffer, offset + SOURCE_OFFSET, mac);
        return this;
    }

    /** The EtherType (or 802.3 length when below {@link #MIN_ETHER_TYPE}). */
    public int etherType()
    {
        return buffer.getShort(offset + ETHER_TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Sets the EtherType. */
    public EthernetFrame etherType(final int etherType)
    {
        mutableBuffer.putShort(offset + ETHER_TYPE_OFFSET, (short)etherType, BIG_ENDIAN);
        return this;
    }

    /** Where the payload starts in the buffer. */
    public int payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /** Bytes after the header, padding included. */
    public int payloadLength()
    {
        return length - HEADER_LENGTH;
    }

    /** The wrapped buffer. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Where the frame starts. */
    public int offset()
    {
        return offset;
    }
}
