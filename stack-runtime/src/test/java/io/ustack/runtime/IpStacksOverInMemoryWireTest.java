package io.ustack.runtime;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.Endpoint;
import io.ustack.api.socket.PingReply;
import io.ustack.api.socket.UdpSocket;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.udp.dns.DnsResolver;
import io.ustack.udp.dns.StaticDnsServer;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 3's end-to-end checks: two stacks with addresses, joined by the in-memory wire, in SHARED mode. */
@DisplayName("IP, ICMP, UDP and DNS between two stacks over the in-memory wire")
class IpStacksOverInMemoryWireTest
{
    private static final int A = Ipv4Address.parse("198.18.0.1");
    private static final int B = Ipv4Address.parse("198.18.0.2");
    private static final Duration WAIT = Duration.ofSeconds(5);

    private Stack a;
    private Stack b;

    private void start(final Impairments impairments)
    {
        final SystemNanoClock clock = new SystemNanoClock();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(impairments).build(), clock);
        final StackConfig.Builder config = StackConfig.builder().threadingMode(ThreadingMode.SHARED)
            .idleStrategy(IdleStrategyKind.YIELDING).arpRetryIntervalMs(100).reassemblyTimeoutMs(300)
            .randomSeed(7);
        a = Stack.builder(config.name("a").build()).iface(wire.endpointA(), "198.18.0.1/24").clock(clock).build()
            .start();
        b = Stack.builder(config.name("b").build()).iface(wire.endpointB(), "198.18.0.2/24").clock(clock).build()
            .start();
    }

    @AfterEach
    void shutDownClean()
    {
        for (final Stack stack : new Stack[]{a, b})
        {
            if (stack != null)
            {
                final ShutdownReport report = stack.shutdown();
                assertEquals(0, report.buffersStillHeld(), stack.config().name() + ": " + report);
                assertEquals(0, report.agentErrors(), stack.config().name() + ": " + stack.firstAgentError());
            }
        }
    }

    @Test
    @DisplayName("RFC 826 + RFC 792: the first ping resolves b's MAC by ARP, then echoes of every size 0..8000 come back")
    void pingEverySize()
    {
        start(Impairments.NONE);
        for (int size = 0; size <= 8000; size++)
        {
            final PingReply reply = a.pinger().ping(B, size, WAIT);
            assertEquals(PingReply.Outcome.REPLY, reply.outcome(), "size " + size);
            assertEquals(size, reply.replyBytes());
        }
        assertTrue(a.counters().get(CounterDescriptor.ARP_REQUESTS_SENT) >= 1);
        assertTrue(b.counters().get(CounterDescriptor.ARP_REPLIES_SENT) >= 1);
        assertEquals(8001, b.counters().get(CounterDescriptor.ICMP_ECHO_REPLIES_SENT));
        assertTrue(b.counters().get(CounterDescriptor.IPV4_REASSEMBLED) > 0, "large echoes came in fragments");
        // The only refusals allowed: a stack's gratuitous ARP at start (RFC 5227) names an address not the other's,
        // unless it arrives while the other is already asking for that address, which it then answers.
        final long arpIgnored = a.counters().drops(DropReason.ARP_NOT_FOR_US) +
            b.counters().drops(DropReason.ARP_NOT_FOR_US);
        assertTrue(arpIgnored <= 2, "gratuitous ARPs: " + arpIgnored);
        assertEquals(arpIgnored, a.counters().totalDrops() + b.counters().totalDrops(),
            a.counters().describeNonZero() + b.counters().describeNonZero());
    }

    @Test
    @DisplayName("RFC 768: a datagram goes a -> b and the reply b -> a, with addresses and ports intact")
    void udpRoundTrip() throws Exception
    {
        start(Impairments.NONE);
        try (UdpSocket server = b.udp().open(); UdpSocket client = a.udp().open())
        {
            server.bind(0, 7000);
            assertTrue(client.sendTo(ByteBuffer.wrap("hello".getBytes()), B, 7000));
            final ByteBuffer into = ByteBuffer.allocate(100);
            final Endpoint from = new Endpoint();
            assertEquals(5, server.receive(into, from, WAIT));
            assertEquals(A, from.address());
            assertEquals(client.localPort(), from.port());
            assertTrue(server.sendTo(ByteBuffer.wrap("world".getBytes()), from.address(), from.port()));
            into.clear();
            assertEquals(5, client.receive(into, from, WAIT));
            assertEquals("world", new String(into.array(), 0, 5));
            assertEquals(B, from.address());
            assertEquals(7000, from.port());
        }
    }

    @Test
    @DisplayName("RFC 791 §3.2: large datagrams fragment and reassemble byte-exact even when the wire duplicates and reorders")
    void fragmentationUnderDuplicationAndReordering() throws Exception
    {
        start(Impairments.builder().seed(3).duplicationProbability(0.3).reorderProbability(0.3).build());
        final SplittableRandom random = new SplittableRandom(11);
        final java.util.Set<String> sent = new java.util.HashSet<>();
        int duplicatesDelivered = 0;
        try (UdpSocket server = b.udp().open(); UdpSocket client = a.udp().open())
        {
            server.bind(0, 7001);
            final ByteBuffer into = ByteBuffer.allocate(65_536);
            for (int i = 0; i < 200; i++)
            {
                final byte[] payload = new byte[1 + random.nextInt(20_000)];
                random.nextBytes(payload);
                sent.add(Arrays.toString(payload));
                while (!client.sendTo(ByteBuffer.wrap(payload), B, 7001))
                {
                    Thread.onSpinWait();
                }
                // UDP does not remove duplicates (RFC 768): a datagram the wire copied whole may arrive twice.
                // Anything received must be byte-exact one of those sent, and this one must arrive.
                while (true)
                {
                    into.clear();
                    final int length;
                    try
                    {
                        length = server.receive(into, null, WAIT);
                    }
                    catch (final java.net.SocketTimeoutException e)
                    {
                        throw new AssertionError("datagram " + i + " of " + payload.length + " bytes lost:\n" +
                            a.counters().describeNonZero() + b.counters().describeNonZero(), e);
                    }
                    final byte[] got = Arrays.copyOf(into.array(), length);
                    if (Arrays.equals(payload, got))
                    {
                        break;
                    }
                    assertTrue(sent.contains(Arrays.toString(got)), "datagram " + i + ": received bytes never sent");
                    duplicatesDelivered++;
                }
            }
        }
        assertTrue(b.counters().drops(DropReason.IPV4_FRAGMENT_DUPLICATE) > 0, "the wire duplicated fragments");
        assertTrue(duplicatesDelivered < 100, "duplicates are the wire's, not ours: " + duplicatesDelivered);
    }

    @Test
    @DisplayName("RFC 1122 §3.3.2: with fragments lost, incomplete datagrams are never delivered and time out freeing memory")
    void lostFragmentsTimeOut() throws Exception
    {
        start(Impairments.builder().seed(5).lossProbability(0.05).build());
        final SplittableRandom random = new SplittableRandom(13);
        int delivered = 0;
        try (UdpSocket server = b.udp().open(); UdpSocket client = a.udp().open())
        {
            server.bind(0, 7002);
            final ByteBuffer into = ByteBuffer.allocate(65_536);
            // On a loaded machine a datagram may arrive after its 200 ms wait, during the next one: whole is what
            // matters, so a delivery must equal one of the datagrams sent so far.
            final java.util.Set<String> sent = new java.util.HashSet<>();
            for (int i = 0; i < 100; i++)
            {
                final byte[] payload = new byte[12_000];
                random.nextBytes(payload);
                sent.add(Arrays.toString(payload));
                client.sendTo(ByteBuffer.wrap(payload), B, 7002);
                into.clear();
                try
                {
                    final int length = server.receive(into, null, Duration.ofMillis(200));
                    assertEquals(payload.length, length);
                    assertTrue(sent.contains(Arrays.toString(Arrays.copyOf(into.array(), length))),
                        "a delivered datagram is whole, one that was sent");
                    delivered++;
                }
                catch (final java.net.SocketTimeoutException lost)
                {
                    // some fragment was lost: nothing may be delivered for it
                }
            }
        }
        Thread.sleep(600); // past the 300 ms reassembly timeout
        assertTrue(delivered > 0 && delivered < 100, "some whole, some lost: " + delivered);
        assertTrue(b.counters().drops(DropReason.IPV4_REASSEMBLY_TIMEOUT) > 0, b.counters().describeNonZero());
    }

    @Test
    @DisplayName("no route: sending to an address off every subnet fails at once with NoRouteToHostException")
    void noRoute() throws Exception
    {
        start(Impairments.NONE);
        try (UdpSocket client = a.udp().open())
        {
            assertThrows(NoRouteToHostException.class,
                () -> client.sendTo(ByteBuffer.wrap(new byte[1]), Ipv4Address.parse("203.0.113.9"), 53));
        }
        assertEquals(PingReply.Outcome.NO_ROUTE, a.pinger().ping(Ipv4Address.parse("203.0.113.9"), 8, WAIT).outcome());
    }

    @Test
    @DisplayName("RFC 1122 §4.1.3.3: a datagram to a closed port draws port unreachable, surfacing on the connected socket")
    void portUnreachable() throws Exception
    {
        start(Impairments.NONE);
        try (UdpSocket client = a.udp().open())
        {
            client.connect(B, 9999);
            client.send(ByteBuffer.wrap(new byte[4]));
            assertThrows(PortUnreachableException.class,
                () -> client.receive(ByteBuffer.allocate(16), null, WAIT));
        }
        assertEquals(1, b.counters().drops(DropReason.UDP_NO_SOCKET));
        assertEquals(1, b.counters().get(CounterDescriptor.ICMP_ERRORS_SENT));
    }

    @Test
    @DisplayName("RFC 826: a neighbour that never answers ARP makes the ping unreachable after the retries")
    void arpFailureIsUnreachable()
    {
        start(Impairments.NONE);
        final PingReply reply = a.pinger().ping(Ipv4Address.parse("198.18.0.77"), 8, WAIT);
        assertEquals(PingReply.Outcome.UNREACHABLE, reply.outcome());
        assertEquals(1, a.counters().drops(DropReason.ARP_RESOLUTION_FAILED));
    }

    @Test
    @DisplayName("RFC 1035: the stub resolver asks a server on the other stack, follows a CNAME, and caches the answer")
    void resolverAgainstServerOnOtherStack() throws Exception
    {
        start(Impairments.NONE);
        try (UdpSocket serverSocket = b.udp().open())
        {
            serverSocket.bind(0, 53);
            final StaticDnsServer server = new StaticDnsServer(serverSocket)
                .addAddress("host.ustack.test", Ipv4Address.parse("198.18.0.99"), 60)
                .addAlias("www.ustack.test", "host.ustack.test", 60);
            final Thread serving = new Thread(server, "dns-server");
            serving.start();
            try
            {
                final DnsResolver resolver = a.resolver(B);
                assertArrayEquals(new int[]{Ipv4Address.parse("198.18.0.99")}, resolver.resolve("www.ustack.test"));
                final long queries = server.queriesReceived();
                assertArrayEquals(new int[]{Ipv4Address.parse("198.18.0.99")}, resolver.resolve("www.ustack.test"));
                assertEquals(queries, server.queriesReceived(), "second answer came from the cache");
                assertThrows(UnknownHostException.class, () -> resolver.resolve("nothing.ustack.test"));
            }
            finally
            {
                server.stop();
                serving.join(5_000);
            }
        }
    }
}
