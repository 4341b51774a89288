package io.ustack.tcp.buffer;

/**
 * What {@link ReceiveBuffer#offer} did with a segment's text, so the caller can choose its ACK behaviour
 * (RFC 5681 §4.2, RFC 9293 §3.8.6.3, RFC 2018 §4).
 */
public enum ReceiveOutcome
{
    /** No text (length 0): nothing to do. */
    EMPTY,
    /** Advanced RCV.NXT with no out-of-order data held before: the ACK policy may delay the ACK. */
    IN_ORDER,
    /**
     * Advanced RCV.NXT while out-of-order data was held (filled all or part of the gap at RCV.NXT): RFC 5681 §4.2,
     * an immediate ACK SHOULD be sent.
     */
    FILLED_HOLE,
    /**
     * Stored (at least partly new) beyond RCV.NXT: RFC 5681 §4.2, an immediate duplicate ACK SHOULD be sent, with
     * SACK blocks when SACK is permitted.
     */
    OUT_OF_ORDER,
    /**
     * Every byte was already held (before RCV.NXT or in an out-of-order range): RFC 9293 §3.10.7.4 answers with an
     * ACK; SACK blocks still name the range the segment fell in first (RFC 2018 §4).
     */
    DUPLICATE,
    /** Nothing fell inside the receive window (a zero window included): RFC 9293 §3.10.7.4 answers with an ACK. */
    BEYOND_WINDOW,
    /** Text at or after the peer's FIN: not stored (a peer bug; RFC 9293 §3.10.7.4 allows no data after FIN). */
    AFTER_FIN,
    /**
     * Refused whole: storing it would need one more out-of-order range than the buffer tracks. Nothing changed; the
     * peer will retransmit. The caller counts a drop.
     */
    TOO_MANY_RANGES
}
