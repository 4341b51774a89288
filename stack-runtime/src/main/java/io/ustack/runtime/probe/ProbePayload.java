package io.ustack.runtime.probe;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The body of a link probe frame: a header naming the probe and its sequence number, then bytes that are a pure
 * function of that sequence number, so the receiver can check every byte without a copy of what was sent.
 *
 * <pre>
 *   0        4                12               20 ...
 *   | magic  | sequence (u64) | sent at (ns)   | pattern bytes
 * </pre>
 */
final class ProbePayload
{
    static final int MAGIC = 0x75737470; // "ustp"
    static final int MAGIC_OFFSET = 0;
    static final int SEQUENCE_OFFSET = 4;
    static final int SENT_AT_OFFSET = 12;
    static final int PATTERN_OFFSET = 20;

    private ProbePayload()
    {
    }

    /** Writes a whole probe body of {@code length} bytes (at least {@link #PATTERN_OFFSET}). */
    static void write(final MutableDirectBuffer buffer, final int offset, final int length, final long sequence,
        final long sentAtNs)
    {
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence);
        buffer.putLong(offset + SENT_AT_OFFSET, sentAtNs);
        long state = seed(sequence);
        int i = PATTERN_OFFSET;
        for (; i + 8 <= length; i += 8)
        {
            state = next(state);
            buffer.putLong(offset + i, state);
        }
        state = next(state);
        for (; i < length; i++)
        {
            buffer.putByte(offset + i, (byte)state);
            state >>>= 8;
        }
    }

    /** Whether the pattern bytes of a received body are exactly what {@link #write} made for its sequence. */
    static boolean patternIntact(final DirectBuffer buffer, final int offset, final int length)
    {
        long state = seed(buffer.getLong(offset + SEQUENCE_OFFSET));
        int i = PATTERN_OFFSET;
        for (; i + 8 <= length; i += 8)
        {
            state = next(state);
            if (buffer.getLong(offset + i) != state)
            {
                return false;
            }
        }
        state = next(state);
        for (; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)state)
            {
                return false;
            }
            state >>>= 8;
        }
        return true;
    }

    private static long seed(final long sequence)
    {
        return sequence * 0x9E37_79B9_7F4A_7C15L + 0x2545_F491_4F6C_DD1DL;
    }

    private static long next(final long state)
    {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }
}
