package io.ustack.api.tcp;

/**
 * A loss-recovery algorithm for one connection: decides when segments are lost, when recovery starts and ends, what
 * to retransmit, and how many bytes the sender counts as in the network (Linux {@code tcp_fastretrans_alert},
 * {@code tcp_packets_in_flight} and {@code tcp_xmit_retransmit_queue}). Kept apart from {@link CongestionControl}
 * (DESIGN.md): the recovery tells the congestion control about losses through its hooks, the congestion control
 * only sizes the window.
 *
 * <p>Call order the connection follows:
 * <ol>
 *   <li>{@link #init(RecoveryContext)} once, when the handshake has settled which options are in use;</li>
 *   <li>{@link #onAck(AckSample)} for every acceptable ACK, after SND.UNA, the send window and the SACK scoreboard
 *       were updated from it; the recovery passes the sample on to {@link CongestionControl#onAck(AckSample)}
 *       where its algorithm says (e.g. not during fast recovery, as Linux skips {@code cong_avoid}) and may
 *       retransmit through {@link RecoveryContext#retransmit};</li>
 *   <li>{@link #sendAllowanceBytes()} whenever the sender considers sending: how many more bytes may go now;</li>
 *   <li>{@link #onRetransmitTimeout(long)} when the retransmission timer expired, after the congestion control was
 *       told.</li>
 * </ol>
 * No method may allocate; all are called on the connection's owner thread. Implementations are chosen by name
 * through {@link LossRecoveryFactory} ({@link TcpPolicies#lossRecovery(String)}).
 */
public interface LossRecovery
{
    /** The name this algorithm is chosen by (e.g. {@code "newreno"}); the same as its factory's. */
    String name();

    /**
     * Whether the algorithm needs SACK (RFC 2018). When the peer did not agree to SACK, the connection uses
     * {@code "newreno"} instead.
     */
    default boolean requiresSack()
    {
        return false;
    }

    /**
     * Starts the algorithm for a connection.
     *
     * @param ctx the connection's view, kept for the connection's lifetime and read live
     */
    void init(RecoveryContext ctx);

    /**
     * An acceptable ACK arrived (new, duplicate or neither): detect loss, enter or leave recovery, retransmit, and
     * feed the congestion control.
     *
     * @param sample what the ACK told: {@link AckSample#bytesAcked()} (SND.UNA advance),
     *               {@link AckSample#bytesSacked()} (newly SACKed), {@link AckSample#duplicate()} (RFC 5681 §2)
     */
    void onAck(AckSample sample);

    /**
     * The retransmission timer expired: recovery, if any, is over (RFC 6582 §3.2 step 4, RFC 6675 §5.1); the
     * connection goes back to SND.UNA itself.
     *
     * @param nowNs current time
     */
    void onRetransmitTimeout(long nowNs);

    /**
     * Bytes the sender may still put into the network now, counting against the congestion window what this
     * algorithm believes is in flight (FlightSize for NewReno, RFC 5681; "pipe" for RFC 6675). May be negative.
     * The peer's receive window is checked separately.
     */
    long sendAllowanceBytes();

    /** Whether fast recovery is in progress (Linux {@code TCP_CA_Recovery}). */
    boolean inRecovery();

    /**
     * A segment left: new data, or data sent before (a retransmission, a tail loss probe that resends, or the
     * go-back-N after a timeout). Algorithms that time each segment (RACK, RFC 8985 §6.1 "RACK.xmit_ts") keep the
     * time here; the default ignores it. Called after the segment went out, before SND.NXT/SND.MAX move past it.
     *
     * @param seq            first sequence number of the segment
     * @param end            sequence number after it (a FIN counts one)
     * @param retransmission whether any of it was sent before
     * @param nowNs          when it was sent
     */
    default void onTransmit(int seq, int end, boolean retransmission, long nowNs)
    {
    }

    /**
     * Whether the connection may send a tail loss probe (RFC 8985 §7) while this algorithm is in recovery. RFC 8985
     * §7.2 arms the probe only outside recovery, which leaves a recovery whose last ACK was lost to the RTO; an
     * algorithm that detects loss by time from the probe's ACK (as RACK does, and as QUIC's probe timeout runs in
     * every state, RFC 9002 §6.2) may allow it. Default: no.
     */
    default boolean probesDuringRecovery()
    {
        return false;
    }

    /**
     * How many tail loss probes may go in a row with no ACK of new data between them before the RTO takes over.
     * RFC 8985 §7 sends one; an algorithm may allow more, each after a doubled probe timeout (as QUIC backs off
     * its probe timeout, RFC 9002 §6.2.1), so that one lost probe or one lost ACK of it does not cost a full RTO
     * and its collapse of cwnd. Default: 1.
     */
    default int tailLossProbes()
    {
        return 1;
    }

    /**
     * RFC 8985 §6.3: after an ACK, how long until a segment that is not yet judged lost would be (RACK's
     * reordering timer), or -1 when nothing waits. The connection runs the timer on its retransmission timer, as
     * Linux does, and calls {@link #onReorderingTimeout(long)} when it fires. Default: -1.
     */
    default long reorderingTimeoutNs()
    {
        return -1;
    }

    /**
     * RFC 8985 §6.3: the reordering timer fired: judge the waiting segments again and resend what is lost.
     *
     * @param nowNs current time
     */
    default void onReorderingTimeout(long nowNs)
    {
    }

    /**
     * RFC 2883 §4: the ACK about to be passed to {@link #onAck(AckSample)} carried a D-SACK, the peer's report that
     * it received {@code [left, right)} twice (often because a retransmission was spurious). The block was not put in
     * the scoreboard: it says nothing new about what the peer holds. Called before that {@code onAck}, while
     * {@link RecoveryContext#sndUna()} has not yet moved to {@code cumulativeAck}. Algorithms that adapt to
     * reordering use it (RFC 8985 §6.2 steps 3-4); the default ignores it.
     *
     * @param left          first sequence number received twice
     * @param right         sequence number after the duplicate range
     * @param cumulativeAck the ACK's cumulative acknowledgement (SND.UNA once it is processed)
     */
    default void onDuplicateSack(int left, int right, int cumulativeAck)
    {
    }
}
