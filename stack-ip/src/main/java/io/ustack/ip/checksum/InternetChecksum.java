package io.ustack.ip.checksum;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of 16-bit words.
 *
 * <p>{@link #sum} is the fast path (wide native-order loads, independent accumulators); {@link PlainChecksum} is the
 * 16-bit-at-a-time reference it is tested against and benchmarked beside.
 */
public final class InternetChecksum
{
    private static final boolean NATIVE_BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;
    private static final long LOW_32_BITS = 0xFFFF_FFFFL;

    private InternetChecksum()
    {
    }

    /**
     * Adds the bytes {@code [offset, offset + length)} as big-endian 16-bit words (an odd last byte padded with
     * zero) to {@code initialSum}, and folds the result to 16 bits. Not complemented.
     *
     * <p>How it is fast, each step a technique of RFC 1071 §2:
     * <ul>
     *   <li>(B) byte order independence: the one's complement sum of byte-swapped words is the byte-swapped sum, so
     *       bytes are loaded eight at a time in the machine's native order and the folded result is swapped once;</li>
     *   <li>(C) parallel summation: each 64-bit load is split into its two 32-bit halves, added into 64-bit
     *       accumulators, so carries gather in the upper 32 bits instead of being folded per word (an accumulator
     *       takes 2^30 loads before it could overflow, more than any {@code int} length holds);</li>
     *   <li>(D) deferred carries, and four independent accumulators over 32-byte strides so the adds do not wait on
     *       one another.</li>
     * </ul>
     * The range is bounds checked once, then read with unaligned loads straight from the buffer's memory (the offset
     * may have any alignment), so the per-access checks of Agrona's getters do not sit in the loop.
     *
     * @throws IndexOutOfBoundsException if {@code length > 0} and the range is not inside the buffer
     */
    public static int sum(final DirectBuffer buffer, final int offset, final int length, final int initialSum)
    {
        if (length <= 0)
        {
            return fold(initialSum & LOW_32_BITS);
        }
        if (offset < 0 || offset > buffer.capacity() - length)
        {
            throw new IndexOutOfBoundsException(
                "checksum of [" + offset + ", " + offset + " + " + length + ") in a buffer of " + buffer.capacity());
        }
        final byte[] array = buffer.byteArray();
        long address = buffer.addressOffset() + offset;
        int remaining = length;
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s3 = 0;

        while (remaining >= 32)
        {
            final long w0 = UnsafeApi.getLongUnaligned(array, address);
            final long w1 = UnsafeApi.getLongUnaligned(array, address + 8);
            final long w2 = UnsafeApi.getLongUnaligned(array, address + 16);
            final long w3 = UnsafeApi.getLongUnaligned(array, address + 24);
            s0 += (w0 >>> 32) + (w0 & LOW_32_BITS);
            s1 += (w1 >>> 32) + (w1 & LOW_32_BITS);
            s2 += (w2 >>> 32) + (w2 & LOW_32_BITS);
            s3 += (w3 >>> 32) + (w3 & LOW_32_BITS);
            address += 32;
            remaining -= 32;
        }
        while (remaining >= 8)
        {
            final long w = UnsafeApi.getLongUnaligned(array, address);
            s0 += (w >>> 32) + (w & LOW_32_BITS);
            address += 8;
            remaining -= 8;
        }
        if (remaining >= 4)
        {
            s1 += UnsafeApi.getIntUnaligned(array, address) & LOW_32_BITS;
            address += 4;
            remaining -= 4;
        }
        if (remaining >= 2)
        {
            s2 += UnsafeApi.getShortUnaligned(array, address) & 0xFFFF;
            address += 2;
            remaining -= 2;
        }
        if (remaining == 1)
        {
            // RFC 1071 §4.1: an odd last byte is the high byte of a word padded with zero; in a native little-endian
            // lane the high byte of a big-endian word is the low byte.
            final int lastByte = UnsafeApi.getByte(array, address) & 0xFF;
            s3 += NATIVE_BIG_ENDIAN ? lastByte << 8 : lastByte;
        }

        final int nativeSum = fold(s0 + s1 + s2 + s3);
        final int bigEndianSum = NATIVE_BIG_ENDIAN ? nativeSum : ((nativeSum & 0xFF) << 8) | (nativeSum >>> 8);
        return fold(bigEndianSum + (initialSum & LOW_32_BITS));
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
