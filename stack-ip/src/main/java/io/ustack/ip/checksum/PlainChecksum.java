package io.ustack.ip.checksum;

import org.agrona.DirectBuffer;

/**
 * The Internet checksum computed the straightforward way of RFC 1071 §4.1: one big-endian 16-bit word at a time into
 * a wide accumulator, an odd last byte padded with zero, then folded. The reference that {@link InternetChecksum}
 * is tested against and the baseline of the checksum benchmarks; not for the data path.
 */
public final class PlainChecksum
{
    private PlainChecksum()
    {
    }

    /**
     * Adds the bytes {@code [offset, offset + length)} as big-endian 16-bit words (an odd last byte padded with
     * zero) to {@code initialSum} (taken as unsigned), and folds the result to 16 bits. Not complemented. Same
     * contract as {@link InternetChecksum#sum}.
     */
    public static int sum(final DirectBuffer buffer, final int offset, final int length, final int initialSum)
    {
        long sum = initialSum & 0xFFFF_FFFFL;
        int i = 0;
        for (; i + 1 < length; i += 2)
        {
            sum += ((buffer.getByte(offset + i) & 0xFF) << 8) | (buffer.getByte(offset + i + 1) & 0xFF);
        }
        if (i < length)
        {
            sum += (buffer.getByte(offset + i) & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    /** The checksum to store in a header whose bytes (with the checksum field zero) are given. */
    public static int compute(final DirectBuffer buffer, final int offset, final int length)
    {
        return ~sum(buffer, offset, length, 0) & 0xFFFF;
    }
}
