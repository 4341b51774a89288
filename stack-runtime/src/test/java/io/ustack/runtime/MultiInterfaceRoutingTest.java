package io.ustack.runtime;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.counter.DropReason;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.PingReply;
import io.ustack.api.socket.UdpSocket;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.api.net.MacAddress;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stack {@code m} on two links: 198.18.1.0/24 shared with {@code a}, 198.18.2.0/24 shared with {@code b}.
 * {@code a} reaches 198.18.2.0/24 through a static route via m. Stacks do not forward, so that route shows up as
 * frames addressed to m's MAC that m refuses as not for it.
 */
@DisplayName("Several interfaces and static routes")
class MultiInterfaceRoutingTest
{
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final SystemNanoClock clock = new SystemNanoClock();
    private Stack m;
    private Stack a;
    private Stack b;

    private StackConfig config(final String name)
    {
        return StackConfig.builder().name(name).threadingMode(ThreadingMode.SHARED)
            .idleStrategy(IdleStrategyKind.YIELDING).arpRetryIntervalMs(100).randomSeed(1).build();
    }

    private void start()
    {
        final InMemoryWire left = new InMemoryWire(WireConfig.builder()
            .macA(MacAddress.parse("02:00:00:00:01:01")).macB(MacAddress.parse("02:00:00:00:01:02")).build(), clock);
        final InMemoryWire right = new InMemoryWire(WireConfig.builder()
            .macA(MacAddress.parse("02:00:00:00:02:01")).macB(MacAddress.parse("02:00:00:00:02:02")).build(), clock);
        m = Stack.builder(config("m")).iface(left.endpointA(), "198.18.1.1/24").iface(right.endpointA(), "198.18.2.1/24")
            .clock(clock).build().start();
        a = Stack.builder(config("a")).iface(left.endpointB(), "198.18.1.2/24").route("198.18.2.0/24", "198.18.1.1")
            .clock(clock).build().start();
        b = Stack.builder(config("b")).iface(right.endpointB(), "198.18.2.2/24").clock(clock).build().start();
    }

    @AfterEach
    void stop()
    {
        for (final Stack stack : new Stack[]{m, a, b})
        {
            if (stack != null)
            {
                assertEquals(0, stack.shutdown().buffersStillHeld());
            }
        }
    }

    @Test
    @DisplayName("a stack on two links reaches a neighbour on each through the right interface")
    void reachesBothLinks()
    {
        start();
        assertEquals(PingReply.Outcome.REPLY, m.pinger().ping(Ipv4Address.parse("198.18.1.2"), 100, WAIT).outcome());
        assertEquals(PingReply.Outcome.REPLY, m.pinger().ping(Ipv4Address.parse("198.18.2.2"), 100, WAIT).outcome());
        assertEquals(2, m.interfaces().count());
    }

    @Test
    @DisplayName("RFC 1122 §3.3.1.2: a static route sends via the gateway's MAC; the gateway, not a router, refuses it")
    void staticRouteUsesGateway() throws Exception
    {
        start();
        try (UdpSocket socket = a.udp().open())
        {
            assertTrue(socket.sendTo(ByteBuffer.wrap(new byte[]{1, 2, 3}), Ipv4Address.parse("198.18.2.2"), 9));
        }
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (m.counters().drops(DropReason.IPV4_NOT_FOR_US) == 0 && System.nanoTime() - deadline < 0)
        {
            Thread.onSpinWait();
        }
        assertEquals(1, m.counters().drops(DropReason.IPV4_NOT_FOR_US), "the datagram reached m, the gateway");
        assertEquals(0, b.counters().totalDrops() - b.counters().drops(DropReason.ARP_NOT_FOR_US),
            "b saw nothing of it");
    }

    @Test
    @DisplayName("a route whose gateway is on no attached subnet is refused with what to fix")
    void gatewayOffLinkRefused()
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Stack.builder(config("x")).iface(wire.endpointA(), "198.18.1.2/24")
                .defaultGateway("198.18.9.1").build());
        assertTrue(e.getMessage().contains("198.18.9.1"), e.getMessage());
    }
}
