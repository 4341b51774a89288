package io.ustack.ip.wire;

import io.ustack.api.counter.DropReason;
import io.ustack.api.net.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over an ARP packet for Ethernet and IPv4, RFC 826 ("Packet format"; field names ar$hrd ... ar$tpa).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Hardware Type (1)          |    Protocol Type (0x0800)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  HLEN (6)     |   PLEN (4)    |     Operation (1 or 2)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Sender Hardware Address (6 bytes)             |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  Sender Protocol Address      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  (4 bytes)                    |  Target Hardware Address      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                        (6 bytes)                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Target Protocol Address (4 bytes)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@link #tryWrap} accepts only this format: other hardware or protocol types and lengths are
 * {@link DropReason#ARP_UNSUPPORTED_FORMAT}. Bytes after the 28-byte body (Ethernet padding) are ignored.
 */
public final class ArpPacket
{
    /** Hardware type (ar$hrd). */
    public static final int HARDWARE_TYPE_OFFSET = 0;
    /** Protocol type (ar$pro), an EtherType. */
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    /** Hardware address length in bytes (ar$hln). */
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    /** Protocol address length in bytes (ar$pln). */
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    /** Operation (ar$op). */
    public static final int OPERATION_OFFSET = 6;
    /** Sender hardware address (ar$sha). */
    public static final int SENDER_HARDWARE_ADDRESS_OFFSET = 8;
    /** Sender protocol address (ar$spa). */
    public static final int SENDER_PROTOCOL_ADDRESS_OFFSET = 14;
    /** Target hardware address (ar$tha). */
    public static final int TARGET_HARDWARE_ADDRESS_OFFSET = 18;
    /** Target protocol address (ar$tpa). */
    public static final int TARGET_PROTOCOL_ADDRESS_OFFSET = 24;

    /** Bytes of the fixed part before the addresses. */
    public static final int FIXED_LENGTH = 8;
    /** Bytes of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;

    /** Hardware type of Ethernet (10Mb and every Ethernet since). */
    public static final int HARDWARE_TYPE_ETHERNET = 1;
    /** Protocol type of IPv4 (its EtherType). */
    public static final int PROTOCOL_TYPE_IPV4 = 0x0800;
    /** Hardware address length of Ethernet. */
    public static final int HARDWARE_LENGTH_ETHERNET = 6;
    /** Protocol address length of IPv4. */
    public static final int PROTOCOL_LENGTH_IPV4 = 4;
    /** Operation: request. */
    public static final int OPERATION_REQUEST = 1;
    /** Operation: reply. */
    public static final int OPERATION_REPLY = 2;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private DropReason failure;

    /**
     * Wraps untrusted bytes after checking them. A packet too short for even the fixed part is
     * {@link DropReason#ARP_TRUNCATED}; then one in another format is {@link DropReason#ARP_UNSUPPORTED_FORMAT}
     * (RFC 826: "?Do I have the hardware type in ar$hrd? ... ?Do I speak the protocol in ar$pro?"); then one shorter
     * than 28 bytes is {@link DropReason#ARP_TRUNCATED}; then an operation other than request or reply is
     * {@link DropReason#ARP_BAD_OPERATION}.
     *
     * @param buffer holding the packet
     * @param offset of the hardware type
     * @param length bytes available from {@code offset} (may include Ethernet padding)
     * @return whether it is a well-formed Ethernet/IPv4 request or reply; when false {@link #failure()} says why
     */
    public boolean tryWrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = null;
        this.mutableBuffer = null;
        this.offset = 0;
        if (length < FIXED_LENGTH || !WireBounds.inside(buffer, offset, length))
        {
            return fail(DropReason.ARP_TRUNCATED);
        }
        if ((buffer.getShort(offset + HARDWARE_TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF) != HARDWARE_TYPE_ETHERNET ||
            (buffer.getShort(offset + PROTOCOL_TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF) != PROTOCOL_TYPE_IPV4 ||
            (buffer.getByte(offset + HARDWARE_LENGTH_OFFSET) & 0xFF) != HARDWARE_LENGTH_ETHERNET ||
            (buffer.getByte(offset + PROTOCOL_LENGTH_OFFSET) & 0xFF) != PROTOCOL_LENGTH_IPV4)
        {
            return fail(DropReason.ARP_UNSUPPORTED_FORMAT);
        }
        if (length < LENGTH)
        {
            return fail(DropReason.ARP_TRUNCATED);
        }
        final int operation = buffer.getShort(offset + OPERATION_OFFSET, BIG_ENDIAN) & 0xFFFF;
        if (operation != OPERATION_REQUEST && operation != OPERATION_REPLY)
        {
            return fail(DropReason.ARP_BAD_OPERATION);
        }
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        this.failure = null;
        return true;
    }

    /** Wraps our own buffer to build a packet, without checks. */
    public ArpPacket wrapForWrite(final MutableDirectBuffer buffer, final int offset)
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

    /** The offset of the first byte in the buffer. */
    public int offset()
    {
        return offset;
    }

    /** The wrapped buffer. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Sets the four format fields to Ethernet/IPv4: hardware type 1, protocol 0x0800, lengths 6 and 4. */
    public ArpPacket ethernetIpv4()
    {
        return hardwareType(HARDWARE_TYPE_ETHERNET)
            .protocolType(PROTOCOL_TYPE_IPV4)
            .hardwareLength(HARDWARE_LENGTH_ETHERNET)
            .protocolLength(PROTOCOL_LENGTH_IPV4);
    }

    /** Hardware type. */
    public int hardwareType()
    {
        return buffer.getShort(offset + HARDWARE_TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Sets the hardware type. */
    public ArpPacket hardwareType(final int hardwareType)
    {
        mutableBuffer.putShort(offset + HARDWARE_TYPE_OFFSET, (short)hardwareType, BIG_ENDIAN);
        return this;
    }

    /** Protocol type. */
    public int protocolType()
    {
        return buffer.getShort(offset + PROTOCOL_TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Sets the protocol type. */
    public ArpPacket protocolType(final int protocolType)
    {
        mutableBuffer.putShort(offset + PROTOCOL_TYPE_OFFSET, (short)protocolType, BIG_ENDIAN);
        return this;
    }

    /** Hardware address length in bytes. */
    public int hardwareLength()
    {
        return buffer.getByte(offset + HARDWARE_LENGTH_OFFSET) & 0xFF;
    }

    /** Sets the hardware address length. */
    public ArpPacket hardwareLength(final int hardwareLength)
    {
        mutableBuffer.putByte(offset + HARDWARE_LENGTH_OFFSET, (byte)hardwareLength);
        return this;
    }

    /** Protocol address length in bytes. */
    public int protocolLength()
    {
        return buffer.getByte(offset + PROTOCOL_LENGTH_OFFSET) & 0xFF;
    }

    /** Sets the protocol address length. */
    public ArpPacket protocolLength(final int protocolLength)
    {
        mutableBuffer.putByte(offset + PROTOCOL_LENGTH_OFFSET, (byte)protocolLength);
        return this;
    }

    /** Operation: {@link #OPERATION_REQUEST} or {@link #OPERATION_REPLY}. */
    public int operation()
    {
        return buffer.getShort(offset + OPERATION_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Sets the operation. */
    public ArpPacket operation(final int operation)
    {
        mutableBuffer.putShort(offset + OPERATION_OFFSET, (short)operation, BIG_ENDIAN);
        return this;
    }

    /** Sender hardware address, six bytes in the low 48 bits. */
    public long senderHardwareAddress()
    {
        return MacAddress.read(buffer, offset + SENDER_HARDWARE_ADDRESS_OFFSET);
    }

    /** Sets the sender hardware address. */
    public ArpPacket senderHardwareAddress(final long mac)
    {
        MacAddress.write(mutableBuffer, offset + SENDER_HARDWARE_ADDRESS_OFFSET, mac);
        return this;
    }

    /** Sender protocol address, first octet in the high byte. */
    public int senderProtocolAddress()
    {
        return buffer.getInt(offset + SENDER_PROTOCOL_ADDRESS_OFFSET, BIG_ENDIAN);
    }

    /** Sets the sender protocol address. */
    public ArpPacket senderProtocolAddress(final int address)
    {
        mutableBuffer.putInt(offset + SENDER_PROTOCOL_ADDRESS_OFFSET, address, BIG_ENDIAN);
        return this;
    }

    /** Target hardware address, six bytes in the low 48 bits (unspecified in a request; senders put zero). */
    public long targetHardwareAddress()
    {
        return MacAddress.read(buffer, offset + TARGET_HARDWARE_ADDRESS_OFFSET);
    }

    /** Sets the target hardware address. */
    public ArpPacket targetHardwareAddress(final long mac)
    {
        MacAddress.write(mutableBuffer, offset + TARGET_HARDWARE_ADDRESS_OFFSET, mac);
        return this;
    }

    /** Target protocol address, first octet in the high byte. */
    public int targetProtocolAddress()
    {
        return buffer.getInt(offset + TARGET_PROTOCOL_ADDRESS_OFFSET, BIG_ENDIAN);
    }

    /** Sets the target protocol address. */
    public ArpPacket targetProtocolAddress(final int address)
    {
        mutableBuffer.putInt(offset + TARGET_PROTOCOL_ADDRESS_OFFSET, address, BIG_ENDIAN);
        return this;
    }

    private boolean fail(final DropReason reason)
    {
        failure = reason;
        return false;
    }
}
