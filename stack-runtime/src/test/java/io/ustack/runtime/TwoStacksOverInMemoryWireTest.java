package io.ustack.runtime;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.RingKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.time.VirtualClock;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.runtime.probe.LinkProbeReflector;
import io.ustack.runtime.probe.LinkProbeSender;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Two stacks over the in-memory wire")
class TwoStacksOverInMemoryWireTest
{
    private static final Impairments LOSSY = Impairments.builder().seed(7).lossProbability(0.02)
        .duplicationProbability(0.01).reorderProbability(0.02).corruptionProbability(0.01)
        .delayNs(TimeUnit.MICROSECONDS.toNanos(10)).build();

    static Stream<Arguments> everyModeAndRing()
    {
        final List<Arguments> all = new ArrayList<>();
        for (final ThreadingMode mode : ThreadingMode.values())
        {
            for (final RingKind ring : RingKind.values())
            {
                all.add(Arguments.of(mode, ring));
            }
        }
        return all.stream();
    }

    private static StackConfig config(final String name, final ThreadingMode mode, final RingKind ring)
    {
        return StackConfig.builder().name(name).threadingMode(mode).ringKind(ring)
            .idleStrategy(IdleStrategyKind.YIELDING).build();
    }

    /** Runs a probe exchange to the end and returns the sender; asserts both stacks shut down clean. */
    private static LinkProbeSender exchange(final ThreadingMode mode, final RingKind ring, final Impairments impairments,
        final NanoClock clock, final long frames)
    {
        // On a clean wire nothing may be lost, so never give up on an echo (a loaded machine can be slow); on a
        // lossy one give up after 100 ms, so the run ends (64 probes in flight overlap their waits) but a thread
        // descheduled for tens of milliseconds on a loaded machine does not turn echoes into "losses" (at 20 ms,
        // a run at load 12-14 once counted 17,915 of 20,000).
        final long lossTimeoutNs = impairments.isNone() ? TimeUnit.SECONDS.toNanos(30) :
            TimeUnit.MILLISECONDS.toNanos(100);
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(impairments).build(), clock);
        final LinkProbeSender sender = new LinkProbeSender(wire.config().macB(), frames, 600, 64, lossTimeoutNs);
        final Stack a = Stack.builder(config("a", mode, ring), wire.endpointA()).clock(clock).module(sender).build();
        final Stack b = Stack.builder(config("b", mode, ring), wire.endpointB()).clock(clock)
            .module(new LinkProbeReflector()).build();
        a.start();
        b.start();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!sender.finished() && System.nanoTime() - deadlineNs < 0)
        {
            if (mode == ThreadingMode.INVOKER)
            {
                final long nowNs = clock instanceof VirtualClock ? ((VirtualClock)clock).advanceNs(2_000) :
                    clock.nanoTime();
                a.poll(nowNs);
                b.poll(nowNs);
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        assertTrue(sender.finished(), "probe exchange did not finish: " + sender.echoed() + " of " + frames);
        final ShutdownReport reportA = a.shutdown();
        final ShutdownReport reportB = b.shutdown();
        assertTrue(reportA.clean(), "stack a: " + reportA);
        assertTrue(reportB.clean(), "stack b: " + reportB);
        if (impairments.isNone())
        {
            assertEquals(0, a.counters().totalDrops(), a.counters().describeNonZero());
            assertEquals(0, b.counters().totalDrops(), b.counters().describeNonZero());
        }
        assertEquals(0, a.bufferPool().inUse());
        assertEquals(0, b.bufferPool().inUse());
        // Every frame the FCS check caught was counted by the receiving stack (corrupted payloads never reached
        // the application: the callers check sender.corrupted()). Corrupted frames still on the wire when the
        // sender gave up are never checked, so the wire may have corrupted more than it caught.
        assertEquals(wire.statisticsAToB().droppedBadFcs(), b.counters().drops(DropReason.LINK_BAD_FCS));
        assertEquals(wire.statisticsBToA().droppedBadFcs(), a.counters().drops(DropReason.LINK_BAD_FCS));
        assertTrue(wire.statisticsAToB().droppedBadFcs() <= wire.statisticsAToB().corrupted());
        assertTrue(wire.statisticsBToA().droppedBadFcs() <= wire.statisticsBToA().corrupted());
        return sender;
    }

    @ParameterizedTest(name = "{0} with {1} rings")
    @MethodSource("everyModeAndRing")
    @DisplayName("a clean wire: every probe echoed intact, in every threading mode and ring kind")
    void cleanWireEveryMode(final ThreadingMode mode, final RingKind ring)
    {
        final LinkProbeSender sender = exchange(mode, ring, Impairments.NONE, new SystemNanoClock(), 20_000);
        assertEquals(20_000, sender.echoed());
        assertEquals(0, sender.corrupted());
        assertEquals(0, sender.duplicates());
    }

    @ParameterizedTest(name = "{0} with {1} rings")
    @MethodSource("everyModeAndRing")
    @DisplayName("a lossy, corrupting wire: no corrupted byte reaches the application, nothing leaks")
    void lossyWireEveryMode(final ThreadingMode mode, final RingKind ring)
    {
        final LinkProbeSender sender = exchange(mode, ring, LOSSY, new SystemNanoClock(), 20_000);
        assertEquals(0, sender.corrupted());
        assertTrue(sender.echoed() > 18_000, "most probes survive 2% loss each way: " + sender.echoed());
        assertTrue(sender.echoed() < 20_000, "some are lost: " + sender.echoed());
    }

    @Test
    @DisplayName("INVOKER mode on a virtual clock is deterministic: same seed, same outcome to the frame")
    void invokerOnVirtualClockIsDeterministic()
    {
        final long[] first = outcome(new VirtualClock());
        final long[] second = outcome(new VirtualClock());
        assertEquals(List.of(first[0], first[1], first[2]), List.of(second[0], second[1], second[2]));
    }

    private static long[] outcome(final VirtualClock clock)
    {
        final LinkProbeSender sender = exchange(ThreadingMode.INVOKER, RingKind.AGRONA, LOSSY, clock, 5_000);
        return new long[]{sender.echoed(), sender.duplicates(), sender.meanRttNs()};
    }

    @Test
    @DisplayName("traffic counters agree across the wire: what a sends, b receives, less what the wire dropped")
    void countersAgreeAcrossTheWire()
    {
        final VirtualClock clock = new VirtualClock();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final LinkProbeSender sender = new LinkProbeSender(wire.config().macB(), 1000, 100, 16, 1_000_000);
        final Stack a = Stack.builder(config("a", ThreadingMode.INVOKER, RingKind.AGRONA), wire.endpointA())
            .module(sender).build().start();
        final Stack b = Stack.builder(config("b", ThreadingMode.INVOKER, RingKind.AGRONA), wire.endpointB())
            .module(new LinkProbeReflector()).build().start();
        while (!sender.finished())
        {
            final long nowNs = clock.advanceNs(1000);
            a.poll(nowNs);
            b.poll(nowNs);
        }
        assertEquals(1000, a.counters().get(CounterDescriptor.FRAMES_SENT));
        assertEquals(1000, b.counters().get(CounterDescriptor.FRAMES_RECEIVED));
        assertEquals(a.counters().get(CounterDescriptor.BYTES_SENT), b.counters().get(CounterDescriptor.BYTES_RECEIVED));
        assertEquals(1000, a.counters().get(CounterDescriptor.FRAMES_RECEIVED));
        assertEquals(0, a.counters().totalDrops() + b.counters().totalDrops());
        a.shutdown();
        b.shutdown();
    }
}
