package io.ustack.link.packet;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Walks a TPACKET_V2 receive ring in place. A slot whose status has {@code TP_STATUS_USER} holds a frame; it is read
 * after an acquire load of the status, handed to the handler where it lies, and given back to the kernel with a
 * release store of {@code TP_STATUS_KERNEL} once the handler returns. Slots are consumed in ring order, as the kernel
 * fills them. One thread only.
 */
final class PacketRxRing implements RxRing
{
    private final UnsafeBuffer ring;
    private final int baseOffset;
    private final int frameSize;
    private final int frameCount;
    private int index;

    /**
     * @param ring       the mapping (or a test buffer laid out the same way)
     * @param baseOffset where slot 0 starts
     * @param frameSize  bytes per slot (slots are contiguous: the block size is a multiple of it)
     * @param frameCount slots in the ring
     */
    PacketRxRing(final UnsafeBuffer ring, final int baseOffset, final int frameSize, final int frameCount)
    {
        this.ring = ring;
        this.baseOffset = baseOffset;
        this.frameSize = frameSize;
        this.frameCount = frameCount;
    }

    /**
     * Hands up to {@code limit} waiting frames to {@code handler}. A frame the ring cut short ({@code tp_snaplen <
     * tp_len}) is dropped as {@link DropReason#LINK_TRUNCATED_BY_RING}; one whose checksum the kernel has not filled
     * ({@code TP_STATUS_CSUMNOTREADY}) as {@link DropReason#LINK_CHECKSUM_PARTIAL}: parsing either would be wrong.
     *
     * @return frames delivered or dropped
     */
    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        int done = 0;
        while (done < limit)
        {
            final int slot = baseOffset + index * frameSize;
            final int status = ring.getIntVolatile(slot + Tpacket2.STATUS_OFFSET);
            if ((status & Tpacket2.TP_STATUS_USER) == 0)
            {
                break;
            }
            try
            {
                deliver(handler, slot, status);
            }
            finally
            {
                ring.putIntOrdered(slot + Tpacket2.STATUS_OFFSET, Tpacket2.TP_STATUS_KERNEL);
                index = index + 1 == frameCount ? 0 : index + 1;
            }
            done++;
        }
        return done;
    }

    /** True when the next slot holds a frame (for blocking mode: no need to poll). */
    boolean hasFrame()
    {
        return (ring.getIntVolatile(baseOffset + index * frameSize + Tpacket2.STATUS_OFFSET) &
            Tpacket2.TP_STATUS_USER) != 0;
    }

    private void deliver(final RxFrameHandler handler, final int slot, final int status)
    {
        final int wireLength = ring.getInt(slot + Tpacket2.LEN_OFFSET);
        final int captured = ring.getInt(slot + Tpacket2.SNAPLEN_OFFSET);
        final int macOffset = ring.getShort(slot + Tpacket2.MAC_OFFSET) & 0xFFFF;
        if (captured < wireLength || captured < 0 || macOffset + captured > frameSize)
        {
            handler.onDrop(DropReason.LINK_TRUNCATED_BY_RING);
        }
        else if ((status & Tpacket2.TP_STATUS_CSUMNOTREADY) != 0)
        {
            handler.onDrop(DropReason.LINK_CHECKSUM_PARTIAL);
        }
        else
        {
            handler.onFrame(ring, slot + macOffset, captured);
        }
    }
}
