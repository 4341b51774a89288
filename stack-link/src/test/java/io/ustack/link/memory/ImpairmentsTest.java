package io.ustack.link.memory;

import io.ustack.api.net.MacAddress;
import io.ustack.api.time.VirtualClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("In-memory wire impairments: rates and determinism")
class ImpairmentsTest
{
    private static final int FRAMES = 100_000;

    @Test
    @DisplayName("loss, duplication and reordering over 100 000 frames come out near their configured probabilities")
    void ratesNearConfigured()
    {
        final VirtualClock clock = new VirtualClock();
        final Impairments impairments = Impairments.builder().seed(42)
            .lossProbability(0.10).duplicationProbability(0.05).reorderProbability(0.02).build();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairmentsAToB(impairments).build(), clock);
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < FRAMES; i++)
        {
            TestFrames.writeSequenced(frame, i, 64, WireConfig.DEFAULT_MAC_A, MacAddress.BROADCAST);
            assertTrue(wire.endpointA().transmit(frame, 0, 64));
            wire.endpointB().receive(atB, 16);
        }
        clock.advanceNs(Impairments.DEFAULT_REORDER_HOLD_NS);
        while (wire.endpointB().receive(atB, 64) > 0)
        {
            // the last held-back frames
        }

        final Set<Long> seen = new HashSet<>();
        int duplicates = 0;
        int outOfOrder = 0;
        long highest = -1;
        for (final long sequence : atB.sequences)
        {
            if (!seen.add(sequence))
            {
                duplicates++;
            }
            else if (sequence < highest)
            {
                outOfOrder++;
            }
            highest = Math.max(highest, sequence);
        }
        final double arrived = seen.size() / (double)FRAMES;
        assertEquals(0.90, arrived, 0.005, "fraction of frames that arrived");
        assertEquals(0.05 * arrived, duplicates / (double)FRAMES, 0.005, "fraction duplicated");
        assertEquals(0.02 * arrived, outOfOrder / (double)FRAMES, 0.005, "fraction reordered");

        final WireStatistics stats = wire.statisticsAToB();
        assertEquals(FRAMES, stats.offered());
        assertEquals(FRAMES - seen.size(), stats.lost());
        assertEquals(duplicates, stats.duplicated());
        assertEquals(atB.sequences.size(), stats.delivered());
    }

    @Test
    @DisplayName("the same seed gives the identical delivery sequence; a different seed a different one")
    void sameSeedSameSequence()
    {
        final List<String> first = trace(1234);
        assertEquals(first, trace(1234));
        assertNotEquals(first, trace(1235));
    }

    @Test
    @DisplayName("directions of a wire built with impairments(...) get different seeds, so they do not mirror")
    void directionsGetDifferentSeeds()
    {
        final Impairments impairments = Impairments.builder().seed(9).lossProbability(0.5).build();
        final WireConfig config = WireConfig.builder().impairments(impairments).build();
        assertEquals(9, config.impairmentsAToB().seed());
        assertEquals(10, config.impairmentsBToA().seed());
        assertEquals(0.5, config.impairmentsBToA().lossProbability());
    }

    /** Every arrival and drop at B, with its time, for a busy wire with every impairment on. */
    private static List<String> trace(final long seed)
    {
        final VirtualClock clock = new VirtualClock();
        final Impairments impairments = Impairments.builder().seed(seed)
            .lossProbability(0.05).duplicationProbability(0.05).reorderProbability(0.05).corruptionProbability(0.05)
            .delayNs(200_000L).rateBitsPerSecond(100_000_000L).reorderHoldNs(300_000L).build();
        final InMemoryWire wire = new InMemoryWire(
            WireConfig.builder().impairmentsAToB(impairments).queueDepth(64).build(), clock);
        final List<String> trace = new ArrayList<>();
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1514]);
        for (int i = 0; i < 5_000; i++)
        {
            final int length = 64 + (i * 97) % 1400;
            TestFrames.writeSequenced(frame, i, length, WireConfig.DEFAULT_MAC_A, MacAddress.BROADCAST);
            final boolean accepted = wire.endpointA().transmit(frame, 0, length);
            clock.advanceNs(10_000L + (i % 7) * 5_000L);
            wire.endpointB().receive(atB, 8);
            trace.add((accepted ? "+" : "refused ") + i + " @" + clock.nanoTime() + " " + atB.sequences + atB.drops);
            atB.sequences.clear();
            atB.drops.clear();
        }
        return trace;
    }
}
