package io.ustack.ip.icmp;

import io.ustack.api.socket.PingReply;
import io.ustack.api.socket.PingReply.Outcome;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.wire.IcmpHeader;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * ICMP echo from the stack (RFC 792), for {@code ustack ping}. Application threads submit requests through a
 * lock-free queue; the network agent's thread sends them in its duty cycle, matches echo replies by identifier and
 * sequence, checks the echoed data, measures the round trip from its own time, and times requests out.
 *
 * <ul>
 *   <li>{@link #ping} blocks the calling thread: for SHARED and DEDICATED stacks, whose agents run on their own
 *       threads.</li>
 *   <li>{@link #start} returns at once: for INVOKER stacks, whose caller drives {@code stack.poll(nowNs)} and checks
 *       {@link PingRequest#done()} in between (a blocking ping there would wait for a poll that never comes).</li>
 * </ul>
 * The identifier is fixed per stack; each request takes the next sequence number; the data is a pattern derived
 * from the sequence, so a reply with other data is {@link Outcome#CORRUPTED}.
 */
public final class Pinger
{
    /** Most echo data: 65,535 less a 20-byte IPv4 header and the 8-byte ICMP header. */
    public static final int MAX_PAYLOAD_BYTES = 65_535 - Ipv4Header.MIN_HEADER_LENGTH - IcmpHeader.HEADER_LENGTH;
    /** Requests waiting for the stack thread at most. */
    static final int SUBMIT_QUEUE_CAPACITY = 1024;
    /** How much longer than its timeout a blocking {@link #ping} waits for the stack thread to settle a request. */
    static final long BLOCKING_GRACE_NS = 1_000_000_000L;
    private static final long PARK_NS = 50_000;

    private final ManyToOneConcurrentArrayQueue<PingRequest> submitted =
        new ManyToOneConcurrentArrayQueue<>(SUBMIT_QUEUE_CAPACITY);
    private final List<PingRequest> outstanding = new ArrayList<>();
    private final NanoClock clock;
    private final int identifier;
    private final IcmpHeader header = new IcmpHeader();
    private final UnsafeBuffer message =
        new UnsafeBuffer(ByteBuffer.allocateDirect(IcmpHeader.HEADER_LENGTH + MAX_PAYLOAD_BYTES));
    private Ipv4Sender sender;
    private int nextSequence = 1;

    Pinger(final NanoClock clock, final int identifier)
    {
        this.clock = clock;
        this.identifier = identifier & 0xFFFF;
    }

    /** The echo identifier this stack uses. */
    public int identifier()
    {
        return identifier;
    }

    /**
     * Sends an echo request and waits for its outcome. Call from an application thread of a SHARED or DEDICATED
     * stack (never from the stack's own thread, nor in INVOKER mode: use {@link #start} there).
     *
     * @param destination  the address to ping
     * @param payloadBytes echo data bytes, 0..{@value #MAX_PAYLOAD_BYTES}
     * @param timeout      how long to wait for the reply (positive)
     * @return the outcome; {@link Outcome#TIMEOUT} too when the calling thread is interrupted (its interrupt flag
     *         stays set) or the stack thread does not run
     */
    public PingReply ping(final int destination, final int payloadBytes, final Duration timeout)
    {
        final PingRequest request = start(destination, payloadBytes, timeout);
        final long giveUpNs = clock.nanoTime() + request.timeoutNs() + BLOCKING_GRACE_NS;
        while (!request.done())
        {
            if (Thread.currentThread().isInterrupted() || clock.nanoTime() - giveUpNs >= 0)
            {
                request.complete(new PingReply(Outcome.TIMEOUT, 0, 0, 0, Math.max(request.sequence, 0)));
                break;
            }
            LockSupport.parkNanos(PARK_NS);
        }
        return request.reply();
    }

    /**
     * Hands an echo request to the stack thread and returns at once; any thread.
     *
     * @param destination  the address to ping
     * @param payloadBytes echo data bytes, 0..{@value #MAX_PAYLOAD_BYTES}
     * @param timeout      how long the stack waits for the reply after sending it (positive)
     * @throws IllegalArgumentException for a size or timeout out of range
     * @throws IllegalStateException    when {@value #SUBMIT_QUEUE_CAPACITY} requests already wait for the stack
     */
    public PingRequest start(final int destination, final int payloadBytes, final Duration timeout)
    {
        if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD_BYTES)
        {
            throw new IllegalArgumentException("ping payload of " + payloadBytes + " bytes: use 0.." +
                MAX_PAYLOAD_BYTES + " (a datagram holds at most 65,535 bytes with its 20-byte IPv4 and 8-byte " +
                "ICMP headers)");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("ping timeout " + timeout + ": use a positive duration, e.g. 1s");
        }
        final long timeoutNs = timeout.compareTo(Duration.ofDays(365)) > 0 ?
            Duration.ofDays(365).toNanos() : timeout.toNanos();
        final PingRequest request = new PingRequest(destination, payloadBytes, timeoutNs);
        if (!submitted.offer(request))
        {
            throw new IllegalStateException("too many pings waiting for the stack (" + SUBMIT_QUEUE_CAPACITY +
                "): is the stack running?");
        }
        return request;
    }

    void attach(final Ipv4Sender sender)
    {
        this.sender = sender;
    }

    /** Sends submitted requests and times out expired ones; stack thread. */
    int doWork(final long nowNs)
    {
        int work = 0;
        PingRequest request;
        while ((request = submitted.poll()) != null)
        {
            send(request, nowNs);
            work++;
        }
        for (int i = outstanding.size() - 1; i >= 0; i--)
        {
            final PingRequest waiting = outstanding.get(i);
            if (waiting.done())
            {
                outstanding.remove(i); // settled elsewhere (a blocking caller gave up)
                work++;
            }
            else if (nowNs - waiting.deadlineNs >= 0)
            {
                outstanding.remove(i);
                waiting.complete(new PingReply(Outcome.TIMEOUT, 0, 0, 0, waiting.sequence));
                work++;
            }
        }
        return work;
    }

    /**
     * An echo reply arrived; stack thread.
     *
     * @return false when it answers no outstanding request of ours
     */
    boolean onEchoReply(final int replyIdentifier, final int sequence, final DirectBuffer buffer,
        final int dataOffset, final int dataLength, final int ttl, final long nowNs)
    {
        if (replyIdentifier != identifier)
        {
            return false;
        }
        final PingRequest request = take(sequence);
        if (request == null)
        {
            return false;
        }
        final boolean intact = dataLength == request.payloadBytes() && dataMatches(buffer, dataOffset, sequence,
            dataLength);
        request.complete(new PingReply(intact ? Outcome.REPLY : Outcome.CORRUPTED,
            intact ? nowNs - request.sentNs : 0, dataLength, ttl, sequence));
        return true;
    }

    /**
     * An ICMP error quoting an echo request with this identifier and sequence to {@code destination}; stack thread.
     *
     * @return false when it matches no outstanding request
     */
    boolean onError(final int quotedIdentifier, final int sequence, final int destination)
    {
        if (quotedIdentifier != identifier)
        {
            return false;
        }
        for (int i = 0; i < outstanding.size(); i++)
        {
            final PingRequest request = outstanding.get(i);
            if (request.sequence == sequence && request.destination() == destination)
            {
                outstanding.remove(i);
                request.complete(new PingReply(Outcome.UNREACHABLE, 0, 0, 0, sequence));
                return true;
            }
        }
        return false;
    }

    /** Requests sent and not settled (for tests). */
    int outstandingCount()
    {
        return outstanding.size();
    }

    private void send(final PingRequest request, final long nowNs)
    {
        if (request.done())
        {
            return;
        }
        final int sequence = freeSequence();
        request.sequence = sequence;
        request.sentNs = nowNs;
        request.deadlineNs = nowNs + request.timeoutNs();
        final int length = IcmpHeader.HEADER_LENGTH + request.payloadBytes();
        header.wrapForWrite(message, 0)
            .type(IcmpHeader.TYPE_ECHO_REQUEST)
            .code(0)
            .identifier(identifier)
            .sequenceNumber(sequence);
        for (int i = 0; i < request.payloadBytes(); i++)
        {
            message.putByte(IcmpHeader.DATA_OFFSET + i, pattern(sequence, i));
        }
        header.computeAndSetChecksum(length);
        // In the list before sending: IPv4 may answer synchronously (an error for an unreachable next hop, or a
        // reply from our own address).
        outstanding.add(request);
        final int result = sender == null ? Ipv4Sender.NO_ROUTE : sender.sendFrom(message, 0, length, 0,
            request.destination(), Ipv4Header.PROTOCOL_ICMP, 0, 0, nowNs);
        if (result == Ipv4Sender.NO_ROUTE)
        {
            outstanding.remove(request);
            request.complete(new PingReply(Outcome.NO_ROUTE, 0, 0, 0, sequence));
        }
        // Other failures (no buffer, ring full) are a lost echo: the request times out like one.
    }

    /** The next sequence number no outstanding request uses (if all 65,536 are taken, the next one). */
    private int freeSequence()
    {
        for (int attempt = 0; attempt < 0x10000; attempt++)
        {
            final int candidate = nextSequence;
            nextSequence = (nextSequence + 1) & 0xFFFF;
            boolean used = false;
            for (int i = 0; i < outstanding.size() && !used; i++)
            {
                used = outstanding.get(i).sequence == candidate;
            }
            if (!used)
            {
                return candidate;
            }
        }
        return nextSequence;
    }

    private PingRequest take(final int sequence)
    {
        for (int i = 0; i < outstanding.size(); i++)
        {
            final PingRequest request = outstanding.get(i);
            if (request.sequence == sequence)
            {
                outstanding.remove(i);
                return request;
            }
        }
        return null;
    }

    private static boolean dataMatches(final DirectBuffer buffer, final int offset, final int sequence,
        final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != pattern(sequence, i))
            {
                return false;
            }
        }
        return true;
    }

    /** Echo data byte {@code i} of request {@code sequence}. */
    static byte pattern(final int sequence, final int i)
    {
        return (byte)(sequence + i * 7);
    }
}
