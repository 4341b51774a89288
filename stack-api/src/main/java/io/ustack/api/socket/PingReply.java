package io.ustack.api.socket;

/**
 * The outcome of one ICMP echo request sent by the stack (RFC 792).
 *
 * @param outcome     what happened
 * @param rttNs       round-trip time when {@link Outcome#REPLY}, else 0
 * @param replyBytes  bytes of echo data in the reply
 * @param ttl         TTL of the reply's IP header
 * @param sequence    the echo sequence number
 */
public record PingReply(Outcome outcome, long rttNs, int replyBytes, int ttl, int sequence)
{
    /** How an echo request ended. */
    public enum Outcome
    {
        /** An echo reply with the same identifier, sequence and data came back. */
        REPLY,
        /** Nothing came back in time. */
        TIMEOUT,
        /** The destination or a router said it is unreachable (or ARP found no one). */
        UNREACHABLE,
        /** No route leads to the destination. */
        NO_ROUTE,
        /** A reply came back with different data than was sent. */
        CORRUPTED
    }
}
