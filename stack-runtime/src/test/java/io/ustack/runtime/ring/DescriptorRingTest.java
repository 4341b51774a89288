package io.ustack.runtime.ring;

import io.ustack.api.config.RingKind;
import io.ustack.api.ring.DescriptorRing;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Descriptor rings, both implementations")
class DescriptorRingTest
{
    @ParameterizedTest
    @EnumSource(RingKind.class)
    @DisplayName("descriptors come out whole and in the order they went in")
    void fifoAndFieldsIntact(final RingKind kind)
    {
        final DescriptorRing ring = DescriptorRings.create(kind, 16);
        for (int i = 0; i < 10; i++)
        {
            assertTrue(ring.offer(i, i * 2, i * 3, -i));
        }
        assertEquals(10, ring.size());
        final List<int[]> out = new ArrayList<>();
        assertEquals(10, ring.drain((id, off, len, flags) -> out.add(new int[]{id, off, len, flags}), 100));
        for (int i = 0; i < 10; i++)
        {
            assertArrayEquals(new int[]{i, i * 2, i * 3, -i}, out.get(i));
        }
        assertEquals(0, ring.size());
    }

    @ParameterizedTest
    @EnumSource(RingKind.class)
    @DisplayName("a full ring refuses the offer and keeps what it holds; draining makes room again")
    void fullRingRefuses(final RingKind kind)
    {
        final DescriptorRing ring = DescriptorRings.create(kind, 8);
        int accepted = 0;
        while (ring.offer(accepted, 0, 0, 0))
        {
            accepted++;
            assertTrue(accepted <= 1024, "ring never filled");
        }
        assertTrue(accepted >= 8, "holds at least the capacity asked for: " + accepted);
        assertEquals(accepted, ring.capacity());
        assertFalse(ring.offer(999, 0, 0, 0));
        final int[] first = new int[1];
        assertEquals(1, ring.drain((id, off, len, flags) -> first[0] = id, 1));
        assertEquals(0, first[0]);
        assertTrue(ring.offer(accepted, 0, 0, 0));
    }

    @ParameterizedTest
    @EnumSource(RingKind.class)
    @DisplayName("drain hands over no more than its limit")
    void drainHonoursLimit(final RingKind kind)
    {
        final DescriptorRing ring = DescriptorRings.create(kind, 64);
        for (int i = 0; i < 50; i++)
        {
            ring.offer(i, 0, 0, 0);
        }
        assertEquals(7, ring.drain((id, off, len, flags) -> { }, 7));
        assertEquals(43, ring.size());
        assertEquals(43, ring.drain((id, off, len, flags) -> { }, 1000));
    }

    @ParameterizedTest
    @EnumSource(RingKind.class)
    @DisplayName("one producer thread and one consumer thread pass two million descriptors without loss or reorder")
    void crossThreadNoLossNoReorder(final RingKind kind) throws InterruptedException
    {
        final DescriptorRing ring = DescriptorRings.create(kind, 1024);
        final int total = 2_000_000;
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread consumer = new Thread(() ->
        {
            final int[] expected = {0};
            while (expected[0] < total && failure.get() == null)
            {
                ring.drain((id, off, len, flags) ->
                {
                    if (id != expected[0] || off != (id ^ 0x5555) || len != (id & 0xFFF) || flags != ~id)
                    {
                        failure.compareAndSet(null, "at " + expected[0] + " got id " + id);
                    }
                    expected[0]++;
                }, 256);
            }
        });
        consumer.start();
        for (int i = 0; i < total && failure.get() == null; i++)
        {
            while (!ring.offer(i, i ^ 0x5555, i & 0xFFF, ~i))
            {
                Thread.onSpinWait();
            }
        }
        consumer.join(60_000);
        assertFalse(consumer.isAlive(), "consumer did not finish");
        assertNull(failure.get());
        assertEquals(0, ring.size());
    }
}
