package io.ustack.sim;

import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.time.VirtualClock;
import io.ustack.link.decorator.PcapWriter;
import io.ustack.link.decorator.PcapWriterEndpoint;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.runtime.Stack;
import io.ustack.runtime.probe.LinkProbeReflector;
import io.ustack.runtime.probe.LinkProbeSender;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Lockstep simulation")
class LockstepSimulationTest
{
    private static final Impairments IMPAIRED = Impairments.builder().seed(42).lossProbability(0.03)
        .duplicationProbability(0.02).reorderProbability(0.05).corruptionProbability(0.02).delayNs(50_000)
        .rateBitsPerSecond(100_000_000L).build();

    @Test
    @DisplayName("the same seeds give a byte-identical packet trace, timestamps included")
    void sameSeedSameTrace(@TempDir final Path dir) throws IOException
    {
        final byte[] first = trace(dir.resolve("first.pcap"), IMPAIRED);
        final byte[] second = trace(dir.resolve("second.pcap"), IMPAIRED);
        assertTrue(first.length > 100_000, "trace too small to mean anything: " + first.length);
        assertArrayEquals(first, second);
    }

    @Test
    @DisplayName("another wire seed gives another trace")
    void otherSeedOtherTrace(@TempDir final Path dir) throws IOException
    {
        final byte[] first = trace(dir.resolve("first.pcap"), IMPAIRED);
        final byte[] other = trace(dir.resolve("other.pcap"), IMPAIRED.toBuilder().seed(43).build());
        assertFalse(java.util.Arrays.equals(first, other));
    }

    @Test
    @DisplayName("only INVOKER stacks can be simulated, and the tick must be positive")
    void refusesThreadedStacks()
    {
        final VirtualClock clock = new VirtualClock();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final Stack shared = Stack.builder(StackConfig.builder().threadingMode(ThreadingMode.SHARED).build(),
            wire.endpointA()).build();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new LockstepSimulation(clock, 1000).add(shared));
        assertTrue(e.getMessage().contains("INVOKER"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LockstepSimulation(clock, 0));
    }

    private static byte[] trace(final Path file, final Impairments impairments) throws IOException
    {
        final VirtualClock clock = new VirtualClock();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(impairments).build(), clock);
        final PcapWriter pcap = new PcapWriter(file, PcapWriter.epochClock(clock, 1_700_000_000_000_000_000L));
        final StackConfig.Builder config = StackConfig.builder().threadingMode(ThreadingMode.INVOKER);
        final LinkProbeSender sender = new LinkProbeSender(wire.config().macB(), 2_000, 300, 32, 5_000_000);
        final Stack a = Stack.builder(config.name("a").build(), new PcapWriterEndpoint(wire.endpointA(), pcap))
            .clock(clock).module(sender).build();
        final Stack b = Stack.builder(config.name("b").build(), wire.endpointB()).clock(clock)
            .module(new LinkProbeReflector()).build();
        final LockstepSimulation simulation = new LockstepSimulation(clock, 10_000).add(a).add(b);
        assertTrue(simulation.runUntil(sender::finished, 60_000_000_000L), "probe exchange did not finish");
        a.shutdown();
        b.shutdown();
        pcap.close();
        return Files.readAllBytes(file);
    }
}
