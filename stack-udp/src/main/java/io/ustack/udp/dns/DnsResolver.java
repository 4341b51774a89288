package io.ustack.udp.dns;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.Endpoint;
import io.ustack.api.socket.UdpSocket;
import io.ustack.api.socket.UdpSockets;
import io.ustack.udp.dns.DnsMessage.Question;
import io.ustack.udp.dns.DnsMessage.ResourceRecord;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stub resolver (RFC 1035 §7, RFC 1123 §6.1.3.1): asks one recursive server for A records over the stack's own
 * UDP, follows CNAME chains, retries on timeout, and caches positive answers for the smallest TTL of the records
 * used (at most a day). Negative answers (NXDOMAIN, no A record) are not cached.
 *
 * <p>Each call opens its own socket on a fresh random ephemeral port and picks a random 16-bit query id, and only a
 * response from the server, with that id, the QR bit and the same question, is accepted; anything else is ignored
 * while the attempt's time lasts (RFC 5452 §9.1). Concurrent calls from several threads are independent.
 */
public final class DnsResolver
{
    /** Most CNAME records followed for one name (across re-queries). */
    public static final int MAX_CNAME_HOPS = 8;
    /** Names the cache holds. */
    public static final int CACHE_ENTRIES = 256;
    /** Longest time an answer is cached, whatever its TTL. */
    public static final long MAX_CACHE_SECONDS = 86_400;
    /** Receive buffer: responses are 512 bytes at most without EDNS (RFC 1035 §2.3.4); larger is tolerated. */
    private static final int RECEIVE_BUFFER = 4096;

    private final UdpSockets sockets;
    private final int serverAddress;
    private final int serverPort;
    private final NanoClock clock;
    private final Duration timeout;
    private final long timeoutNs;
    private final int attempts;
    private final SecureRandom random = new SecureRandom();
    private final DnsCache cache = new DnsCache(CACHE_ENTRIES);

    /**
     * @param sockets       where query sockets come from
     * @param serverAddress the recursive server's address
     * @param serverPort    its port (53)
     * @param clock         the stack's time: timeouts and TTLs are measured on it
     * @param timeout       how long each attempt waits for an answer
     * @param attempts      how many times a query is sent before giving up (at least 1)
     */
    public DnsResolver(final UdpSockets sockets, final int serverAddress, final int serverPort, final NanoClock clock,
        final Duration timeout, final int attempts)
    {
        this.sockets = Objects.requireNonNull(sockets, "sockets");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (serverAddress == 0 || serverPort < 1 || serverPort > 0xFFFF)
        {
            throw new IllegalArgumentException("DNS server " + Ipv4Address.toString(serverAddress) + ":" +
                serverPort + ": use a non-zero address and a port 1..65535");
        }
        if (timeout.isNegative() || timeout.isZero() || attempts < 1)
        {
            throw new IllegalArgumentException("timeout " + timeout + " and attempts " + attempts +
                ": use a positive timeout and at least one attempt");
        }
        this.serverAddress = serverAddress;
        this.serverPort = serverPort;
        this.timeoutNs = timeout.toNanos();
        this.attempts = attempts;
    }

    /**
     * The IPv4 addresses of {@code name}. A dotted-quad literal is returned as it is.
     *
     * @throws IllegalArgumentException    when {@code name} is not a valid host name
     * @throws UnknownHostException        when the name does not exist (NXDOMAIN), has no A record, or the server
     *                                     refuses or fails
     * @throws SocketTimeoutException      when no answer came after every attempt
     * @throws IOException                 on a socket error (e.g. ICMP port unreachable from the server)
     */
    public int[] resolve(final String name) throws IOException
    {
        final long literal = DnsNames.parseIpv4Literal(name == null ? "" : name);
        if (literal >= 0)
        {
            return new int[] {(int)literal};
        }
        final String canonical = DnsNames.canonical(name);
        final int[] cached = cache.get(canonical, clock.nanoTime());
        if (cached != null)
        {
            return cached;
        }
        try (UdpSocket socket = sockets.open())
        {
            socket.connect(serverAddress, serverPort);
            String current = canonical;
            long ttlSeconds = MAX_CACHE_SECONDS;
            int hops = 0;
            while (true)
            {
                final DnsMessage response = exchange(socket, current);
                if (response.rcode() == DnsMessage.RCODE_NAME_ERROR)
                {
                    throw new UnknownHostException(name + ": no such name (NXDOMAIN" +
                        (current.equals(canonical) ? ")" : " for its alias " + current + ")"));
                }
                if (response.rcode() != DnsMessage.RCODE_NO_ERROR)
                {
                    throw new UnknownHostException(name + ": the DNS server answered RCODE " + response.rcode());
                }
                // RFC 1034 §5.3.3 step 3: follow the CNAME chain the answer section holds.
                String target = current;
                ResourceRecord alias;
                while ((alias = find(response, target, DnsMessage.TYPE_CNAME)) != null)
                {
                    if (++hops > MAX_CNAME_HOPS)
                    {
                        throw new UnknownHostException(name + ": CNAME chain longer than " + MAX_CNAME_HOPS);
                    }
                    ttlSeconds = Math.min(ttlSeconds, alias.ttlSeconds());
                    target = alias.target();
                }
                final int[] addresses = addresses(response, target);
                if (addresses.length > 0)
                {
                    for (final ResourceRecord r : response.answers())
                    {
                        if (r.type() == DnsMessage.TYPE_A && r.name().equals(target))
                        {
                            ttlSeconds = Math.min(ttlSeconds, r.ttlSeconds());
                        }
                    }
                    cache.put(canonical, addresses, ttlSeconds, clock.nanoTime());
                    return addresses;
                }
                if (target.equals(current))
                {
                    throw new UnknownHostException(name + ": no A record" +
                        (current.equals(canonical) ? "" : " for its alias " + current));
                }
                // The chain ended without A records (e.g. an alias outside the server's zone): ask for its end.
                current = target;
            }
        }
    }

    /** Names cached now (for tests and reports). */
    int cachedNames()
    {
        return cache.size();
    }

    private DnsMessage exchange(final UdpSocket socket, final String name) throws IOException
    {
        final int id = random.nextInt(0x1_0000);
        final ByteBuffer query = ByteBuffer.wrap(DnsMessage.query(id, name, DnsMessage.TYPE_A).encode());
        final ByteBuffer in = ByteBuffer.allocate(RECEIVE_BUFFER);
        final Endpoint source = new Endpoint();
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            final long startNs = clock.nanoTime();
            query.rewind();
            while (!socket.send(query))
            {
                if (clock.nanoTime() - startNs - timeoutNs >= 0)
                {
                    break;
                }
                Thread.yield();
            }
            while (true)
            {
                final long remainingNs = timeoutNs - (clock.nanoTime() - startNs);
                if (remainingNs <= 0)
                {
                    break;
                }
                in.clear();
                final int length;
                try
                {
                    length = socket.receive(in, source, Duration.ofNanos(remainingNs));
                }
                catch (final SocketTimeoutException e)
                {
                    break;
                }
                if (length > in.capacity() || source.address() != serverAddress || source.port() != serverPort)
                {
                    continue;
                }
                final DnsMessage response;
                try
                {
                    response = DnsMessage.parse(in.array(), 0, length);
                }
                catch (final DnsFormatException malformed)
                {
                    continue;
                }
                if (answers(response, id, name))
                {
                    return response;
                }
            }
        }
        throw new SocketTimeoutException("no answer from DNS server " + Ipv4Address.toString(serverAddress) + ":" +
            serverPort + " for " + name + " after " + attempts + " attempt(s) of " + timeout);
    }

    /** RFC 5452 §9.1: the id, the QR bit and the question must all match ours. */
    private static boolean answers(final DnsMessage response, final int id, final String name)
    {
        if (!response.isResponse() || response.id() != id || response.opcode() != 0 ||
            response.questions().size() != 1)
        {
            return false;
        }
        final Question q = response.questions().get(0);
        return q.name().equals(name) && q.type() == DnsMessage.TYPE_A && q.klass() == DnsMessage.CLASS_IN;
    }

    private static ResourceRecord find(final DnsMessage response, final String owner, final int type)
    {
        for (final ResourceRecord r : response.answers())
        {
            if (r.type() == type && r.klass() == DnsMessage.CLASS_IN && r.name().equals(owner))
            {
                return r;
            }
        }
        return null;
    }

    private static int[] addresses(final DnsMessage response, final String owner)
    {
        int[] out = new int[4];
        int count = 0;
        for (final ResourceRecord r : response.answers())
        {
            if (r.type() == DnsMessage.TYPE_A && r.name().equals(owner))
            {
                if (count == out.length)
                {
                    out = Arrays.copyOf(out, count * 2);
                }
                out[count++] = r.address();
            }
        }
        return Arrays.copyOf(out, count);
    }
}
