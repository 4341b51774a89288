package io.ustack.link.decorator;

import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.net.MacAddress;
import io.ustack.api.time.VirtualClock;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.TestFrames;
import io.ustack.link.memory.WireConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Fault-injecting decorator")
class FaultInjectingEndpointTest
{
    private static final Impairments LOSSY = Impairments.builder()
        .lossProbability(0.1).duplicationProbability(0.1).reorderProbability(0.1).build();

    private final VirtualClock clock = new VirtualClock(5_000);

    @Test
    @DisplayName("over an in-memory wire endpoint, the same seed gives the same deliveries and another seed others")
    void deterministicBySeed()
    {
        final List<Long> first = sendThroughInjectedTransmit(LOSSY.toBuilder().seed(77).build());
        assertEquals(first, sendThroughInjectedTransmit(LOSSY.toBuilder().seed(77).build()));
        assertNotEquals(first, sendThroughInjectedTransmit(LOSSY.toBuilder().seed(78).build()));
        assertNotEquals(first, receiveThroughInjectedReceive(LOSSY.toBuilder().seed(78).build()));
        assertEquals(receiveThroughInjectedReceive(LOSSY.toBuilder().seed(3).build()),
            receiveThroughInjectedReceive(LOSSY.toBuilder().seed(3).build()));
    }

    @Test
    @DisplayName("the injector makes exactly the decisions the in-memory wire makes for the same impairments")
    void sameDecisionsAsTheWire()
    {
        final Impairments impairments = LOSSY.toBuilder().seed(2024).build();
        final InMemoryWire impairedWire = new InMemoryWire(
            WireConfig.builder().impairmentsAToB(impairments).build(), clock);
        final List<Long> viaWire = exchange(impairedWire.endpointA(), impairedWire.endpointB());
        assertEquals(sendThroughInjectedTransmit(impairments), viaWire);
    }

    @Test
    @DisplayName("a transmit delay holds frames back until flush() finds them due, then passes them to the endpoint")
    void transmitDelay()
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final FaultInjectingEndpoint injector = FaultInjectingEndpoint.wrap(wire.endpointA(), clock)
            .transmit(Impairments.builder().delayNs(1_000_000L).build()).build();
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        assertTrue(injector.transmit(TestFrames.sequenced(1, 64, injector.macAddress(), MacAddress.BROADCAST), 0, 64));
        assertEquals(0, injector.flush());
        assertEquals(0, wire.endpointB().receive(atB, 10));
        clock.advanceNs(1_000_000L);
        assertEquals(1, injector.flush());
        assertEquals(1, wire.endpointB().receive(atB, 10));
        assertEquals(List.of(1L), atB.sequences);
        assertEquals(1, injector.transmitStatistics().delivered());
    }

    @Test
    @DisplayName("a receive delay hands a frame up only once its time has come")
    void receiveDelay()
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final FaultInjectingEndpoint injector = FaultInjectingEndpoint.wrap(wire.endpointB(), clock)
            .receive(Impairments.builder().delayNs(2_000L).build()).build();
        final TestFrames.Recorder atB = new TestFrames.Recorder();
        send(wire.endpointA(), 9);
        assertEquals(1, injector.receive(atB, 10), "taken from the wire");
        assertTrue(atB.sequences.isEmpty());
        clock.advanceNs(1_999L);
        assertEquals(0, injector.receive(atB, 10));
        clock.advanceNs(1L);
        assertEquals(1, injector.receive(atB, 10));
        assertEquals(List.of(9L), atB.sequences);
    }

    @Test
    @DisplayName("corruption on receive delivers the damaged frame: the checksums above must catch it")
    void corruptionDelivered()
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final FaultInjectingEndpoint injector = FaultInjectingEndpoint.wrap(wire.endpointB(), clock)
            .receive(Impairments.builder().corruptionProbability(1.0).seed(1).build()).build();
        final UnsafeBuffer sent = TestFrames.sequenced(1, 200, WireConfig.DEFAULT_MAC_A, MacAddress.BROADCAST);
        assertTrue(wire.endpointA().transmit(sent, 0, 200));
        final List<Integer> differingBits = new ArrayList<>();
        injector.receive(new io.ustack.api.link.RxFrameHandler()
        {
            @Override
            public void onFrame(final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                int bits = 0;
                for (int i = 0; i < length; i++)
                {
                    bits += Integer.bitCount((buffer.getByte(offset + i) ^ sent.getByte(i)) & 0xFF);
                }
                differingBits.add(bits);
            }

            @Override
            public void onDrop(final io.ustack.api.counter.DropReason reason)
            {
                throw new AssertionError(reason.toString());
            }
        }, 10);
        assertEquals(List.of(1), differingBits);
        assertEquals(1, injector.receiveStatistics().corrupted());
    }

    @Test
    @DisplayName("unimpaired directions pass straight through and count nothing; a bad queue depth says what to use")
    void passThroughAndValidation()
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final FaultInjectingEndpoint injector = FaultInjectingEndpoint.wrap(wire.endpointA(), clock).build();
        assertEquals(wire.endpointA().name(), injector.name());
        assertEquals(wire.endpointA().macAddress(), injector.macAddress());
        assertEquals(List.of(0L, 1L, 2L), exchange(injector, wire.endpointB()).subList(0, 3));
        assertEquals(0, injector.transmitStatistics().offered());
        assertSame(injector.transmitStatistics(), injector.receiveStatistics());
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> FaultInjectingEndpoint.wrap(wire.endpointA(), clock).queueDepth(0).build());
        assertTrue(error.getMessage().contains("queueDepth 0: use 1 to"), error.getMessage());
    }

    private List<Long> sendThroughInjectedTransmit(final Impairments impairments)
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final FaultInjectingEndpoint injector = FaultInjectingEndpoint.wrap(wire.endpointA(), clock)
            .transmit(impairments).build();
        return exchange(injector, wire.endpointB());
    }

    private List<Long> receiveThroughInjectedReceive(final Impairments impairments)
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final FaultInjectingEndpoint injector = FaultInjectingEndpoint.wrap(wire.endpointB(), clock)
            .receive(impairments).build();
        return exchange(wire.endpointA(), injector);
    }

    /** Sends 2 000 frames one at a time, receiving after each, then lets held-back frames go. */
    private List<Long> exchange(final LinkEndpoint sender, final LinkEndpoint receiver)
    {
        final TestFrames.Recorder recorder = new TestFrames.Recorder();
        for (int i = 0; i < 2_000; i++)
        {
            send(sender, i);
            receiver.receive(recorder, 16);
        }
        clock.advanceNs(Impairments.DEFAULT_REORDER_HOLD_NS);
        sender.flush();
        while (receiver.receive(recorder, 64) > 0)
        {
            sender.flush();
        }
        return recorder.sequences;
    }

    private static void send(final LinkEndpoint endpoint, final long sequence)
    {
        final int length = 64 + (int)(sequence % 100);
        assertTrue(endpoint.transmit(TestFrames.sequenced(sequence, length, endpoint.macAddress(), 0x0200_0000_0099L),
            0, length));
    }
}
