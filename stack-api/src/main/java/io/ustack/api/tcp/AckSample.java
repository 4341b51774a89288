package io.ustack.api.tcp;

/**
 * What one arriving ACK told the sender: the argument of {@link CongestionControl#onAck(AckSample)}.
 *
 * <p>Mutable and reused: a connection owns one, {@link #reset()}s and fills it for each ACK, and the algorithm reads it
 * only during the call (keep the numbers, never the object). Getters and fluent setters share a name, Agrona style.
 */
public final class AckSample
{
    /** {@link #rttNs()} when this ACK gives no RTT sample (RFC 6298 §3, Karn's algorithm). */
    public static final long NO_RTT_SAMPLE = -1;

    private long nowNs;
    private long bytesAcked;
    private long bytesSacked;
    private long rttNs = NO_RTT_SAMPLE;
    private long deliveredBytes;
    private long deliveryRateBps;
    private long inFlightBytes;
    private boolean duplicate;
    private boolean ecnEcho;

    /**
     * Clears every field for the next ACK: zero, {@link #NO_RTT_SAMPLE}, false.
     *
     * @return this
     */
    public AckSample reset()
    {
        nowNs = 0;
        bytesAcked = 0;
        bytesSacked = 0;
        rttNs = NO_RTT_SAMPLE;
        deliveredBytes = 0;
        deliveryRateBps = 0;
        inFlightBytes = 0;
        duplicate = false;
        ecnEcho = false;
        return this;
    }

    /** Arrival time of the ACK. */
    public long nowNs()
    {
        return nowNs;
    }

    /**
     * Sets the arrival time.
     *
     * @param nowNs arrival time
     * @return this
     */
    public AckSample nowNs(final long nowNs)
    {
        this.nowNs = nowNs;
        return this;
    }

    /** Bytes newly acknowledged by the cumulative ACK field (SND.UNA advance); 0 for a duplicate ACK. */
    public long bytesAcked()
    {
        return bytesAcked;
    }

    /**
     * Sets the cumulatively acknowledged bytes.
     *
     * @param bytesAcked SND.UNA advance in bytes
     * @return this
     */
    public AckSample bytesAcked(final long bytesAcked)
    {
        this.bytesAcked = bytesAcked;
        return this;
    }

    /** Bytes newly covered by SACK blocks in this ACK (RFC 2018); 0 without SACK. */
    public long bytesSacked()
    {
        return bytesSacked;
    }

    /**
     * Sets the newly SACKed bytes.
     *
     * @param bytesSacked bytes newly covered by SACK blocks
     * @return this
     */
    public AckSample bytesSacked(final long bytesSacked)
    {
        this.bytesSacked = bytesSacked;
        return this;
    }

    /** RTT measured by this ACK in nanoseconds, or {@link #NO_RTT_SAMPLE} when Karn's rule forbids one. */
    public long rttNs()
    {
        return rttNs;
    }

    /**
     * Sets the RTT sample.
     *
     * @param rttNs RTT in nanoseconds, or {@link #NO_RTT_SAMPLE}
     * @return this
     */
    public AckSample rttNs(final long rttNs)
    {
        this.rttNs = rttNs;
        return this;
    }

    /** Bytes delivered (cumulatively ACKed or SACKed) over the connection's life, after this ACK. */
    public long deliveredBytes()
    {
        return deliveredBytes;
    }

    /**
     * Sets the connection's delivered-bytes total.
     *
     * @param deliveredBytes bytes delivered so far
     * @return this
     */
    public AckSample deliveredBytes(final long deliveredBytes)
    {
        this.deliveredBytes = deliveredBytes;
        return this;
    }

    /** Delivery rate estimate in bytes per second (draft-cheng-iccrg-delivery-rate-estimation); 0 when unknown. */
    public long deliveryRateBps()
    {
        return deliveryRateBps;
    }

    /**
     * Sets the delivery rate estimate.
     *
     * @param deliveryRateBps bytes per second, 0 when unknown
     * @return this
     */
    public AckSample deliveryRateBps(final long deliveryRateBps)
    {
        this.deliveryRateBps = deliveryRateBps;
        return this;
    }

    /** Bytes still in flight after this ACK was processed. */
    public long inFlightBytes()
    {
        return inFlightBytes;
    }

    /**
     * Sets the bytes in flight after this ACK.
     *
     * @param inFlightBytes bytes in flight
     * @return this
     */
    public AckSample inFlightBytes(final long inFlightBytes)
    {
        this.inFlightBytes = inFlightBytes;
        return this;
    }

    /** True for a duplicate ACK in the sense of RFC 5681 §2 (no new data acknowledged, no window change, ...). */
    public boolean duplicate()
    {
        return duplicate;
    }

    /**
     * Marks the ACK duplicate or not.
     *
     * @param duplicate whether RFC 5681 §2 calls it a duplicate ACK
     * @return this
     */
    public AckSample duplicate(final boolean duplicate)
    {
        this.duplicate = duplicate;
        return this;
    }

    /** True when the ACK carried ECE (RFC 3168 §6.1). */
    public boolean ecnEcho()
    {
        return ecnEcho;
    }

    /**
     * Sets the ECN-Echo flag.
     *
     * @param ecnEcho whether ECE was set
     * @return this
     */
    public AckSample ecnEcho(final boolean ecnEcho)
    {
        this.ecnEcho = ecnEcho;
        return this;
    }

    @Override
    public String toString()
    {
        return "AckSample{nowNs=" + nowNs + ", bytesAcked=" + bytesAcked + ", bytesSacked=" + bytesSacked +
            ", rttNs=" + rttNs + ", deliveredBytes=" + deliveredBytes + ", deliveryRateBps=" + deliveryRateBps +
            ", inFlightBytes=" + inFlightBytes + ", duplicate=" + duplicate + ", ecnEcho=" + ecnEcho + '}';
    }
}
