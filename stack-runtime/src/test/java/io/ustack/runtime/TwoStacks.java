package io.ustack.runtime;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.net.Ipv4Address;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.tcp.TcpSettings;
import org.agrona.concurrent.SystemNanoClock;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two threaded stacks, 198.18.0.1 ({@link #a}) and 198.18.0.2 ({@link #b}), on a clean in-memory wire. */
final class TwoStacks implements AutoCloseable
{
    static final int A = Ipv4Address.parse("198.18.0.1");
    static final int B = Ipv4Address.parse("198.18.0.2");

    final Stack a;
    final Stack b;

    TwoStacks(final ThreadingMode mode, final TcpSettings tcp)
    {
        final SystemNanoClock clock = new SystemNanoClock();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(Impairments.NONE).build(), clock);
        final StackConfig.Builder config = StackConfig.builder().threadingMode(mode)
            .idleStrategy(IdleStrategyKind.YIELDING).arpRetryIntervalMs(100).randomSeed(7);
        a = Stack.builder(config.name("a").build()).iface(wire.endpointA(), "198.18.0.1/24").clock(clock).tcp(tcp)
            .build().start();
        b = Stack.builder(config.name("b").build()).iface(wire.endpointB(), "198.18.0.2/24").clock(clock).tcp(tcp)
            .build().start();
    }

    /** Shuts both down and checks that neither leaked a buffer nor hit an agent error. */
    @Override
    public void close()
    {
        for (final Stack stack : new Stack[]{a, b})
        {
            final ShutdownReport report = stack.shutdown();
            assertEquals(0, report.buffersStillHeld(), stack.config().name() + ": " + report);
            assertEquals(0, report.agentErrors(), stack.config().name() + ": " + stack.firstAgentError());
        }
    }
}
