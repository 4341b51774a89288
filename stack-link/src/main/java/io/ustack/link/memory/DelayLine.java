package io.ustack.link.memory;

import io.ustack.api.counter.DropReason;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * One direction of a link: a bounded single-producer/single-consumer queue of frames in pre-allocated off-heap
 * slots, which applies {@link Impairments} (through an {@link ImpairmentEngine}) as frames enter and hands each
 * frame to a {@link FrameSink} only once the clock reaches its deliver-at time. No object is made per frame.
 *
 * <p>The producer ({@link #offer}) and the consumer ({@link #drain}) may be different threads: the producer
 * publishes slots with a release store of the tail and the consumer frees them with a release store of the head.
 *
 * <p>When {@code withFcs} is set the producer appends an IEEE 802.3 CRC-32 frame check sequence (4 bytes, least
 * significant byte first, as it goes on the wire) before any corruption, and the consumer verifies and strips it,
 * dropping a mismatch as {@link DropReason#LINK_BAD_FCS} as a NIC does. CRC-32 (not CRC-32C) because it is
 * Ethernet's; it catches every single-bit error, so no corrupted frame is delivered.
 *
 * <pre>
 * slot (slotStride bytes, a multiple of 64):
 *   0  length       int   frame bytes, FCS excluded
 *   4  flags        int   HELD (reordered) | DONE (delivered out of order, head not yet past it)
 *   8  deliverAtNs  long  earliest time the consumer may take it
 *  16  holdUntilNs  long  for a HELD frame: the latest time it waits for a later frame
 *  32  frame bytes, then the FCS when the line has one
 * </pre>
 *
 * Reordering: a HELD frame is skipped until a later frame has been delivered (then it goes right after it) or its
 * hold time ends. Deliver-at times never decrease along the queue (fixed delay, FIFO wire), so the consumer stops
 * at the first frame that is not due.
 */
public final class DelayLine
{
    /** Bytes of the frame check sequence. */
    public static final int FCS_LENGTH = 4;
    /** Shortest frame a line carries: an Ethernet II header. */
    public static final int MIN_FRAME_LENGTH = 14;

    private static final int LENGTH_OFFSET = 0;
    private static final int FLAGS_OFFSET = 4;
    private static final int DELIVER_AT_OFFSET = 8;
    private static final int HOLD_UNTIL_OFFSET = 16;
    private static final int FRAME_OFFSET = 32;
    private static final int HELD = 1;
    private static final int DONE = 2;

    // Head (consumer-owned) and tail with the producer's cached head (producer-owned) on separate cache-line pairs.
    private static final int HEAD_OFFSET = 128;
    private static final int TAIL_OFFSET = 256;
    private static final int CACHED_HEAD_OFFSET = 264;
    private static final int POSITIONS_LENGTH = 384;

    private final int capacity;
    private final int maxFrameLength;
    private final int slotStride;
    private final boolean withFcs;
    private final ImpairmentEngine engine;
    private final WireStatistics statistics = new WireStatistics();
    private final UnsafeBuffer slots;
    private final UnsafeBuffer positions;
    private final ByteBuffer producerView;
    private final ByteBuffer consumerView;
    private final CRC32 producerCrc = new CRC32();
    private final CRC32 consumerCrc = new CRC32();

    /**
     * @param capacity       frames the queue holds (at least 1)
     * @param maxFrameLength longest frame accepted, FCS excluded (at least {@link #MIN_FRAME_LENGTH})
     * @param withFcs        whether to append and check a CRC-32 FCS
     * @param impairments    what the line does to frames
     */
    public DelayLine(final int capacity, final int maxFrameLength, final boolean withFcs, final Impairments impairments)
    {
        final long slotStride = slotStrideFor(maxFrameLength);
        if (capacity < 1 || maxFrameLength < MIN_FRAME_LENGTH || capacity * slotStride > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("delay line of " + capacity + " frames of up to " + maxFrameLength +
                " bytes: use at least 1 frame of at least " + MIN_FRAME_LENGTH + " bytes, under 2 GiB in all");
        }
        this.capacity = capacity;
        this.maxFrameLength = maxFrameLength;
        this.slotStride = (int)slotStride;
        this.withFcs = withFcs;
        this.engine = new ImpairmentEngine(impairments);
        final ByteBuffer memory = BufferUtil.allocateDirectAligned(capacity * this.slotStride, 64);
        this.slots = new UnsafeBuffer(memory);
        this.producerView = memory.duplicate();
        this.consumerView = memory.duplicate();
        this.positions = new UnsafeBuffer(BufferUtil.allocateDirectAligned(POSITIONS_LENGTH, 64));
    }

    /** Bytes one slot takes for frames up to {@code maxFrameLength}: header, frame and FCS, rounded up to 64. */
    public static long slotStrideFor(final int maxFrameLength)
    {
        return ((long)FRAME_OFFSET + maxFrameLength + FCS_LENGTH + 63) & ~63L;
    }

    /**
     * Producer side: copies a frame in, deciding its fate.
     *
     * @return true if the line took the frame (a lost frame counts as taken); false if the queue is full or the
     * length is outside {@link #MIN_FRAME_LENGTH}..{@link #maxFrameLength()}
     */
    public boolean offer(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        statistics.onOffered();
        if (length < MIN_FRAME_LENGTH || length > maxFrameLength)
        {
            statistics.onRefusedBadLength();
            return false;
        }
        final long tail = positions.getLong(TAIL_OFFSET);
        if (!hasRoom(tail, 1))
        {
            statistics.onRefusedQueueFull();
            return false;
        }
        final int span = withFcs ? length + FCS_LENGTH : length;
        engine.decide(nowNs, length, span);
        if (engine.lose())
        {
            statistics.onLost();
            return true;
        }
        final int slotOffset = slotOffset(tail);
        writeSlot(slotOffset, buffer, offset, length);
        long nextTail = tail + 1;
        if (engine.duplicate() && hasRoom(tail, 2))
        {
            slots.putBytes(slotOffset(nextTail), slots, slotOffset, FRAME_OFFSET + span);
            statistics.onDuplicated();
            countCopyImpairments();
            nextTail++;
        }
        positions.putLongRelease(TAIL_OFFSET, nextTail);
        return true;
    }

    /**
     * Consumer side: hands frames whose deliver-at time has come to {@code sink}, in queue order except for
     * held-back ones, and drops frames whose FCS does not match.
     *
     * @return frames delivered or dropped, at most {@code limit}
     */
    public int drain(final long nowNs, final FrameSink sink, final int limit)
    {
        final long tail = positions.getLongAcquire(TAIL_OFFSET);
        final long head = positions.getLong(HEAD_OFFSET);
        long releaseHeldBefore = head;
        boolean skippedHeld = false;
        int work = 0;
        long position = head;
        while (position < tail && work < limit)
        {
            final int slotOffset = slotOffset(position);
            final int flags = slots.getInt(slotOffset + FLAGS_OFFSET);
            if ((flags & DONE) != 0)
            {
                position++;
                continue;
            }
            if (slots.getLong(slotOffset + DELIVER_AT_OFFSET) - nowNs > 0)
            {
                break; // frames behind it arrive no earlier
            }
            final boolean held = (flags & HELD) != 0;
            if (held && position >= releaseHeldBefore && slots.getLong(slotOffset + HOLD_UNTIL_OFFSET) - nowNs > 0)
            {
                skippedHeld = true;
                position++;
                continue;
            }
            if (!deliver(slotOffset, sink))
            {
                break;
            }
            slots.putInt(slotOffset + FLAGS_OFFSET, flags | DONE);
            work++;
            if (skippedHeld && !held)
            {
                releaseHeldBefore = position; // a later frame overtook them: the held-back frames go next
                skippedHeld = false;
                position = head;
                continue;
            }
            position++;
        }
        advanceHead(head, tail);
        return work;
    }

    /** Frames queued (delivered-out-of-order ones included until the head passes them); any thread, approximate. */
    public int queued()
    {
        return (int)(positions.getLongVolatile(TAIL_OFFSET) - positions.getLongVolatile(HEAD_OFFSET));
    }

    /** Frames that could be offered now without a queue-full refusal; any thread, approximate. */
    public int remainingCapacity()
    {
        return capacity - queued();
    }

    /** Frames the queue holds. */
    public int capacity()
    {
        return capacity;
    }

    /** Longest frame accepted, FCS excluded. */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /** What happened to this line's frames. */
    public WireStatistics statistics()
    {
        return statistics;
    }

    /** What this line does to frames. */
    public Impairments impairments()
    {
        return engine.impairments();
    }

    private boolean hasRoom(final long tail, final int frames)
    {
        if (tail + frames - positions.getLong(CACHED_HEAD_OFFSET) <= capacity)
        {
            return true;
        }
        final long head = positions.getLongAcquire(HEAD_OFFSET);
        positions.putLong(CACHED_HEAD_OFFSET, head);
        return tail + frames - head <= capacity;
    }

    private void writeSlot(final int slotOffset, final DirectBuffer buffer, final int offset, final int length)
    {
        slots.putInt(slotOffset + LENGTH_OFFSET, length);
        slots.putInt(slotOffset + FLAGS_OFFSET, engine.reorder() ? HELD : 0);
        slots.putLong(slotOffset + DELIVER_AT_OFFSET, engine.deliverAtNs());
        slots.putLong(slotOffset + HOLD_UNTIL_OFFSET, engine.holdUntilNs());
        final int frameOffset = slotOffset + FRAME_OFFSET;
        slots.putBytes(frameOffset, buffer, offset, length);
        if (withFcs)
        {
            slots.putInt(frameOffset + length, crc32(producerCrc, producerView, frameOffset, length),
                ByteOrder.LITTLE_ENDIAN);
        }
        if (engine.reorder())
        {
            statistics.onReordered();
        }
        if (engine.corrupt())
        {
            final int bitIndex = engine.corruptBitIndex();
            final int byteOffset = frameOffset + (bitIndex >>> 3);
            slots.putByte(byteOffset, (byte)(slots.getByte(byteOffset) ^ (0x80 >>> (bitIndex & 7))));
            statistics.onCorrupted();
        }
    }

    /** The copy of a duplicated frame is identical: held back and corrupted when the original is. */
    private void countCopyImpairments()
    {
        if (engine.reorder())
        {
            statistics.onReordered();
        }
        if (engine.corrupt())
        {
            statistics.onCorrupted();
        }
    }

    private boolean deliver(final int slotOffset, final FrameSink sink)
    {
        final int length = slots.getInt(slotOffset + LENGTH_OFFSET);
        final int frameOffset = slotOffset + FRAME_OFFSET;
        if (withFcs && crc32(consumerCrc, consumerView, frameOffset, length) !=
            slots.getInt(frameOffset + length, ByteOrder.LITTLE_ENDIAN))
        {
            statistics.onDroppedBadFcs();
            sink.onDrop(DropReason.LINK_BAD_FCS);
            return true;
        }
        if (!sink.onFrame(slots, frameOffset, length))
        {
            return false;
        }
        statistics.onDelivered();
        return true;
    }

    private void advanceHead(final long head, final long tail)
    {
        long newHead = head;
        while (newHead < tail && (slots.getInt(slotOffset(newHead) + FLAGS_OFFSET) & DONE) != 0)
        {
            newHead++;
        }
        if (newHead != head)
        {
            positions.putLongRelease(HEAD_OFFSET, newHead);
        }
    }

    private int slotOffset(final long position)
    {
        return (int)(position % capacity) * slotStride;
    }

    private static int crc32(final CRC32 crc, final ByteBuffer view, final int offset, final int length)
    {
        view.clear().position(offset).limit(offset + length);
        crc.reset();
        crc.update(view);
        return (int)crc.getValue();
    }
}
