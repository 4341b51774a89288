package io.ustack.link.packet;

import io.ustack.jni.AfPacket;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The transmit side without a transmit ring: frames are copied into slots of a direct staging buffer and a flush
 * sends them all with one {@code sendmmsg} per 64 frames ({@link AfPacket#sendBatch}). Frames the kernel refuses
 * for now stay staged, in order, for the next flush. One thread only.
 */
final class StagedBatchSender
{
    /** Sends staged slots {@code first .. first + count - 1}; returns frames taken, or a negative errno. */
    @FunctionalInterface
    interface BatchSend
    {
        int send(ByteBuffer staging, int slotSize, int first, int count);
    }

    private final ByteBuffer staging;
    private final UnsafeBuffer slots;
    private final int slotSize;
    private final int slotCount;
    private final int maxFrameLength;
    private final BatchSend batchSend;
    private int staged;
    private long refusedFlushes;

    StagedBatchSender(final int slotSize, final int slotCount, final BatchSend batchSend)
    {
        this.staging = ByteBuffer.allocateDirect(slotSize * slotCount).order(ByteOrder.nativeOrder());
        this.slots = new UnsafeBuffer(staging);
        this.slotSize = slotSize;
        this.slotCount = slotCount;
        this.maxFrameLength = slotSize - AfPacket.STAGING_DATA_OFFSET;
        this.batchSend = batchSend;
    }

    /** A sender whose flushes go to socket {@code fd}. */
    static StagedBatchSender forSocket(final int fd, final int slotSize, final int slotCount)
    {
        return new StagedBatchSender(slotSize, slotCount,
            (staging, size, first, count) -> AfPacket.sendBatch(fd, staging, size, first, count));
    }

    /** Copies one frame into the next slot; false if it does not fit a slot or every slot is staged. */
    boolean offer(final DirectBuffer frame, final int offset, final int length)
    {
        if (length <= 0 || length > maxFrameLength || staged == slotCount)
        {
            return false;
        }
        final int slot = staged * slotSize;
        slots.putInt(slot, length, ByteOrder.nativeOrder());
        slots.putBytes(slot + AfPacket.STAGING_DATA_OFFSET, frame, offset, length);
        staged++;
        return true;
    }

    /**
     * Sends every staged frame.
     *
     * @return frames the kernel took; those it refused move to the front and go with the next flush
     */
    int flush()
    {
        if (staged == 0)
        {
            return 0;
        }
        final int sent = Math.max(0, batchSend.send(staging, slotSize, 0, staged));
        if (sent < staged)
        {
            refusedFlushes++;
            slots.putBytes(0, slots, sent * slotSize, (staged - sent) * slotSize);
        }
        staged -= sent;
        return sent;
    }

    /** Frames waiting for a flush. */
    int staged()
    {
        return staged;
    }

    /** Flushes that left frames staged because the kernel refused them for now. */
    long refusedFlushes()
    {
        return refusedFlushes;
    }

    int maxFrameLength()
    {
        return maxFrameLength;
    }
}
