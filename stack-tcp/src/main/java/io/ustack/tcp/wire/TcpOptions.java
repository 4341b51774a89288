package io.ustack.tcp.wire;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Parser and writer of TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018). One instance is reused for every segment:
 * parsed values land in primitive fields, so parsing allocates nothing.
 *
 * <pre>
 *   kind 0  EOL                      +--------+
 *                                    |00000000|                      ends the list
 *   kind 1  NOP                      +--------+
 *                                    |00000001|                      one byte of padding
 *   kind 2  MSS (RFC 9293 §3.2)      +--------+--------+--------+--------+
 *                                    |00000010|00000100|  max seg size   |
 *   kind 3  WS (RFC 7323 §2.2)       +--------+--------+--------+
 *                                    |00000011|00000011| shift  |
 *   kind 4  SACK-perm (RFC 2018 §2)  +--------+--------+
 *                                    |00000100|00000010|
 *   kind 5  SACK (RFC 2018 §3)       +--------+--------+--------...--------+ ... (1 to 4 blocks)
 *                                    |00000101| 2+8n   | left edge | right edge |
 *   kind 8  TS (RFC 7323 §3.2)       +--------+--------+---------+---------+
 *                                    |00001000|00001010|  TSval  |  TSecr  |
 * </pre>
 *
 * <p>Parsing rules (RFC 9293 §3.2 and MUST-64/68): every kind but EOL and NOP has a length byte counting kind and
 * length; a length of 0 or 1, or one running past the options area, makes the list malformed (lengths 0 and 1 are how
 * parsers loop forever and overrun, as in AMNESIA:33 and URGENT/11). A known kind with the wrong length is malformed.
 * Unknown kinds are skipped by their length (MUST-68). Bytes after EOL are ignored. When a kind appears twice, the
 * last one wins.
 */
public final class TcpOptions
{
    /** End of option list. */
    public static final int KIND_EOL = 0;
    /** No-operation (padding). */
    public static final int KIND_NOP = 1;
    /** Maximum segment size. */
    public static final int KIND_MSS = 2;
    /** Window scale. */
    public static final int KIND_WINDOW_SCALE = 3;
    /** SACK permitted. */
    public static final int KIND_SACK_PERMITTED = 4;
    /** SACK blocks. */
    public static final int KIND_SACK = 5;
    /** Timestamps. */
    public static final int KIND_TIMESTAMPS = 8;

    /** Length of the MSS option. */
    public static final int MSS_LENGTH = 4;
    /** Length of the window scale option. */
    public static final int WINDOW_SCALE_LENGTH = 3;
    /** Length of the SACK-permitted option. */
    public static final int SACK_PERMITTED_LENGTH = 2;
    /** Length of the timestamps option. */
    public static final int TIMESTAMPS_LENGTH = 10;
    /** Bytes of one SACK block (left and right edge). */
    public static final int SACK_BLOCK_LENGTH = 8;
    /** Most SACK blocks one option carries (RFC 2018 §3: 40 bytes of options hold at most four). */
    public static final int MAX_SACK_BLOCKS = 4;
    /** RFC 7323 §2.3: the largest shift; a larger one is used as 14. */
    public static final int MAX_WINDOW_SCALE = 14;
    /** Passed to {@link #writeSynOptions} to leave out the window scale option. */
    public static final int NO_WINDOW_SCALE = -1;
    /** Most bytes of options a header holds (data offset 15 words, less the 20-byte fixed header). */
    public static final int MAX_OPTIONS_LENGTH = 40;

    private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[MAX_SACK_BLOCKS];
    private boolean hasMss;
    private int mss;
    private boolean hasWindowScale;
    private int windowScale;
    private boolean windowScaleClamped;
    private boolean sackPermitted;
    private int sackBlockCount;
    private boolean hasTimestamps;
    private int tsVal;
    private int tsEcr;

    /** Forgets every parsed value, as if an empty list had been parsed. */
    public TcpOptions reset()
    {
        hasMss = false;
        mss = 0;
        hasWindowScale = false;
        windowScale = 0;
        windowScaleClamped = false;
        sackPermitted = false;
        sackBlockCount = 0;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        return this;
    }

    /**
     * Parses the options in {@code [offset, offset + length)}. Reads no byte outside that range, whatever it holds.
     *
     * @return false if the list is malformed (the segment is dropped as {@code TCP_BAD_OPTION}); the parsed values
     *         are then partial and must not be used
     */
    public boolean parse(final DirectBuffer buffer, final int offset, final int length)
    {
        reset();
        final int end = offset + length;
        int i = offset;
        while (i < end)
        {
            final int kind = buffer.getByte(i) & 0xFF;
            if (kind == KIND_EOL)
            {
                break;
            }
            if (kind == KIND_NOP)
            {
                i++;
                continue;
            }
            if (end - i < 2)
            {
                return false; // kind byte with no room for its length byte
            }
            final int optionLength = buffer.getByte(i + 1) & 0xFF;
            if (optionLength < 2 || optionLength > end - i)
            {
                return false; // 0 or 1 would never advance; past the end would overrun
            }
            if (!parseOne(buffer, i, kind, optionLength))
            {
                return false;
            }
            i += optionLength;
        }
        return true;
    }

    private boolean parseOne(final DirectBuffer buffer, final int at, final int kind, final int optionLength)
    {
        switch (kind)
        {
            case KIND_MSS:
                if (optionLength != MSS_LENGTH)
                {
                    return false;
                }
                hasMss = true;
                mss = buffer.getShort(at + 2, BIG_ENDIAN) & 0xFFFF;
                return true;

            case KIND_WINDOW_SCALE:
                if (optionLength != WINDOW_SCALE_LENGTH)
                {
                    return false;
                }
                hasWindowScale = true;
                final int shift = buffer.getByte(at + 2) & 0xFF;
                // RFC 7323 §2.3: "If a Window Scale option is received with a shift.cnt value larger than 14, the
                // TCP SHOULD log the error but MUST use 14 instead of the specified value."
                windowScaleClamped = shift > MAX_WINDOW_SCALE;
                windowScale = Math.min(shift, MAX_WINDOW_SCALE);
                return true;

            case KIND_SACK_PERMITTED:
                if (optionLength != SACK_PERMITTED_LENGTH)
                {
                    return false;
                }
                sackPermitted = true;
                return true;

            case KIND_SACK:
                return parseSack(buffer, at, optionLength);

            case KIND_TIMESTAMPS:
                if (optionLength != TIMESTAMPS_LENGTH)
                {
                    return false;
                }
                hasTimestamps = true;
                tsVal = buffer.getInt(at + 2, BIG_ENDIAN);
                tsEcr = buffer.getInt(at + 6, BIG_ENDIAN);
                return true;

            default:
                return true; // RFC 9293 §3.2 MUST-68: skip an unknown option by its length
        }
    }

    private boolean parseSack(final DirectBuffer buffer, final int at, final int optionLength)
    {
        // RFC 2018 §3: length 2 + 8n; an option with no block carries nothing and is malformed.
        final int blockBytes = optionLength - 2;
        final int blocks = blockBytes / SACK_BLOCK_LENGTH;
        if (blockBytes % SACK_BLOCK_LENGTH != 0 || blocks < 1 || blocks > MAX_SACK_BLOCKS)
        {
            return false;
        }
        for (int b = 0; b < blocks; b++)
        {
            final int blockAt = at + 2 + b * SACK_BLOCK_LENGTH;
            sackLeft[b] = buffer.getInt(blockAt, BIG_ENDIAN);
            sackRight[b] = buffer.getInt(blockAt + 4, BIG_ENDIAN);
        }
        sackBlockCount = blocks;
        return true;
    }

    /** Whether an MSS option was present. */
    public boolean hasMss()
    {
        return hasMss;
    }

    /** The MSS option's value (unsigned 16 bits), 0 when absent. */
    public int mss()
    {
        return mss;
    }

    /** Whether a window scale option was present. */
    public boolean hasWindowScale()
    {
        return hasWindowScale;
    }

    /** The window scale shift to use, 0..14 (RFC 7323 §2.3: larger values are clamped to 14). */
    public int windowScale()
    {
        return windowScale;
    }

    /** Whether the received shift was above 14 and was clamped (RFC 7323 §2.3: worth logging). */
    public boolean windowScaleClamped()
    {
        return windowScaleClamped;
    }

    /** Whether a SACK-permitted option was present. */
    public boolean sackPermitted()
    {
        return sackPermitted;
    }

    /** Number of SACK blocks parsed, 0..4. */
    public int sackBlockCount()
    {
        return sackBlockCount;
    }

    /** Left edge of SACK block {@code i} (first sequence number of the block), for {@code i < sackBlockCount()}. */
    public int sackLeft(final int i)
    {
        return sackLeft[i];
    }

    /** Right edge of SACK block {@code i} (sequence number after its last byte), for {@code i < sackBlockCount()}. */
    public int sackRight(final int i)
    {
        return sackRight[i];
    }

    /** Whether a timestamps option was present. */
    public boolean hasTimestamps()
    {
        return hasTimestamps;
    }

    /** TSval of the timestamps option. */
    public int tsVal()
    {
        return tsVal;
    }

    /** TSecr of the timestamps option. */
    public int tsEcr()
    {
        return tsEcr;
    }

    // ---- writing (our own buffers: no checks beyond arguments) -------------------------------------------------

    /**
     * Writes the options of a SYN or SYN-ACK with timestamps, in Linux's layout (see
     * {@link #writeSynOptions(MutableDirectBuffer, int, int, int, boolean, boolean, int, int)}).
     */
    public static int writeSynOptions(
        final MutableDirectBuffer buffer,
        final int offset,
        final int mss,
        final int windowScale,
        final boolean sackPermitted,
        final int tsVal,
        final int tsEcr)
    {
        return writeSynOptions(buffer, offset, mss, windowScale, sackPermitted, true, tsVal, tsEcr);
    }

    /**
     * Writes the options of a SYN or SYN-ACK in the order Linux's {@code tcp_options_write} uses, so captures of
     * either look alike: MSS; then SACK_PERM + TS when both, NOP NOP TS when only timestamps, NOP NOP SACK_PERM when
     * only SACK; then NOP WS. With everything on that is 20 bytes:
     * {@code 02 04 mm mm 04 02 08 0a <tsVal> <tsEcr> 01 03 03 ws}.
     *
     * @param windowScale shift 0..14, or {@link #NO_WINDOW_SCALE}
     * @return bytes written, a multiple of 4
     */
    public static int writeSynOptions(
        final MutableDirectBuffer buffer,
        final int offset,
        final int mss,
        final int windowScale,
        final boolean sackPermitted,
        final boolean timestamps,
        final int tsVal,
        final int tsEcr)
    {
        int i = offset;
        buffer.putByte(i++, (byte)KIND_MSS);
        buffer.putByte(i++, (byte)MSS_LENGTH);
        buffer.putShort(i, (short)mss, BIG_ENDIAN);
        i += 2;
        if (timestamps)
        {
            if (sackPermitted)
            {
                buffer.putByte(i++, (byte)KIND_SACK_PERMITTED);
                buffer.putByte(i++, (byte)SACK_PERMITTED_LENGTH);
            }
            else
            {
                buffer.putByte(i++, (byte)KIND_NOP);
                buffer.putByte(i++, (byte)KIND_NOP);
            }
            i += putTimestamps(buffer, i, tsVal, tsEcr);
        }
        else if (sackPermitted)
        {
            buffer.putByte(i++, (byte)KIND_NOP);
            buffer.putByte(i++, (byte)KIND_NOP);
            buffer.putByte(i++, (byte)KIND_SACK_PERMITTED);
            buffer.putByte(i++, (byte)SACK_PERMITTED_LENGTH);
        }
        if (windowScale != NO_WINDOW_SCALE)
        {
            if (windowScale < 0 || windowScale > MAX_WINDOW_SCALE)
            {
                throw new IllegalArgumentException("window scale " + windowScale + " outside 0..14 (RFC 7323 §2.3)");
            }
            buffer.putByte(i++, (byte)KIND_NOP);
            buffer.putByte(i++, (byte)KIND_WINDOW_SCALE);
            buffer.putByte(i++, (byte)WINDOW_SCALE_LENGTH);
            buffer.putByte(i++, (byte)windowScale);
        }
        return padToWord(buffer, offset, i - offset);
    }

    /**
     * Writes NOP NOP TS(tsVal, tsEcr): the 12 bytes that lead every non-SYN segment of a connection using
     * timestamps (RFC 7323 Appendix A layout, as Linux sends it).
     *
     * @return bytes written: 12
     */
    public static int writeTimestamps(final MutableDirectBuffer buffer, final int offset, final int tsVal,
        final int tsEcr)
    {
        buffer.putByte(offset, (byte)KIND_NOP);
        buffer.putByte(offset + 1, (byte)KIND_NOP);
        return 2 + putTimestamps(buffer, offset + 2, tsVal, tsEcr);
    }

    /**
     * Writes NOP NOP SACK with blocks {@code [lefts[i], rights[i])} for {@code i < count} (RFC 2018 §3, Linux's
     * layout). With timestamps also present only three blocks fit in 40 bytes; the caller chooses {@code count}.
     *
     * @return bytes written: 4 + 8 * count
     */
    public static int writeSackBlocks(final MutableDirectBuffer buffer, final int offset, final int[] lefts,
        final int[] rights, final int count)
    {
        if (count < 1 || count > MAX_SACK_BLOCKS)
        {
            throw new IllegalArgumentException("SACK block count " + count + " outside 1..4 (RFC 2018 §3)");
        }
        buffer.putByte(offset, (byte)KIND_NOP);
        buffer.putByte(offset + 1, (byte)KIND_NOP);
        buffer.putByte(offset + 2, (byte)KIND_SACK);
        buffer.putByte(offset + 3, (byte)(2 + count * SACK_BLOCK_LENGTH));
        int i = offset + 4;
        for (int b = 0; b < count; b++)
        {
            buffer.putInt(i, lefts[b], BIG_ENDIAN);
            buffer.putInt(i + 4, rights[b], BIG_ENDIAN);
            i += SACK_BLOCK_LENGTH;
        }
        return i - offset;
    }

    /**
     * Pads options written in {@code [offset, offset + length)} to a multiple of 4 bytes with EOL and then zeros
     * (RFC 9293 §3.1: "The TCP header padding is used to ensure that the TCP header ends ... on a 32-bit boundary.
     * The padding is composed of zeros.").
     *
     * @return the padded length
     */
    public static int padToWord(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        int padded = length;
        while ((padded & 3) != 0)
        {
            buffer.putByte(offset + padded, (byte)KIND_EOL);
            padded++;
        }
        return padded;
    }

    private static int putTimestamps(final MutableDirectBuffer buffer, final int offset, final int tsVal,
        final int tsEcr)
    {
        buffer.putByte(offset, (byte)KIND_TIMESTAMPS);
        buffer.putByte(offset + 1, (byte)TIMESTAMPS_LENGTH);
        buffer.putInt(offset + 2, tsVal, BIG_ENDIAN);
        buffer.putInt(offset + 6, tsEcr, BIG_ENDIAN);
        return TIMESTAMPS_LENGTH;
    }
}
