package io.ustack.api.tcp;

/**
 * Estimates the retransmission timeout of one connection from RTT samples (RFC 6298), and backs it off on expiry.
 *
 * <p>The connection applies Karn's rule (RFC 6298 §3) when it takes samples; an estimator also ignores a negative
 * sample ({@link AckSample#NO_RTT_SAMPLE}), so callers may pass the sample through unchecked. All values in
 * nanoseconds; no method allocates or reads a clock.
 */
public interface RtoEstimator
{
    /** The name this estimator is chosen by (e.g. {@code "rfc6298"}). */
    String name();

    /**
     * A round-trip time was measured (RFC 6298 §2.2–2.3). A valid sample also ends any backoff (RFC 6298 §5, the
     * note after (5.7): the RTO may "collapse" back once a new measurement is made).
     *
     * @param rttNs the RTT; negative means no sample and is ignored
     * @param nowNs when the measuring ACK arrived
     */
    void onRttSample(long rttNs, long nowNs);

    /** The retransmission timeout to arm now, backoff included. */
    long rtoNs();

    /** The retransmission timer expired: back off (RFC 6298 §5.5), up to the estimator's maximum. */
    void onTimeout();

    /**
     * An ACK acknowledged new data while the timer was backed off, without giving an RTT sample (its segment was
     * retransmitted). RFC 6298 keeps the backed-off RTO until a valid sample (Karn, §5 note), so the RFC estimators
     * do nothing here; the hook exists for estimators that collapse the backoff on any forward progress.
     */
    default void onNewAckAfterBackoff()
    {
    }

    /**
     * The three-way handshake finished: the estimator may apply RFC 6298 §5.7 (RTO back to 3 s when the SYN or
     * SYN-ACK timed out and there is no RTT sample yet).
     *
     * @param synTimedOut whether the retransmission timer expired during the handshake
     */
    default void onHandshakeComplete(final boolean synTimedOut)
    {
    }

    /** How many times the current RTO has been doubled since the last valid sample. */
    int backoffs();

    /** Smoothed RTT (RFC 6298 SRTT), or 0 before the first sample. */
    long srttNs();

    /** RTT variation (RFC 6298 RTTVAR, or the estimator's equivalent), or 0 before the first sample. */
    long rttVarNs();

    /** Whether any valid RTT sample has been taken. */
    boolean hasSample();
}
