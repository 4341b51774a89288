package io.ustack.api.tcp;

/**
 * What a {@link CongestionControl} may read about its connection, live: the connection implements this and hands
 * itself over in {@link CongestionControl#init(CongestionContext)}. Every accessor is a plain field read on the
 * connection's thread; none allocates.
 *
 * <p>Initial window: the connection decides, and {@link #initialWindowBytes()} says what it decided. The default is
 * RFC 5681 §3.1 equation (1) ({@link #rfc5681InitialWindow(int)}: 2–4 segments by SMSS), the standards-track value;
 * RFC 6928's ten segments (experimental, Linux's default since 2.6.39) is {@link #rfc6928InitialWindow(int)} and is
 * chosen by overriding this method.
 */
public interface CongestionContext
{
    /** Sender maximum segment size in bytes (RFC 5681 §2 "SMSS"); may change with path MTU discovery. */
    int smss();

    /** Bytes sent and not yet cumulatively acknowledged (RFC 5681 §2 "FlightSize"). */
    long flightSizeBytes();

    /** Smoothed RTT in nanoseconds, or 0 before the first RTT sample. */
    long srttNs();

    /** Smallest RTT seen on this connection in nanoseconds (over a window the connection chooses), or 0 if none. */
    long minRttNs();

    /** The connection's current time (the time of the event being processed). */
    long nowNs();

    /** Initial congestion window in bytes; by default RFC 5681 §3.1 equation (1). */
    default long initialWindowBytes()
    {
        return rfc5681InitialWindow(smss());
    }

    /**
     * RFC 5681 §3.1 equation (1): 2·SMSS if SMSS &gt; 2190, 3·SMSS if SMSS &gt; 1095, else 4·SMSS.
     *
     * @param smss sender maximum segment size in bytes
     * @return initial window in bytes
     */
    static long rfc5681InitialWindow(final int smss)
    {
        if (smss > 2190)
        {
            return 2L * smss;
        }
        if (smss > 1095)
        {
            return 3L * smss;
        }
        return 4L * smss;
    }

    /**
     * RFC 6928 §2: IW = min(10·MSS, max(2·MSS, 14600)).
     *
     * @param smss sender maximum segment size in bytes
     * @return initial window in bytes
     */
    static long rfc6928InitialWindow(final int smss)
    {
        return Math.min(10L * smss, Math.max(2L * smss, 14_600L));
    }
}
