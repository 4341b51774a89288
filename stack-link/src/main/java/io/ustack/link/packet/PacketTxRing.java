package io.ustack.link.packet;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fills a TPACKET_V2 transmit ring in place. A frame is copied into the next slot the kernel has released
 * ({@code TP_STATUS_AVAILABLE}, read with an acquire load), its length written, and the slot handed over with a
 * release store of {@code TP_STATUS_SEND_REQUEST}; the kernel sends every handed-over slot on the next kick. Slots
 * are filled in ring order, the order the kernel sends them in. One thread only.
 */
final class PacketTxRing
{
    private final UnsafeBuffer ring;
    private final int baseOffset;
    private final int frameSize;
    private final int frameCount;
    private final int maxFrameLength;
    private int index;
    private int pending;

    PacketTxRing(final UnsafeBuffer ring, final int baseOffset, final int frameSize, final int frameCount)
    {
        this.ring = ring;
        this.baseOffset = baseOffset;
        this.frameSize = frameSize;
        this.frameCount = frameCount;
        this.maxFrameLength = frameSize - Tpacket2.TX_DATA_OFFSET;
    }

    /**
     * Copies one frame into the next slot and marks it for sending.
     *
     * @return false if it does not fit a slot or the kernel still holds the next slot (ring full)
     */
    boolean offer(final DirectBuffer frame, final int offset, final int length)
    {
        if (length <= 0 || length > maxFrameLength)
        {
            return false;
        }
        final int slot = baseOffset + index * frameSize;
        final int status = ring.getIntVolatile(slot + Tpacket2.STATUS_OFFSET);
        if (status != Tpacket2.TP_STATUS_AVAILABLE && status != Tpacket2.TP_STATUS_WRONG_FORMAT)
        {
            return false;
        }
        ring.putBytes(slot + Tpacket2.TX_DATA_OFFSET, frame, offset, length);
        ring.putInt(slot + Tpacket2.LEN_OFFSET, length);
        ring.putIntOrdered(slot + Tpacket2.STATUS_OFFSET, Tpacket2.TP_STATUS_SEND_REQUEST);
        index = index + 1 == frameCount ? 0 : index + 1;
        pending++;
        return true;
    }

    /** Frames marked since the last {@link #takePending()}. */
    int takePending()
    {
        final int frames = pending;
        pending = 0;
        return frames;
    }

    /** Longest frame a slot holds. */
    int maxFrameLength()
    {
        return maxFrameLength;
    }
}
