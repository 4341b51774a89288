package io.ustack.link.memory;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.net.MacAddress;
import io.ustack.api.time.VirtualClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static io.ustack.link.memory.TestFrames.sequenced;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("In-memory wire: delivery, FCS, limits, delay and rate")
class InMemoryWireTest
{
    private static final long MAC_A = WireConfig.DEFAULT_MAC_A;
    private static final long MAC_B = WireConfig.DEFAULT_MAC_B;

    private final VirtualClock clock = new VirtualClock(1_000_000_000L);

    private InMemoryWire wire(final Impairments aToB)
    {
        return new InMemoryWire(WireConfig.builder().impairmentsAToB(aToB).build(), clock);
    }

    private static boolean send(final LinkEndpoint endpoint, final long sequence, final int length)
    {
        final UnsafeBuffer frame = sequenced(sequence, length, endpoint.macAddress(), MacAddress.BROADCAST);
        return endpoint.transmit(frame, 0, length);
    }

    @Test
    @DisplayName("frames from A arrive at B intact and in order, and B's at A, with both directions busy at once")
    void bothDirectionsInOrder()
    {
        final InMemoryWire wire = wire(Impairments.NONE);
        final TestFrames.Recorder atA = new TestFrames.Recorder();
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        final List<Integer> lengthsSent = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            final int length = TestFrames.MIN_LENGTH + (i * 37) % (1514 - TestFrames.MIN_LENGTH + 1);
            lengthsSent.add(length);
            assertTrue(send(wire.endpointA(), i, length));
            assertTrue(send(wire.endpointB(), 10_000 + i, length));
            if (i % 10 == 9)
            {
                wire.endpointA().receive(atA, 4);
                wire.endpointB().receive(atB, 4);
            }
        }
        while (wire.endpointA().receive(atA, 64) + wire.endpointB().receive(atB, 64) > 0)
        {
            // drain
        }

        assertEquals(LongStream.range(0, 1000).boxed().collect(Collectors.toList()), atB.sequences);
        assertEquals(LongStream.range(10_000, 11_000).boxed().collect(Collectors.toList()), atA.sequences);
        assertEquals(lengthsSent, atB.lengths);
        assertEquals(lengthsSent, atA.lengths);
        assertTrue(atA.drops.isEmpty() && atB.drops.isEmpty());
        assertEquals(1000, wire.statisticsAToB().delivered());
        assertEquals(1000, wire.statisticsBToA().delivered());
    }

    @Test
    @DisplayName("a frame longer than mtu + 14 is refused at transmit; one of exactly mtu + 14 is carried")
    void tooLongRefused()
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().mtu(1000).build(), clock);
        assertFalse(send(wire.endpointA(), 1, 1015));
        assertTrue(send(wire.endpointA(), 2, 1014));
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        assertEquals(1, wire.endpointB().receive(atB, 10));
        assertEquals(List.of(2L), atB.sequences);
        assertEquals(1, wire.statisticsAToB().refusedBadLength());
    }

    @Test
    @DisplayName("a full queue refuses transmit, and accepts again once the receiver drains it")
    void queueFullRefuses()
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().queueDepth(4).build(), clock);
        for (int i = 0; i < 4; i++)
        {
            assertTrue(send(wire.endpointA(), i, 64));
        }
        assertFalse(send(wire.endpointA(), 4, 64));
        assertEquals(1, wire.statisticsAToB().refusedQueueFull());

        final TestFrames.Recorder atB = new TestFrames.Recorder();
        assertEquals(2, wire.endpointB().receive(atB, 2));
        assertTrue(send(wire.endpointA(), 5, 64));
        assertTrue(send(wire.endpointA(), 6, 64));
        assertFalse(send(wire.endpointA(), 7, 64));
        wire.endpointB().receive(atB, 10);
        assertEquals(List.of(0L, 1L, 2L, 3L, 5L, 6L), atB.sequences);
    }

    @Test
    @DisplayName("a corrupted frame is dropped by the receiver as LINK_BAD_FCS and never delivered")
    void corruptionCaughtByFcs()
    {
        final InMemoryWire wire = wire(Impairments.builder().corruptionProbability(1.0).seed(7).build());
        for (int i = 0; i < 500; i++)
        {
            assertTrue(send(wire.endpointA(), i, TestFrames.MIN_LENGTH + i % 200));
        }
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        while (wire.endpointB().receive(atB, 64) > 0)
        {
            // drain
        }
        assertTrue(atB.sequences.isEmpty(), "no corrupted frame may be delivered");
        assertEquals(500, atB.drops.size());
        assertTrue(atB.drops.stream().allMatch(reason -> reason == DropReason.LINK_BAD_FCS));
        assertEquals(500, wire.statisticsAToB().corrupted());
        assertEquals(500, wire.statisticsAToB().droppedBadFcs());
        assertEquals(0, wire.statisticsAToB().delivered());
    }

    @Test
    @DisplayName("with 30% corruption every delivered frame is intact and each corrupted one is counted as a bad FCS")
    void partialCorruption()
    {
        final InMemoryWire wire = wire(Impairments.builder().corruptionProbability(0.3).seed(11).build());
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        for (int i = 0; i < 10_000; i++)
        {
            assertTrue(send(wire.endpointA(), i, 60 + i % 1000));
            wire.endpointB().receive(atB, 8); // the recorder checks every byte of every delivered frame
        }
        final WireStatistics stats = wire.statisticsAToB();
        assertEquals(10_000, atB.sequences.size() + atB.drops.size());
        assertEquals(stats.corrupted(), atB.drops.size());
        assertEquals(stats.corrupted(), stats.droppedBadFcs());
        assertEquals(0.3, stats.corrupted() / 10_000.0, 0.02);
    }

    @Test
    @DisplayName("a delayed frame is not visible before its delay has passed and is visible once it has")
    void delayRespected()
    {
        final InMemoryWire wire = wire(Impairments.builder().delayNs(5_000_000L).build());
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        assertTrue(send(wire.endpointA(), 1, 100));
        assertEquals(0, wire.endpointB().receive(atB, 10));
        clock.advanceNs(4_999_999L);
        assertEquals(0, wire.endpointB().receive(atB, 10));
        clock.advanceNs(1);
        assertEquals(1, wire.endpointB().receive(atB, 10));
        assertEquals(List.of(1L), atB.sequences);
    }

    @Test
    @DisplayName("a rate-limited wire delivers each frame no earlier than its serialization time after the last")
    void rateLimitRespected()
    {
        // 1 Mbit/s; 1000-byte frames take (1000 + 24 bytes of FCS, preamble and gap) * 8 bits = 8.192 ms each.
        final long serializationNs = 8_192_000L;
        final long delayNs = 1_000_000L;
        final InMemoryWire wire = wire(Impairments.builder().rateBitsPerSecond(1_000_000L).delayNs(delayNs).build());
        final long startNs = clock.nanoTime();
        for (int i = 0; i < 3; i++)
        {
            assertTrue(send(wire.endpointA(), i, 1000));
        }
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        for (int frame = 1; frame <= 3; frame++)
        {
            final long arrivalNs = startNs + frame * serializationNs + delayNs;
            clock.setNs(arrivalNs - 1);
            wire.endpointB().receive(atB, 10);
            assertEquals(frame - 1, atB.sequences.size(), "frame " + frame + " visible 1 ns early");
            clock.setNs(arrivalNs);
            wire.endpointB().receive(atB, 10);
            assertEquals(frame, atB.sequences.size(), "frame " + frame + " not visible at its time");
        }
    }

    @Test
    @DisplayName("a held-back frame is delivered right after the next frame, or when its hold time ends")
    void reorderHoldsBehindNextFrame()
    {
        final Impairments impairments = Impairments.builder().reorderProbability(0.3).seed(5)
            .reorderHoldNs(2_000_000L).build();
        final InMemoryWire wire = wire(impairments);
        final ImpairmentEngine predictor = new ImpairmentEngine(impairments);
        final List<Long> expected = new ArrayList<>();
        final List<Long> held = new ArrayList<>();
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        for (long i = 0; i < 200; i++)
        {
            predictor.decide(clock.nanoTime(), 100, 100 + DelayLine.FCS_LENGTH);
            if (predictor.reorder())
            {
                held.add(i);
            }
            else
            {
                expected.add(i);
                expected.addAll(held);
                held.clear();
            }
            assertTrue(send(wire.endpointA(), i, 100));
            wire.endpointB().receive(atB, 100);
        }
        assertEquals(expected, atB.sequences);
        clock.advanceNs(1_999_999L);
        assertEquals(0, wire.endpointB().receive(atB, 100), "held frames wait for their hold time");
        clock.advanceNs(1);
        wire.endpointB().receive(atB, 100);
        expected.addAll(held);
        assertEquals(expected, atB.sequences);
        assertTrue(wire.statisticsAToB().reordered() > 30);
    }

    @Test
    @DisplayName("a closed endpoint neither transmits nor receives")
    void closedEndpoint()
    {
        final InMemoryWire wire = wire(Impairments.NONE);
        assertTrue(send(wire.endpointA(), 1, 64));
        wire.close();
        wire.close();
        assertFalse(send(wire.endpointA(), 2, 64));
        assertEquals(0, wire.endpointB().receive(new TestFrames.Recorder(), 10));
    }

    @Test
    @DisplayName("endpoints report their configured names, MACs and MTU; defaults are 02:00:00:00:00:01 and :02")
    void identity()
    {
        final InMemoryWire defaults = wire(Impairments.NONE);
        assertEquals(MacAddress.parse("02:00:00:00:00:01").bits(), defaults.endpointA().macAddress());
        assertEquals(MacAddress.parse("02:00:00:00:00:02").bits(), defaults.endpointB().macAddress());
        assertEquals(1500, defaults.endpointA().mtu());
        assertEquals(0, defaults.endpointA().flush());

        final InMemoryWire custom = new InMemoryWire(WireConfig.builder().mtu(9000).nameA("left").nameB("right")
            .macA(MacAddress.parse("02:aa:00:00:00:01")).build(), clock);
        assertEquals("left", custom.endpointA().name());
        assertEquals("right", custom.endpointB().name());
        assertEquals(0x02AA_0000_0001L, custom.endpointA().macAddress());
        assertEquals(9000, custom.endpointB().mtu());
        assertEquals(MAC_B, custom.endpointB().macAddress());
        assertTrue(MAC_A != MAC_B);
    }

    @Test
    @DisplayName("a bad wire configuration names every wrong setting and what to use instead")
    void configurationErrorsSayWhatToFix()
    {
        final IllegalArgumentException wireError = assertThrows(IllegalArgumentException.class,
            () -> WireConfig.builder().mtu(10).queueDepth(0).macA(MacAddress.parse("01:00:5e:00:00:01"))
                .nameB(" ").build());
        final String message = wireError.getMessage();
        assertTrue(message.contains("mtu 10: use 68 to 9216"), message);
        assertTrue(message.contains("queueDepth 0: use 1 to"), message);
        assertTrue(message.contains("macA 01:00:5e:00:00:01: use a unicast address"), message);
        assertTrue(message.contains("nameB"), message);

        final IllegalArgumentException impairmentError = assertThrows(IllegalArgumentException.class,
            () -> Impairments.builder().lossProbability(1.5).delayNs(-1).rateBitsPerSecond(-5).build());
        final String impairmentMessage = impairmentError.getMessage();
        assertTrue(impairmentMessage.contains("lossProbability 1.5: use a probability from 0.0 to 1.0"),
            impairmentMessage);
        assertTrue(impairmentMessage.contains("delayNs -1"), impairmentMessage);
        assertTrue(impairmentMessage.contains("rateBitsPerSecond -5"), impairmentMessage);
    }
}
