package io.ustack.api.net;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A 48-bit IEEE 802 MAC address. On the data path an address is a {@code long} holding the six bytes in network
 * order in its low 48 bits (so no object is made per frame); this class holds the helpers and, for configuration
 * and display, an immutable value.
 */
public final class MacAddress
{
    /** The broadcast address ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** Bytes in an address. */
    public static final int LENGTH = 6;

    private final long bits;

    private MacAddress(final long bits)
    {
        this.bits = bits & BROADCAST;
    }

    /** The address whose six bytes are the low 48 bits of {@code bits}. */
    public static MacAddress of(final long bits)
    {
        return new MacAddress(bits);
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff} (or with '-').
     *
     * @throws IllegalArgumentException saying what form is expected
     */
    public static MacAddress parse(final String text)
    {
        final String[] parts = text == null ? new String[0] : text.split("[:-]", -1);
        if (parts.length != LENGTH)
        {
            throw new IllegalArgumentException("MAC address '" + text + "': expected six hex bytes like 02:00:00:00:00:01");
        }
        long bits = 0;
        for (final String part : parts)
        {
            if (part.length() < 1 || part.length() > 2 || !part.matches("[0-9A-Fa-f]+"))
            {
                throw new IllegalArgumentException(
                    "MAC address '" + text + "': '" + part + "' is not a hex byte; expected e.g. 02:00:00:00:00:01");
            }
            bits = (bits << 8) | Integer.parseInt(part, 16);
        }
        return new MacAddress(bits);
    }

    /** A locally administered unicast address (02:xx:...) derived from {@code seed}: for tests and the demo. */
    public static MacAddress locallyAdministered(final int seed)
    {
        return new MacAddress(0x0200_0000_0000L | (seed & 0xFFFF_FFFFL));
    }

    /** The address as 48 bits in a long. */
    public long bits()
    {
        return bits;
    }

    /** Reads six bytes at {@code offset} as an address. */
    public static long read(final DirectBuffer buffer, final int offset)
    {
        return ((buffer.getShort(offset, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFFL) << 32) |
            (buffer.getInt(offset + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL);
    }

    /** Writes the low 48 bits of {@code bits} as six bytes at {@code offset}. */
    public static void write(final MutableDirectBuffer buffer, final int offset, final long bits)
    {
        buffer.putShort(offset, (short)(bits >>> 32), java.nio.ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + 2, (int)bits, java.nio.ByteOrder.BIG_ENDIAN);
    }

    /** Whether the group bit (least significant bit of the first byte) is set: multicast or broadcast. */
    public static boolean isGroup(final long bits)
    {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    /** Formats 48 bits as {@code aa:bb:cc:dd:ee:ff}. */
    public static String toString(final long bits)
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            final int b = (int)(bits >>> shift) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (shift > 0)
            {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof MacAddress && ((MacAddress)o).bits == bits;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(bits);
    }

    @Override
    public String toString()
    {
        return toString(bits);
    }
}
