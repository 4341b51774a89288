package io.ustack.link.packet;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Walks a TPACKET_V3 receive ring in place ({@link Tpacket3}). A block whose {@code block_status} has
 * {@code TP_STATUS_USER} (acquire load) holds {@code num_pkts} frames linked by {@code tp_next_offset}; each is handed
 * to the handler where it lies, and the block goes back to the kernel with a release store of
 * {@code TP_STATUS_KERNEL} as soon as its last frame has been handled. A walk may stop inside a block (the limit) and
 * resume there. One thread only.
 */
final class PacketBlockRxRing implements RxRing
{
    private final UnsafeBuffer ring;
    private final int baseOffset;
    private final int blockSize;
    private final int blockCount;
    private int block;
    private int blockOffset;
    private int framesLeft;
    private int frameOffset;
    private boolean holding;

    /**
     * @param ring       the mapping (or a test buffer laid out the same way)
     * @param baseOffset where block 0 starts
     * @param blockSize  bytes per block
     * @param blockCount blocks in the ring
     */
    PacketBlockRxRing(final UnsafeBuffer ring, final int baseOffset, final int blockSize, final int blockCount)
    {
        this.ring = ring;
        this.baseOffset = baseOffset;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.blockOffset = baseOffset;
    }

    /**
     * As {@link PacketRxRing#receive}: a frame the block holds only part of is
     * {@link DropReason#LINK_TRUNCATED_BY_RING}, one with {@code TP_STATUS_CSUMNOTREADY}
     * {@link DropReason#LINK_CHECKSUM_PARTIAL}.
     */
    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        int done = 0;
        while (done < limit)
        {
            if (framesLeft == 0)
            {
                releaseIfHolding();
                if (!acquireBlock())
                {
                    break;
                }
                continue;
            }
            final int frame = frameOffset;
            framesLeft--;
            frameOffset = frame + ring.getInt(frame + Tpacket3.NEXT_OFFSET);
            done++;
            deliver(handler, frame);
        }
        if (framesLeft == 0)
        {
            releaseIfHolding();
        }
        return done;
    }

    private boolean acquireBlock()
    {
        final int status = ring.getIntVolatile(blockOffset + Tpacket3.BLOCK_STATUS_OFFSET);
        if ((status & Tpacket2.TP_STATUS_USER) == 0)
        {
            return false;
        }
        holding = true;
        framesLeft = ring.getInt(blockOffset + Tpacket3.BLOCK_NUM_PKTS_OFFSET);
        frameOffset = blockOffset + ring.getInt(blockOffset + Tpacket3.BLOCK_FIRST_PKT_OFFSET);
        return true;
    }

    private void releaseIfHolding()
    {
        if (holding)
        {
            holding = false;
            ring.putIntOrdered(blockOffset + Tpacket3.BLOCK_STATUS_OFFSET, Tpacket2.TP_STATUS_KERNEL);
            block = block + 1 == blockCount ? 0 : block + 1;
            blockOffset = baseOffset + block * blockSize;
        }
    }

    private void deliver(final RxFrameHandler handler, final int frame)
    {
        final int wireLength = ring.getInt(frame + Tpacket3.LEN_OFFSET);
        final int captured = ring.getInt(frame + Tpacket3.SNAPLEN_OFFSET);
        final int status = ring.getInt(frame + Tpacket3.STATUS_OFFSET);
        final int start = frame + (ring.getShort(frame + Tpacket3.MAC_OFFSET) & 0xFFFF);
        if (captured < wireLength || captured < 0 || start + captured > blockOffset + blockSize)
        {
            handler.onDrop(DropReason.LINK_TRUNCATED_BY_RING);
        }
        else if ((status & Tpacket2.TP_STATUS_CSUMNOTREADY) != 0)
        {
            handler.onDrop(DropReason.LINK_CHECKSUM_PARTIAL);
        }
        else
        {
            handler.onFrame(ring, start, captured);
        }
    }
}
