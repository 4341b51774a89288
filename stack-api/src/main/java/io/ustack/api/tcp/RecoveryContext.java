package io.ustack.api.tcp;

/**
 * What a {@link LossRecovery} sees of its connection and may ask it to do. Implemented by the connection; read live
 * (every call returns the current value). No method allocates.
 *
 * <p>Sequence numbers are 32-bit and wrap: compare them with wrap-around arithmetic ({@code a - b < 0}), never
 * with {@code <}.
 */
public interface RecoveryContext
{
    /** SMSS: the largest segment the sender sends (RFC 5681 §2). */
    int smss();

    /** SND.UNA: the oldest unacknowledged sequence number (RFC 6675 "HighACK" + 1). */
    int sndUna();

    /** SND.NXT: the next sequence number the sender will send (behind {@link #sndMax()} after a timeout). */
    int sndNxt();

    /** The highest sequence number sent, plus one (RFC 6675 "HighData" + 1; Linux {@code snd_nxt}). */
    int sndMax();

    /** The connection's congestion control, to tell about losses and feed with ACK samples. */
    CongestionControl congestionControl();

    /** The SACK scoreboard (RFC 6675 §3); always empty when SACK is not in use. */
    SackScoreboard scoreboard();

    /** Whether both ends agreed to SACK (RFC 2018 §2). */
    boolean sackEnabled();

    /** Bytes written by the application, not yet sent, that the peer's window would take now (RFC 6675 NextSeg (2)). */
    int sendableNewBytes();

    /**
     * Sends again the data at {@code seq}: at most {@code maxBytes}, at most one SMSS, never past {@link #sndMax()}
     * (with the FIN if it is reached). Windows are not checked: the algorithm decided.
     *
     * @return sequence space resent (0 when there was nothing at {@code seq} or no packet buffer was free)
     */
    int retransmit(int seq, int maxBytes, long nowNs);

    /**
     * The smoothed round-trip time (RFC 6298 SRTT) in nanoseconds, 0 before the first sample: RFC 8985 §6.2 step 4
     * caps RACK's reordering window at it. Default 0 (unknown).
     */
    default long srttNs()
    {
        return 0;
    }
}
