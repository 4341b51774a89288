package io.ustack.link.memory;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.api.net.MacAddress;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Frames that carry a sequence number and a pattern derived from it, so a receiver can check every byte. */
public final class TestFrames
{
    /** IEEE 802 local experimental EtherType. */
    public static final int EXPERIMENTAL_ETHER_TYPE = 0x88B5;
    /** Where the sequence number sits: right after the Ethernet header. */
    public static final int SEQUENCE_OFFSET = 14;
    /** Shortest sequenced frame: header and sequence number. */
    public static final int MIN_LENGTH = SEQUENCE_OFFSET + Long.BYTES;

    private TestFrames()
    {
    }

    /** Writes a frame of {@code length} bytes from {@code src} to {@code dst} carrying {@code sequence}. */
    public static void writeSequenced(
        final MutableDirectBuffer buffer, final long sequence, final int length, final long src, final long dst)
    {
        MacAddress.write(buffer, 0, dst);
        MacAddress.write(buffer, MacAddress.LENGTH, src);
        buffer.putShort(12, (short)EXPERIMENTAL_ETHER_TYPE, ByteOrder.BIG_ENDIAN);
        buffer.putLong(SEQUENCE_OFFSET, sequence, ByteOrder.BIG_ENDIAN);
        for (int i = MIN_LENGTH; i < length; i++)
        {
            buffer.putByte(i, patternByte(sequence, i));
        }
    }

    /** A new buffer holding one sequenced frame. */
    public static UnsafeBuffer sequenced(final long sequence, final int length, final long src, final long dst)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        writeSequenced(buffer, sequence, length, src, dst);
        return buffer;
    }

    /**
     * Checks a frame built by {@link #writeSequenced} byte by byte.
     *
     * @return its sequence number
     * @throws AssertionError naming the first wrong byte
     */
    public static long checkSequenced(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MIN_LENGTH)
        {
            throw new AssertionError("frame of " + length + " bytes is too short to carry a sequence number");
        }
        if ((buffer.getShort(offset + 12, ByteOrder.BIG_ENDIAN) & 0xFFFF) != EXPERIMENTAL_ETHER_TYPE)
        {
            throw new AssertionError("frame EtherType changed");
        }
        final long sequence = buffer.getLong(offset + SEQUENCE_OFFSET, ByteOrder.BIG_ENDIAN);
        for (int i = MIN_LENGTH; i < length; i++)
        {
            if (buffer.getByte(offset + i) != patternByte(sequence, i))
            {
                throw new AssertionError("frame " + sequence + " corrupted at byte " + i);
            }
        }
        return sequence;
    }

    private static byte patternByte(final long sequence, final int index)
    {
        return (byte)(sequence * 31 + index * 7);
    }

    /** Records what it is handed: sequence numbers of intact frames and drop reasons. For tests only. */
    public static final class Recorder implements RxFrameHandler
    {
        /** Sequence numbers, in arrival order. */
        public final List<Long> sequences = new ArrayList<>();
        /** Drop reasons, in order. */
        public final List<DropReason> drops = new ArrayList<>();
        /** Lengths of the frames, in arrival order. */
        public final List<Integer> lengths = new ArrayList<>();

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            sequences.add(checkSequenced(buffer, offset, length));
            lengths.add(length);
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            drops.add(reason);
        }
    }
}
