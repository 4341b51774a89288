package io.ustack.udp.dns;

import io.ustack.api.config.StackConfig;
import io.ustack.api.socket.Endpoint;
import io.ustack.api.socket.UdpSocket;
import io.ustack.api.time.VirtualClock;
import io.ustack.udp.UdpHarness;
import io.ustack.udp.dns.DnsMessage.ResourceRecord;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.ustack.udp.UdpHarness.LOCAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resolver against {@link StaticDnsServer}, both on one UDP module whose fake IPv4 layer turns datagrams to our
 * own address around (a thread plays the network agent).
 */
@Timeout(60)
class DnsResolverTest
{
    private static final int DNS_PORT = 53;
    private static final int WWW = 0xC612_0050;
    private static final int WWW2 = 0xC612_0051;

    private UdpHarness h;
    private UdpSocket serverSocket;
    private StaticDnsServer server;
    private Thread serverThread;

    private DnsResolver start(final NanoClock clock, final Duration timeout, final int attempts) throws Exception
    {
        h = new UdpHarness(StackConfig.builder().randomSeed(7).build(), clock);
        h.startLoopback();
        serverSocket = h.module.open();
        serverSocket.bind(LOCAL, DNS_PORT);
        server = new StaticDnsServer(serverSocket)
            .addAddress("www.example.com", WWW, 300)
            .addAddress("www.example.com", WWW2, 600)
            .addAlias("example.com", "www.example.com", 3600)
            .addAlias("cdn.example.com", "edge.example.com", 3600)
            .addAlias("edge.example.com", "www.example.com", 60)
            .addAlias("dangling.example.com", "nowhere.example.com", 60);
        serverThread = new Thread(server, "dns-server");
        serverThread.start();
        return new DnsResolver(h.module, LOCAL, DNS_PORT, clock, timeout, attempts);
    }

    private DnsResolver start() throws Exception
    {
        return start(new SystemNanoClock(), Duration.ofSeconds(5), 2);
    }

    @AfterEach
    void stop() throws Exception
    {
        if (server != null)
        {
            server.stop();
            serverSocket.close();
            serverThread.join(10_000);
        }
        if (h != null)
        {
            h.close();
            assertEquals(0, h.pool.inUse(), "packet buffers leaked: " + h.pool.leakedSlots());
        }
    }

    @Test
    @DisplayName("RFC 1035 §7: an A query is answered with every address of the name")
    void resolvesA() throws Exception
    {
        final DnsResolver resolver = start();
        assertArrayEquals(new int[] {WWW, WWW2}, resolver.resolve("WWW.Example.com."));
        assertEquals(1, server.queriesReceived());
    }

    @Test
    @DisplayName("RFC 1034 §5.3.3: a CNAME chain in the answer is followed to the A records")
    void followsCnameChain() throws Exception
    {
        final DnsResolver resolver = start();
        assertArrayEquals(new int[] {WWW, WWW2}, resolver.resolve("cdn.example.com"));
        assertEquals(1, server.queriesReceived());
    }

    @Test
    @DisplayName("RFC 1034 §5.3.3: an answer ending in a CNAME without A records makes the resolver ask for its end")
    void requeriesEndOfChain() throws Exception
    {
        final DnsResolver resolver = start();
        server.chaseAliases(false);
        assertArrayEquals(new int[] {WWW, WWW2}, resolver.resolve("cdn.example.com"));
        assertEquals(3, server.queriesReceived(), "cdn -> edge, edge -> www, www -> A");
    }

    @Test
    @DisplayName("RFC 1035 §4.1.1: NXDOMAIN is an UnknownHostException, and is not cached")
    void nxdomain() throws Exception
    {
        final DnsResolver resolver = start();
        final UnknownHostException e = assertThrows(UnknownHostException.class,
            () -> resolver.resolve("missing.example.com"));
        assertTrue(e.getMessage().contains("NXDOMAIN"), e.getMessage());
        assertThrows(UnknownHostException.class, () -> resolver.resolve("missing.example.com"));
        assertEquals(2, server.queriesReceived());
    }

    @Test
    @DisplayName("RFC 1034 §5.3.3: an alias whose target does not exist is an UnknownHostException")
    void danglingAlias() throws Exception
    {
        final DnsResolver resolver = start();
        assertThrows(UnknownHostException.class, () -> resolver.resolve("dangling.example.com"));
    }

    @Test
    @DisplayName("RFC 1123 §6.1.3.3: an unanswered query is sent again after the timeout, and the retry succeeds")
    void retriesAfterTimeout() throws Exception
    {
        final DnsResolver resolver = start(new SystemNanoClock(), Duration.ofMillis(200), 3);
        server.dropQueries(1);
        assertArrayEquals(new int[] {WWW, WWW2}, resolver.resolve("www.example.com"));
        assertEquals(2, server.queriesReceived());
    }

    @Test
    @DisplayName("RFC 1123 §6.1.3.3: after every attempt times out, SocketTimeoutException")
    void timesOutAfterAllAttempts() throws Exception
    {
        final DnsResolver resolver = start(new SystemNanoClock(), Duration.ofMillis(50), 3);
        server.dropQueries(100);
        assertThrows(SocketTimeoutException.class, () -> resolver.resolve("www.example.com"));
        assertEquals(3, server.queriesReceived());
    }

    @Test
    @DisplayName("RFC 1035 §7.4: a second lookup within the TTL is answered from the cache")
    void cacheHit() throws Exception
    {
        final DnsResolver resolver = start();
        resolver.resolve("www.example.com");
        assertArrayEquals(new int[] {WWW, WWW2}, resolver.resolve("www.example.com"));
        assertEquals(1, server.queriesReceived());
    }

    @Test
    @DisplayName("RFC 1035 §7.4: a cached answer expires after the smallest TTL of the records used (virtual clock)")
    void cacheExpiresAfterSmallestTtl() throws Exception
    {
        final VirtualClock clock = new VirtualClock(1_000_000_000L);
        final DnsResolver resolver = start(clock, Duration.ofSeconds(5), 1);
        resolver.resolve("cdn.example.com"); // CNAME 3600, CNAME 60, A 300 and 600: kept 60 s
        clock.advanceMs(59_000);
        resolver.resolve("cdn.example.com");
        assertEquals(1, server.queriesReceived());
        clock.advanceMs(1_000);
        resolver.resolve("cdn.example.com");
        assertEquals(2, server.queriesReceived());
    }

    @Test
    @DisplayName("RFC 1035 §3.2.1: a TTL of zero means the answer is used once and not cached")
    void zeroTtlNotCached() throws Exception
    {
        final DnsResolver resolver = start();
        server.addAddress("volatile.example.com", WWW, 0);
        resolver.resolve("volatile.example.com");
        resolver.resolve("volatile.example.com");
        assertEquals(2, server.queriesReceived());
    }

    @Test
    @DisplayName("RFC 5452 §9.1: responses with the wrong id, question or QR bit are ignored until the right one")
    void ignoresMismatchedResponses() throws Exception
    {
        h = new UdpHarness(StackConfig.builder().randomSeed(7).build(), new SystemNanoClock());
        h.startLoopback();
        final DnsResolver resolver = new DnsResolver(h.module, LOCAL, 5300, h.clock, Duration.ofSeconds(5), 1);
        try (UdpSocket spoofer = h.module.open())
        {
            spoofer.bind(LOCAL, 5300);
            final Thread responder = new Thread(() -> respondWithDecoys(spoofer), "decoy-responder");
            responder.start();
            assertArrayEquals(new int[] {WWW}, resolver.resolve("www.example.com"));
            responder.join(10_000);
        }
    }

    private static void respondWithDecoys(final UdpSocket socket)
    {
        try
        {
            final ByteBuffer in = ByteBuffer.allocate(512);
            final Endpoint client = new Endpoint();
            final int length = socket.receive(in, client, Duration.ofSeconds(10));
            final DnsMessage query = DnsMessage.parse(in.array(), 0, length);
            final int id = query.id();
            final List<DnsMessage> replies = List.of(
                reply(id ^ 1, DnsMessage.FLAG_QR, "www.example.com", 0x0A00_0001),
                reply(id, DnsMessage.FLAG_QR, "evil.example.com", 0x0A00_0002),
                reply(id, 0, "www.example.com", 0x0A00_0003),
                reply(id, DnsMessage.FLAG_QR, "www.example.com", WWW));
            socket.sendTo(ByteBuffer.wrap(new byte[] {1, 2, 3}), client.address(), client.port());
            for (final DnsMessage reply : replies)
            {
                socket.sendTo(ByteBuffer.wrap(reply.encode()), client.address(), client.port());
            }
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }

    private static DnsMessage reply(final int id, final int flags, final String name, final int address)
    {
        return new DnsMessage(id, flags, List.of(new DnsMessage.Question(name, DnsMessage.TYPE_A,
            DnsMessage.CLASS_IN)), List.of(ResourceRecord.a(name, 60, address)), List.of(), List.of());
    }

    @Test
    @DisplayName("RFC 1035 §2.3.1: invalid names are an IllegalArgumentException; dotted quads need no query")
    void validatesNames() throws Exception
    {
        final DnsResolver resolver = start();
        for (final String bad : new String[] {"", ".", "a..b", "-a.com", "a-.com", "a b.com", "a".repeat(64) + ".com",
            ("a".repeat(63) + ".").repeat(4) + "com", "ex\u00e4mple.com"})
        {
            assertThrows(IllegalArgumentException.class, () -> resolver.resolve(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> resolver.resolve(null));
        assertArrayEquals(new int[] {0xC612_0002}, resolver.resolve("198.18.0.2"));
        assertEquals(0, server.queriesReceived());
    }

    @Test
    @DisplayName("concurrent lookups from several threads each get their own answer")
    void concurrentResolves() throws Exception
    {
        final DnsResolver resolver = start();
        for (int i = 0; i < 20; i++)
        {
            server.addAddress("host" + i + ".example.com", 0x0A00_0000 + i, 0);
        }
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try
        {
            final List<Future<int[]>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                final String name = "host" + i + ".example.com";
                results.add(pool.submit(() -> resolver.resolve(name)));
            }
            for (int i = 0; i < 20; i++)
            {
                assertArrayEquals(new int[] {0x0A00_0000 + i}, results.get(i).get());
            }
        }
        finally
        {
            pool.shutdown();
        }
    }
}
