package io.ustack.udp.dns;

import io.ustack.api.socket.Endpoint;
import io.ustack.api.socket.UdpSocket;
import io.ustack.udp.dns.DnsMessage.Question;
import io.ustack.udp.dns.DnsMessage.ResourceRecord;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small authoritative DNS responder (RFC 1035 §4.3.2 for the one zone it knows): answers A queries from a map of
 * names to addresses and of aliases (CNAME), NXDOMAIN for any other name. For tests and {@code ustack serve}.
 *
 * <p>Serve one query at a time with {@link #serveOnce}, or run {@link #run} on a thread until {@link #stop}.
 * Names may be added while it runs.
 */
public final class StaticDnsServer implements Runnable
{
    /** TTL of records added without one. */
    public static final long DEFAULT_TTL_SECONDS = 300;
    private static final Duration POLL = Duration.ofMillis(50);

    private final UdpSocket socket;
    private final Map<String, List<ResourceRecord>> addresses = new ConcurrentHashMap<>();
    private final Map<String, ResourceRecord> aliases = new ConcurrentHashMap<>();
    private final ByteBuffer in = ByteBuffer.allocate(DnsMessage.MAX_UDP_MESSAGE * 8);
    private final Endpoint client = new Endpoint();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicInteger toDrop = new AtomicInteger();
    private volatile boolean chaseAliases = true;
    private volatile boolean stopped;

    /** @param socket a bound socket (port 53, or any for tests); the server closes it when {@link #run} ends */
    public StaticDnsServer(final UdpSocket socket)
    {
        this.socket = socket;
    }

    /** Adds an A record for {@code name}. */
    public StaticDnsServer addAddress(final String name, final int address)
    {
        return addAddress(name, address, DEFAULT_TTL_SECONDS);
    }

    /** Adds an A record for {@code name} with a TTL. */
    public StaticDnsServer addAddress(final String name, final int address, final long ttlSeconds)
    {
        final String owner = DnsNames.canonical(name);
        addresses.compute(owner, (k, list) ->
        {
            final List<ResourceRecord> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
            next.add(ResourceRecord.a(owner, ttlSeconds, address));
            return List.copyOf(next);
        });
        return this;
    }

    /** Makes {@code name} an alias (CNAME) of {@code target}. */
    public StaticDnsServer addAlias(final String name, final String target, final long ttlSeconds)
    {
        final String owner = DnsNames.canonical(name);
        aliases.put(owner, ResourceRecord.cname(owner, ttlSeconds, DnsNames.canonical(target)));
        return this;
    }

    /**
     * Whether an answer follows aliases to the addresses of their target (true, the default, as a server holding
     * both does), or stops after the first CNAME, so the resolver has to ask again for the target.
     */
    public StaticDnsServer chaseAliases(final boolean chase)
    {
        this.chaseAliases = chase;
        return this;
    }

    /** Reads and ignores the next {@code count} queries (for retry tests). */
    public StaticDnsServer dropQueries(final int count)
    {
        toDrop.set(count);
        return this;
    }

    /** Queries received so far (dropped ones included, malformed ones not). */
    public long queriesReceived()
    {
        return queries.get();
    }

    /**
     * Waits up to {@code timeout} for one query and answers it.
     *
     * @return true if a message arrived (answered, dropped or ignored as malformed), false on timeout
     */
    public boolean serveOnce(final Duration timeout) throws IOException
    {
        in.clear();
        final int length;
        try
        {
            length = socket.receive(in, client, timeout);
        }
        catch (final SocketTimeoutException e)
        {
            return false;
        }
        if (length > in.capacity())
        {
            return true;
        }
        final DnsMessage query;
        try
        {
            query = DnsMessage.parse(in.array(), 0, length);
        }
        catch (final DnsFormatException malformed)
        {
            return true;
        }
        if (query.isResponse())
        {
            return true;
        }
        queries.incrementAndGet();
        if (toDrop.get() > 0 && toDrop.getAndDecrement() > 0)
        {
            return true;
        }
        final byte[] response;
        try
        {
            response = answer(query).encode();
        }
        catch (final IllegalArgumentException notAHostName)
        {
            return true; // a question we could not even write back: ignored, as a malformed query
        }
        socket.sendTo(ByteBuffer.wrap(response), client.address(), client.port());
        return true;
    }

    /** Serves queries until {@link #stop} or the socket closes, then closes the socket. */
    @Override
    public void run()
    {
        try
        {
            while (!stopped)
            {
                serveOnce(POLL);
            }
        }
        catch (final ClosedChannelException closed)
        {
            // stopped by closing the socket
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("DNS server stopped: " + e.getMessage(), e);
        }
        finally
        {
            socket.close();
        }
    }

    /** Makes {@link #run} return within one poll interval. */
    public void stop()
    {
        stopped = true;
    }

    /** The response to {@code query}. */
    DnsMessage answer(final DnsMessage query)
    {
        final int header = DnsMessage.FLAG_QR | DnsMessage.FLAG_AA | (query.flags() & DnsMessage.FLAG_RD) |
            (query.opcode() << 11);
        if (query.opcode() != 0)
        {
            return response(query, header | DnsMessage.RCODE_NOT_IMPLEMENTED, List.of());
        }
        if (query.questions().size() != 1)
        {
            return response(query, header | DnsMessage.RCODE_FORMAT_ERROR, List.of());
        }
        final Question question = query.questions().get(0);
        if (question.klass() != DnsMessage.CLASS_IN)
        {
            return response(query, header | DnsMessage.RCODE_REFUSED, List.of());
        }
        final List<ResourceRecord> answers = new ArrayList<>();
        String current = question.name();
        ResourceRecord alias;
        while ((alias = aliases.get(current)) != null && answers.size() < DnsResolver.MAX_CNAME_HOPS)
        {
            answers.add(alias);
            current = alias.target();
            if (!chaseAliases)
            {
                return response(query, header, answers);
            }
        }
        final List<ResourceRecord> records = addresses.get(current);
        if (records != null)
        {
            if (question.type() == DnsMessage.TYPE_A)
            {
                answers.addAll(records);
            }
            return response(query, header, answers);
        }
        // RFC 1034 §4.3.2 step 3c: a name we do not have is NXDOMAIN; an alias to outside our data ends the answer.
        return response(query, header | (answers.isEmpty() ? DnsMessage.RCODE_NAME_ERROR : 0), answers);
    }

    private static DnsMessage response(final DnsMessage query, final int flags, final List<ResourceRecord> answers)
    {
        return new DnsMessage(query.id(), flags, query.questions(), answers, List.of(), List.of());
    }
}
