package io.ustack.api.tcp;

/**
 * Decides when a receiver acknowledges (RFC 9293 §3.8.6.3, RFC 1122 §4.2.3.2, RFC 5681 §4.2): at once, or after a
 * delay that lets an ACK ride on reply data or cover a second segment.
 *
 * <p>The connection calls {@link #onSegmentReceived} for each accepted segment that carries data or FIN. On
 * {@link #ACK_NOW} it sends an ACK before its duty cycle ends (several ACK_NOW in one cycle may become one ACK, the
 * latest). On {@link #ACK_DELAYED} it arms its delayed-ACK timer for {@link #ackDeadlineNs()} and sends a pure ACK
 * when the timer fires. Whenever any segment carrying an ACK leaves, it calls {@link #onAckSent(long)}.
 */
public interface AckPolicy
{
    /** Send an ACK now. */
    int ACK_NOW = 1;
    /** Send an ACK by {@link #ackDeadlineNs()} unless one leaves earlier. */
    int ACK_DELAYED = 2;

    /** The name this policy is chosen by (e.g. {@code "delayed"}). */
    String name();

    /**
     * An acceptable segment with data or FIN arrived.
     *
     * @param segmentBytes payload bytes of the segment
     * @param outOfOrder true when the segment arrived above RCV.NXT, or filled all or part of a gap in the sequence
     *                   space: RFC 5681 §4.2 wants an immediate ACK for both
     * @param pushOrFin true when the segment carried PSH or FIN
     * @param mss the receiver's MSS (the size of a "full-sized segment")
     * @param nowNs arrival time
     * @return {@link #ACK_NOW} or {@link #ACK_DELAYED}
     */
    int onSegmentReceived(int segmentBytes, boolean outOfOrder, boolean pushOrFin, int mss, long nowNs);

    /** When the pending delayed ACK must leave; meaningful after {@link #ACK_DELAYED} until {@link #onAckSent}. */
    long ackDeadlineNs();

    /**
     * A segment carrying an ACK for everything received so far left (pure ACK or piggybacked on data).
     *
     * @param nowNs when it left
     */
    void onAckSent(long nowNs);

    /** Acknowledge the next segments at once (Linux quick-ACK mode: after idle, or on the application's request). */
    void onQuickAckRequest();
}
