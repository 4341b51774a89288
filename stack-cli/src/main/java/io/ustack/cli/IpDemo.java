package io.ustack.cli;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.Endpoint;
import io.ustack.api.socket.PingReply;
import io.ustack.api.socket.UdpSocket;
import io.ustack.runtime.Stack;
import io.ustack.udp.dns.StaticDnsServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The IP part of {@code ustack demo}: ARP and ping at several sizes, a UDP stream whose every datagram is checked,
 * and a DNS lookup answered by a server on the other stack. Needs stacks with their own threads.
 */
final class IpDemo
{
    static final String ADDRESS_A = "198.18.0.1";
    static final String ADDRESS_B = "198.18.0.2";
    private static final int[] PING_SIZES = {0, 56, 1472, 1473, 4000, 8000};
    private static final Duration WAIT = Duration.ofSeconds(2);

    private final PrintStream out;
    private final Stack a;
    private final Stack b;
    private final int b32 = Ipv4Address.parse(ADDRESS_B);

    IpDemo(final PrintStream out, final Stack a, final Stack b)
    {
        this.out = out;
        this.a = a;
        this.b = b;
    }

    /** Runs every part; returns false if something that must not fail did (a corrupted datagram). */
    boolean run(final int udpDatagrams, final int udpBytes) throws IOException, InterruptedException
    {
        ping();
        final boolean intact = udp(udpDatagrams, udpBytes);
        dns();
        return intact;
    }

    private void ping()
    {
        out.printf("%nping %s from %s (the first one resolves the MAC by ARP):%n", ADDRESS_B, ADDRESS_A);
        for (final int size : PING_SIZES)
        {
            final PingReply reply = a.pinger().ping(b32, size, WAIT);
            out.printf("  %5d bytes: %-11s %s%n", size, reply.outcome(),
                reply.outcome() == PingReply.Outcome.REPLY ? String.format("%.1f us, ttl %d%s", reply.rttNs() / 1e3,
                reply.ttl(), size > 1472 ? ", fragmented" : "") : "");
        }
    }

    private boolean udp(final int count, final int size) throws IOException, InterruptedException
    {
        out.printf("%nUDP: %,d datagrams of %,d bytes %s -> %s:7 (each checked byte for byte)%n", count, size,
            ADDRESS_A, ADDRESS_B);
        final AtomicLongArray received = new AtomicLongArray(2);
        try (UdpSocket server = b.udp().open(); UdpSocket client = a.udp().open())
        {
            server.bind(0, 7);
            final Thread receiver = new Thread(() -> receive(server, count, size, received), "demo-udp-receiver");
            receiver.start();
            final byte[] payload = new byte[size];
            for (int seq = 0; seq < count; seq++)
            {
                fill(payload, seq);
                while (!client.sendTo(ByteBuffer.wrap(payload), b32, 7))
                {
                    Thread.onSpinWait();
                }
                paceTo(received, seq + 1);
            }
            receiver.join();
        }
        final long intact = received.get(0);
        final long corrupted = received.get(1);
        out.printf("  %,d arrived intact, %,d lost (UDP does not retransmit), %,d corrupted%n", intact,
            count - intact - corrupted, corrupted);
        return corrupted == 0;
    }

    /**
     * UDP has no flow control: keep at most a window of datagrams ahead of the receiver, giving up on the wait after
     * a while (a lost datagram never arrives).
     */
    private static void paceTo(final AtomicLongArray received, final int sent)
        throws InterruptedException
    {
        for (int waits = 0; waits < 20 && sent - received.get(0) - received.get(1) > 32; waits++)
        {
            Thread.sleep(0, 100_000);
        }
    }

    private static void receive(final UdpSocket server, final int count, final int size,
        final AtomicLongArray received)
    {
        final ByteBuffer into = ByteBuffer.allocate(size + 1);
        final Endpoint from = new Endpoint();
        final byte[] expected = new byte[size];
        try
        {
            while (received.get(0) + received.get(1) < count)
            {
                into.clear();
                final int length = server.receive(into, from, Duration.ofMillis(500));
                final int seq = length >= 4 ? into.getInt(0) : -1;
                fill(expected, seq);
                final boolean intact = length == size && Arrays.equals(expected, 0, size, into.array(), 0, size);
                received.incrementAndGet(intact ? 0 : 1);
            }
        }
        catch (final SocketTimeoutException quiet)
        {
            // the rest were lost
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("UDP receive failed: " + e.getMessage(), e);
        }
    }

    /** The datagram for {@code seq}: its number, then bytes derived from it. */
    private static void fill(final byte[] payload, final int seq)
    {
        new SplittableRandom(seq).nextBytes(payload);
        ByteBuffer.wrap(payload).putInt(0, seq);
    }

    private void dns() throws IOException, InterruptedException
    {
        out.printf("%nDNS: a server on %s:53 knows www.demo.ustack -> demo.ustack -> 198.18.0.42%n", ADDRESS_B);
        try (UdpSocket serverSocket = b.udp().open())
        {
            serverSocket.bind(0, 53);
            final StaticDnsServer server = new StaticDnsServer(serverSocket)
                .addAddress("demo.ustack", Ipv4Address.parse("198.18.0.42"), 60)
                .addAlias("www.demo.ustack", "demo.ustack", 60);
            final Thread serving = new Thread(server, "demo-dns");
            serving.start();
            try
            {
                final int[] addresses = a.resolver(b32).resolve("www.demo.ustack");
                out.printf("  www.demo.ustack resolved to %s%n", Ipv4Address.toString(addresses[0]));
            }
            catch (final IOException e)
            {
                out.printf("  lookup failed: %s (the wire may have lost every attempt)%n", e);
            }
            finally
            {
                server.stop();
                serving.join();
            }
        }
    }
}
