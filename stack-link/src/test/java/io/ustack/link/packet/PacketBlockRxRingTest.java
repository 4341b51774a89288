package io.ustack.link.packet;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TPACKET_V3 block ring walk over a buffer laid out as the kernel lays out the mapping. */
@DisplayName("TPACKET_V3 receive blocks walked in place")
class PacketBlockRxRingTest
{
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 3;
    private static final int FIRST = 48;
    private static final int MAC = 82;

    private final UnsafeBuffer ring = new UnsafeBuffer(ByteBuffer.allocateDirect(BLOCK * BLOCKS));
    private final PacketBlockRxRing rx = new PacketBlockRxRing(ring, 0, BLOCK, BLOCKS);
    private final Recorder recorder = new Recorder();

    /**
     * Fills block {@code index} as the kernel retires it: frames of the given lengths (status per frame), linked by
     * tp_next_offset, then the block status last. A negative length is a frame cut short (len = 9000).
     */
    private void kernelRetires(final int index, final int[] lengths, final int[] statuses)
    {
        final int block = index * BLOCK;
        int frame = block + FIRST;
        for (int i = 0; i < lengths.length; i++)
        {
            final int captured = Math.abs(lengths[i]);
            final int next = (MAC + captured + 15) / 16 * 16;
            ring.putInt(frame + Tpacket3.NEXT_OFFSET, i + 1 == lengths.length ? 0 : next);
            ring.putInt(frame + Tpacket3.SNAPLEN_OFFSET, captured);
            ring.putInt(frame + Tpacket3.LEN_OFFSET, lengths[i] < 0 ? 9000 : captured);
            ring.putInt(frame + Tpacket3.STATUS_OFFSET, statuses[i]);
            ring.putShort(frame + Tpacket3.MAC_OFFSET, (short)MAC);
            ring.setMemory(frame + MAC, captured, (byte)(i + 1));
            frame += next;
        }
        ring.putInt(block + Tpacket3.BLOCK_NUM_PKTS_OFFSET, lengths.length);
        ring.putInt(block + Tpacket3.BLOCK_FIRST_PKT_OFFSET, FIRST);
        ring.putIntOrdered(block + Tpacket3.BLOCK_STATUS_OFFSET, Tpacket2.TP_STATUS_USER);
    }

    private int blockStatus(final int index)
    {
        return ring.getIntVolatile(index * BLOCK + Tpacket3.BLOCK_STATUS_OFFSET);
    }

    @Test
    @DisplayName("every frame of a retired block is delivered where it lies, then the block goes back to the kernel")
    void deliversBlockAndReleasesIt()
    {
        assertEquals(0, rx.receive(recorder, 64), "nothing before the kernel retires a block");
        kernelRetires(0, new int[] {60, 1514, 64}, new int[] {1, 1, 1});

        assertEquals(3, rx.receive(recorder, 64));
        assertEquals(List.of(60, 1514, 64), recorder.lengths);
        assertEquals(FIRST + MAC, recorder.offsets.get(0), "zero-copy: frames are read in the ring");
        assertEquals(List.of(1, 2, 3), recorder.firstBytes);
        assertEquals(Tpacket2.TP_STATUS_KERNEL, blockStatus(0), "released as soon as its last frame was handled");
        assertEquals(0, rx.receive(recorder, 64));
    }

    @Test
    @DisplayName("a limit stops the walk inside a block; the block is held until its last frame, then released")
    void limitStopsInsideBlock()
    {
        kernelRetires(0, new int[] {60, 61, 62}, new int[] {1, 1, 1});
        kernelRetires(1, new int[] {70}, new int[] {1});

        assertEquals(2, rx.receive(recorder, 2));
        assertEquals(Tpacket2.TP_STATUS_USER, blockStatus(0), "still ours: one frame left in it");
        assertEquals(2, rx.receive(recorder, 2));
        assertEquals(List.of(60, 61, 62, 70), recorder.lengths);
        assertEquals(Tpacket2.TP_STATUS_KERNEL, blockStatus(0));
        assertEquals(Tpacket2.TP_STATUS_KERNEL, blockStatus(1));
    }

    @Test
    @DisplayName("the walk wraps around the ring of blocks")
    void wrapsAround()
    {
        for (int round = 0; round < 2 * BLOCKS; round++)
        {
            kernelRetires(round % BLOCKS, new int[] {100 + round}, new int[] {1});
            assertEquals(1, rx.receive(recorder, 8));
        }
        assertEquals(List.of(100, 101, 102, 103, 104, 105), recorder.lengths);
    }

    @Test
    @DisplayName("cut-short and partial-checksum frames are dropped under their own reasons; the rest still delivered")
    void dropsWithReasons()
    {
        kernelRetires(0, new int[] {-200, 60, 80}, new int[] {1, 1 | Tpacket2.TP_STATUS_CSUMNOTREADY, 1});
        assertEquals(3, rx.receive(recorder, 8));
        assertEquals(List.of(DropReason.LINK_TRUNCATED_BY_RING, DropReason.LINK_CHECKSUM_PARTIAL), recorder.drops);
        assertEquals(List.of(80), recorder.lengths);
    }

    @Test
    @DisplayName("a frame header claiming bytes beyond its block is LINK_TRUNCATED_BY_RING, never read out of bounds")
    void frameBeyondBlockIsDropped()
    {
        kernelRetires(0, new int[] {60}, new int[] {1});
        ring.putInt(FIRST + Tpacket3.SNAPLEN_OFFSET, BLOCK);
        ring.putInt(FIRST + Tpacket3.LEN_OFFSET, BLOCK);
        assertEquals(1, rx.receive(recorder, 8));
        assertEquals(List.of(DropReason.LINK_TRUNCATED_BY_RING), recorder.drops);
        assertTrue(recorder.lengths.isEmpty());
    }

    @Test
    @DisplayName("a handler that throws leaves the walk consistent: the next receive goes on with the next frame")
    void handlerFailure()
    {
        kernelRetires(0, new int[] {60, 61}, new int[] {1, 1});
        final Recorder failingOnce = new Recorder()
        {
            boolean failed;

            @Override
            public void onFrame(final DirectBuffer buffer, final int offset, final int length)
            {
                if (!failed)
                {
                    failed = true;
                    throw new IllegalStateException("boom");
                }
                super.onFrame(buffer, offset, length);
            }
        };
        try
        {
            rx.receive(failingOnce, 8);
        }
        catch (final IllegalStateException expected)
        {
            // the handler's own failure surfaces
        }
        assertEquals(1, rx.receive(failingOnce, 8));
        assertEquals(List.of(61), failingOnce.lengths);
        assertEquals(Tpacket2.TP_STATUS_KERNEL, blockStatus(0));
    }

    private static class Recorder implements RxFrameHandler
    {
        final List<Integer> lengths = new ArrayList<>();
        final List<Integer> offsets = new ArrayList<>();
        final List<Integer> firstBytes = new ArrayList<>();
        final List<DropReason> drops = new ArrayList<>();

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            lengths.add(length);
            offsets.add(offset);
            firstBytes.add((int)buffer.getByte(offset));
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            drops.add(reason);
        }
    }
}
