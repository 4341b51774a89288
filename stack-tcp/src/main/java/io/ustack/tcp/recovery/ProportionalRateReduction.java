package io.ustack.tcp.recovery;

/**
 * Proportional Rate Reduction, RFC 6937, the slow-start reduction bound variant (PRR-SSRB, §3): how much may be sent
 * on each ACK during fast recovery. While more is in the network than ssthresh, the sender sends in proportion to
 * what the receiver reports delivered ({@code ssthresh / RecoverFS} of it), so the window comes down to ssthresh
 * smoothly over one round trip instead of stopping dead and then bursting; when heavy losses drop the flight below
 * ssthresh, it grows back no faster than slow start (what was delivered, plus one segment per ACK).
 *
 * <p>Kept as the congestion window of recovery (Linux {@code tcp_cwnd_reduction} sets {@code cwnd = in_flight +
 * sndcnt} the same way): {@link #windowBytes()} is the flight at the last ACK plus that ACK's {@code sndcnt}, so what
 * goes on sending, retransmissions and new data alike, is counted against it by the caller's in-flight count and
 * by {@link #onSent} in {@code prr_out}. Primitive fields, one per connection, nothing allocated.
 */
final class ProportionalRateReduction
{
    /** RFC 6937 §3 RecoverFS: the flight (SND.NXT - SND.UNA) when recovery began. */
    private long recoverFs;
    /** RFC 6937 §3 prr_delivered: bytes delivered to the receiver since recovery began. */
    private long delivered;
    /** RFC 6937 §3 prr_out: bytes sent since recovery began. */
    private long out;
    private long windowBytes;
    private boolean fresh;

    /** RFC 6937 §3 "at the beginning of recovery": {@code prr_delivered = prr_out = 0}, RecoverFS = the flight. */
    void start(final long flightBytes)
    {
        recoverFs = Math.max(1, flightBytes);
        delivered = 0;
        out = 0;
        fresh = true;
    }

    /**
     * RFC 6937 §3 "on every ACK during recovery". An ACK that delivered nothing (a D-SACK alone, a window update)
     * changes nothing, as Linux skips it, except the first, which sizes the window.
     *
     * @param deliveredData DeliveredData: SND.UNA's advance plus the change in SACKed bytes
     * @param pipe          the bytes the sender counts in the network after this ACK (RFC 6675 pipe)
     * @param ssthresh      the congestion control's target
     * @param smss          the sender's maximum segment size
     */
    void onAck(final long deliveredData, final long pipe, final long ssthresh, final int smss)
    {
        if (deliveredData <= 0 && !fresh)
        {
            return;
        }
        fresh = false;
        delivered += Math.max(0, deliveredData);
        final long sendCount;
        if (pipe > ssthresh)
        {
            // Proportional rate reduction: sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out.
            sendCount = (delivered * ssthresh + recoverFs - 1) / recoverFs - out;
        }
        else
        {
            // PRR-SSRB: limit = MAX(prr_delivered - prr_out, DeliveredData) + MSS; sndcnt = MIN(ssthresh - pipe, limit).
            final long limit = Math.max(delivered - out, deliveredData) + smss;
            sendCount = Math.min(ssthresh - pipe, limit);
        }
        windowBytes = pipe + Math.max(0, sendCount);
    }

    /** RFC 6937 §3 "on any data transmission or retransmission": {@code prr_out += data sent}. */
    void onSent(final long bytes)
    {
        out += bytes;
    }

    /** The window during recovery: the flight at the last ACK plus what that ACK allowed to be sent. */
    long windowBytes()
    {
        return windowBytes;
    }

    @Override
    public String toString()
    {
        return "prr{recoverFs=" + recoverFs + " delivered=" + delivered + " out=" + out + " window=" + windowBytes +
            '}';
    }
}
