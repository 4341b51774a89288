package io.ustack.link.memory;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.api.time.VirtualClock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryWirePropertiesTest
{
    @Property(tries = 200)
    @Label("any frame from 14 bytes to mtu + 14 crosses a perfect wire byte for byte")
    void anyFrameCrossesIntact(@ForAll @Size(min = 14, max = 1514) final byte[] frame)
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), new VirtualClock());
        assertTrue(wire.endpointA().transmit(new UnsafeBuffer(frame), 0, frame.length));
        final List<byte[]> received = new ArrayList<>();
        wire.endpointB().receive(new CopyingHandler(received), 10);
        assertEquals(1, received.size());
        assertArrayEquals(frame, received.get(0));
    }

    @Property(tries = 100)
    @Label("whatever the seed and impairments, only frames that were sent arrive, and every frame is accounted for")
    void onlySentFramesArriveAndAllAreCounted(
        @ForAll final long seed,
        @ForAll @DoubleRange(min = 0, max = 0.5) final double loss,
        @ForAll @DoubleRange(min = 0, max = 0.5) final double duplication,
        @ForAll @DoubleRange(min = 0, max = 0.5) final double reorder,
        @ForAll @DoubleRange(min = 0, max = 0.5) final double corruption)
    {
        final VirtualClock clock = new VirtualClock();
        final Impairments impairments = Impairments.builder().seed(seed).lossProbability(loss)
            .duplicationProbability(duplication).reorderProbability(reorder).corruptionProbability(corruption).build();
        final InMemoryWire wire = new InMemoryWire(
            WireConfig.builder().impairmentsAToB(impairments).queueDepth(32).build(), clock);
        final TestFrames.Recorder atB = new TestFrames.Recorder(); // fails on any byte that differs from the sent one
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[400]);
        int accepted = 0;
        for (int i = 0; i < 300; i++)
        {
            TestFrames.writeSequenced(frame, i, 22 + i, wire.endpointA().macAddress(), wire.endpointB().macAddress());
            accepted += wire.endpointA().transmit(frame, 0, 22 + i) ? 1 : 0;
            if (i % 3 == 0)
            {
                wire.endpointB().receive(atB, 4);
            }
        }
        clock.advanceNs(Impairments.DEFAULT_REORDER_HOLD_NS);
        while (wire.endpointB().receive(atB, 64) > 0)
        {
            // drain
        }
        final WireStatistics stats = wire.statisticsAToB();
        final Set<Long> distinct = new HashSet<>(atB.sequences);
        assertTrue(distinct.stream().allMatch(sequence -> sequence >= 0 && sequence < 300));
        assertTrue(atB.drops.stream().allMatch(reason -> reason == DropReason.LINK_BAD_FCS));
        assertEquals(stats.offered() - stats.refusedQueueFull(), accepted);
        assertEquals(accepted - stats.lost() + stats.duplicated(), atB.sequences.size() + atB.drops.size());
        assertEquals(stats.corrupted(), stats.droppedBadFcs());
    }

    /** Keeps a copy of each frame. */
    private static final class CopyingHandler implements RxFrameHandler
    {
        private final List<byte[]> frames;

        CopyingHandler(final List<byte[]> frames)
        {
            this.frames = frames;
        }

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            frames.add(copy);
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            throw new AssertionError("unexpected drop " + reason);
        }
    }
}
