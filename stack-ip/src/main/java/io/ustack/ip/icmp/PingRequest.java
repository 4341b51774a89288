package io.ustack.ip.icmp;

import io.ustack.api.socket.PingReply;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One echo request handed to the stack by {@link Pinger#start}: poll {@link #done()} (for instance between
 * {@code stack.poll(nowNs)} calls in INVOKER mode), then read {@link #reply()}. Safe to read from any thread; the
 * stack thread fills it in exactly once.
 */
public final class PingRequest
{
    private final int destination;
    private final int payloadBytes;
    private final long timeoutNs;
    private final AtomicReference<PingReply> reply = new AtomicReference<>();

    // Stack-thread fields, set when the echo is sent.
    int sequence = -1;
    long sentNs;
    long deadlineNs;

    PingRequest(final int destination, final int payloadBytes, final long timeoutNs)
    {
        this.destination = destination;
        this.payloadBytes = payloadBytes;
        this.timeoutNs = timeoutNs;
    }

    /** Where the echo goes. */
    public int destination()
    {
        return destination;
    }

    /** Bytes of echo data. */
    public int payloadBytes()
    {
        return payloadBytes;
    }

    /** How long the stack waits for the reply after sending, in nanoseconds. */
    public long timeoutNs()
    {
        return timeoutNs;
    }

    /** Whether the outcome is known. */
    public boolean done()
    {
        return reply.get() != null;
    }

    /** The outcome, or null while the request is in flight. */
    public PingReply reply()
    {
        return reply.get();
    }

    /** Records the outcome unless one is already there; returns whether this one was recorded. */
    boolean complete(final PingReply outcome)
    {
        return reply.compareAndSet(null, outcome);
    }

    @Override
    public String toString()
    {
        return "PingRequest{destination=" + io.ustack.api.net.Ipv4Address.toString(destination) +
            ", payloadBytes=" + payloadBytes + ", sequence=" + sequence + ", reply=" + reply.get() + '}';
    }
}
