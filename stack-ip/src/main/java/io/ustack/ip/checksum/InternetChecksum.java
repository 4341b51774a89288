package io.ustack.ip.checksum;

import org.agrona.DirectBuffer;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of 16-bit words.
 *
 * <p>Placeholder implementation with the final API; the fast version replaces the body of {@link #sum}.
 */
public final class InternetChecksum
{
    private InternetChecksum()
    {
    }

    /**
     * Adds the bytes {@code [offset, offset + length)} as big-endian 16-bit words (an odd last byte padded with
     * zero) to {@code initialSum}, and folds the result to 16 bits. Not complemented.
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
        return fold(sum);
    }

    /** The checksum to store in a header whose bytes (with the checksum field zero) are given. */
    public static int compute(final DirectBuffer buffer, final int offset, final int length)
    {
        return finish(sum(buffer, offset, length, 0));
    }

    /**
     * The one's complement sum of the TCP/UDP pseudo-header (RFC 9293 §3.1, RFC 768): source, destination,
     * zero + protocol, and the transport length, folded to 16 bits.
     */
    public static int pseudoHeaderSum(final int sourceAddress, final int destinationAddress, final int protocol,
        final int transportLength)
    {
        final long sum = (sourceAddress >>> 16) + (sourceAddress & 0xFFFF) + (destinationAddress >>> 16) +
            (destinationAddress & 0xFFFF) + (protocol & 0xFF) + (transportLength & 0xFFFF);
        return fold(sum);
    }

    /** Folds a wide one's complement sum to 16 bits. */
    public static int fold(final long wideSum)
    {
        long sum = wideSum;
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    /** Complements a folded sum into the value stored in a header. */
    public static int finish(final int foldedSum)
    {
        return ~foldedSum & 0xFFFF;
    }

    /**
     * RFC 1624 eqn. 3: the new checksum after one 16-bit field changes from {@code oldField} to {@code newField},
     * without summing the packet again: HC' = ~(~HC + ~m + m').
     */
    public static int update(final int oldChecksum, final int oldField, final int newField)
    {
        final long sum = (~oldChecksum & 0xFFFF) + (~oldField & 0xFFFF) + (newField & 0xFFFF);
        return finish(fold(sum));
    }
}
