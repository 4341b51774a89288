package io.ustack.api.tcp;

/**
 * A congestion-control algorithm for one connection, shaped like Linux's {@code tcp_congestion_ops}.
 *
 * <p>The connection (and its loss-recovery policy) drives the hooks; the algorithm only keeps {@link #cwnd()},
 * {@link #ssthresh()} and optionally {@link #pacingRateBps()}. Loss detection, the recovery point and retransmission
 * are not its business (DESIGN.md keeps congestion control and loss recovery apart, as gVisor and Linux do).
 *
 * <p>Call order the connection follows:
 * <ol>
 *   <li>{@link #init(CongestionContext)} once, when the connection becomes synchronized;</li>
 *   <li>{@link #onAck(AckSample)} for every ACK that arrives, duplicates included;</li>
 *   <li>on a loss found by duplicate ACKs or SACK: {@link #onCongestionEvent(long)}, then
 *       {@link #onStateChange(int)} with {@link #RECOVERY};</li>
 *   <li>when the ACK covering the recovery point arrives: {@link #onAck(AckSample)} for it, then
 *       {@link #onRecoveryExit(long)}, then {@link #onStateChange(int)} with {@link #OPEN};</li>
 *   <li>on a retransmission timeout: {@link #onRetransmitTimeout(long)}, then {@link #onStateChange(int)} with
 *       {@link #LOSS};</li>
 *   <li>if the loss turns out spurious (e.g. DSACK, RFC 3708; timestamps, RFC 5682): {@link #undo()}.</li>
 * </ol>
 * No hook may allocate; all are called on the connection's owner thread.
 */
public interface CongestionControl
{
    /** Normal state: no loss suspected (Linux {@code TCP_CA_Open}). */
    int OPEN = 0;
    /** Duplicate ACKs or SACKs seen, not yet a loss (Linux {@code TCP_CA_Disorder}; RFC 3042 limited transmit). */
    int DISORDER = 1;
    /** Window being reduced after an ECN echo, RFC 3168 §6.1.2 (Linux {@code TCP_CA_CWR}). */
    int CWR = 2;
    /** Fast recovery after a loss found by duplicate ACKs or SACK, RFC 5681 §3.2 (Linux {@code TCP_CA_Recovery}). */
    int RECOVERY = 3;
    /** After a retransmission timeout, RFC 5681 §3.1 (Linux {@code TCP_CA_Loss}). */
    int LOSS = 4;

    /** "Arbitrarily high" initial ssthresh of RFC 5681 §3.1; the same value Linux uses ({@code 0x7fffffff}). */
    long INFINITE_SSTHRESH = Integer.MAX_VALUE;

    /** The name this algorithm is chosen by (e.g. {@code "newreno"}); the same as its factory's. */
    String name();

    /**
     * Starts the algorithm for a connection.
     *
     * @param ctx the connection's view, kept by the algorithm for the connection's lifetime and read live
     */
    void init(CongestionContext ctx);

    /**
     * An ACK arrived.
     *
     * @param sample what this ACK told; a reused object valid only during the call
     */
    void onAck(AckSample sample);

    /**
     * Loss detected by duplicate ACKs or SACK (RFC 5681 §3.2 steps 2–3): set ssthresh and cwnd as the algorithm
     * wants. Called once per loss episode, on entering recovery.
     *
     * @param nowNs current time
     */
    void onCongestionEvent(long nowNs);

    /**
     * The retransmission timer expired (RFC 5681 §3.1, RFC 6298 §5.4–5.6). Called for every expiry, including
     * repeated ones while backing off.
     *
     * @param nowNs current time
     */
    void onRetransmitTimeout(long nowNs);

    /**
     * The connection's congestion state changed (Linux {@code set_state}).
     *
     * @param state one of {@link #OPEN}, {@link #DISORDER}, {@link #CWR}, {@link #RECOVERY}, {@link #LOSS}
     */
    void onStateChange(int state);

    /**
     * Fast recovery ended: an ACK covered the recovery point (RFC 6582 §3.2 step 3, "full acknowledgments";
     * RFC 5681 §3.2 step 6). Called after {@link #onAck(AckSample)} for that ACK.
     *
     * @param nowNs current time
     */
    void onRecoveryExit(long nowNs);

    /** Congestion window in bytes. */
    long cwnd();

    /** Slow-start threshold in bytes ({@link #INFINITE_SSTHRESH} until the first congestion event). */
    long ssthresh();

    /** Pacing rate in bytes per second; 0 means "do not pace" (the sender is then window-limited only). */
    long pacingRateBps();

    /**
     * The last window reduction was spurious: restore what it took away, if the algorithm can (Linux
     * {@code undo_cwnd}; RFC 4015 response). The connection calls this only when it has proof, e.g. DSACK.
     *
     * @return true when cwnd/ssthresh were restored; the default cannot undo and returns false
     */
    default boolean undo()
    {
        return false;
    }
}
