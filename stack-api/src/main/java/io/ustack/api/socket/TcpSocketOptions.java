package io.ustack.api.socket;

import java.time.Duration;

/**
 * Socket options a connection starts with, given to {@link TcpSockets#connect(int, int, Duration, TcpSocketOptions)}
 * or to a listener (whose accepted connections inherit them, as on Linux). Buffer sizes and the RTO estimator and
 * ACK policy can only be chosen here: the receive buffer fixes the window scale our SYN offers (RFC 7323 §2.2), so
 * it must be known before the handshake. The rest can also change later through {@link TcpSocket}.
 *
 * <p>Each setter checks its value at once and throws {@link IllegalArgumentException} saying the valid range.
 * Policy names are checked against the stack's installed policies when the options are used.
 */
public final class TcpSocketOptions
{
    /** Linux's bound on TCP_KEEPIDLE, TCP_KEEPINTVL and SO_LINGER seconds. */
    public static final long MAX_SECONDS = 32_767;
    /** Linux's bound on TCP_KEEPCNT. */
    public static final int MAX_KEEPALIVE_PROBES = 127;

    private int sendBufferBytes;
    private int receiveBufferBytes;
    private boolean noDelay;
    private boolean cork;
    private int keepalive = -1;
    private Duration keepaliveIdle;
    private Duration keepaliveInterval;
    private int keepaliveProbes;
    private Duration linger;
    private String congestionControl;
    private String rtoEstimator;
    private String ackPolicy;

    /** SO_SNDBUF: a power of two from 1024 to 2^30 bytes (the stack's default when not set). */
    public TcpSocketOptions sendBufferBytes(final int bytes)
    {
        sendBufferBytes = checkBuffer("sendBufferBytes", bytes);
        return this;
    }

    /** SO_RCVBUF: a power of two from 1024 to 2^30 bytes; the largest window the connection offers. */
    public TcpSocketOptions receiveBufferBytes(final int bytes)
    {
        receiveBufferBytes = checkBuffer("receiveBufferBytes", bytes);
        return this;
    }

    /** TCP_NODELAY from the first byte. */
    public TcpSocketOptions noDelay(final boolean on)
    {
        noDelay = on;
        return this;
    }

    /** TCP_CORK from the first byte. */
    public TcpSocketOptions cork(final boolean on)
    {
        cork = on;
        return this;
    }

    /** SO_KEEPALIVE with the stack's idle time, interval and probe count. */
    public TcpSocketOptions keepalive(final boolean on)
    {
        keepalive = on ? 1 : 0;
        return this;
    }

    /**
     * SO_KEEPALIVE on, with TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT (RFC 1122 §4.2.3.6): after {@code idle} with
     * nothing received, a probe every {@code interval}; {@code probes} unanswered ones end the connection.
     *
     * @param idle     1 ms .. 32767 s
     * @param interval 1 ms .. 32767 s
     * @param probes   1 .. 127
     */
    public TcpSocketOptions keepalive(final Duration idle, final Duration interval, final int probes)
    {
        keepaliveIdle = checkKeepaliveTime("keepalive idle", idle);
        keepaliveInterval = checkKeepaliveTime("keepalive interval", interval);
        keepaliveProbes = checkProbes(probes);
        keepalive = 1;
        return this;
    }

    /**
     * SO_LINGER: null for off (close returns at once, the stack delivers in the background); zero makes close send a
     * RST and discard unsent bytes; otherwise close waits up to this long for every byte and the FIN to be
     * acknowledged, and resets the connection if they are not.
     *
     * @param linger null, or 0 .. 32767 s
     */
    public TcpSocketOptions linger(final Duration linger)
    {
        this.linger = checkLinger(linger);
        return this;
    }

    /** TCP_CONGESTION: a congestion-control algorithm by name, e.g. "newreno". */
    public TcpSocketOptions congestionControl(final String name)
    {
        congestionControl = checkName("congestionControl", name);
        return this;
    }

    /** An RTO estimator by name, e.g. "rfc6298" or "linux". */
    public TcpSocketOptions rtoEstimator(final String name)
    {
        rtoEstimator = checkName("rtoEstimator", name);
        return this;
    }

    /** An ACK policy by name, e.g. "delayed" or "immediate". */
    public TcpSocketOptions ackPolicy(final String name)
    {
        ackPolicy = checkName("ackPolicy", name);
        return this;
    }

    /** 0 when not set. */
    public int sendBufferBytes()
    {
        return sendBufferBytes;
    }

    /** 0 when not set. */
    public int receiveBufferBytes()
    {
        return receiveBufferBytes;
    }

    public boolean noDelay()
    {
        return noDelay;
    }

    public boolean cork()
    {
        return cork;
    }

    /** 1 on, 0 off, -1 the stack's setting. */
    public int keepalive()
    {
        return keepalive;
    }

    /** Null when not set. */
    public Duration keepaliveIdle()
    {
        return keepaliveIdle;
    }

    /** Null when not set. */
    public Duration keepaliveInterval()
    {
        return keepaliveInterval;
    }

    /** 0 when not set. */
    public int keepaliveProbes()
    {
        return keepaliveProbes;
    }

    /** Null when off. */
    public Duration linger()
    {
        return linger;
    }

    /** Null when not set. */
    public String congestionControl()
    {
        return congestionControl;
    }

    /** Null when not set. */
    public String rtoEstimator()
    {
        return rtoEstimator;
    }

    /** Null when not set. */
    public String ackPolicy()
    {
        return ackPolicy;
    }

    static int checkBuffer(final String what, final int bytes)
    {
        if (bytes < 1024 || bytes > 1 << 30 || Integer.bitCount(bytes) != 1)
        {
            throw new IllegalArgumentException(what + " must be a power of two from 1024 to 1073741824 bytes, not " +
                bytes);
        }
        return bytes;
    }

    static Duration checkKeepaliveTime(final String what, final Duration time)
    {
        if (time == null || time.compareTo(Duration.ofMillis(1)) < 0 || time.getSeconds() > MAX_SECONDS ||
            time.getSeconds() == MAX_SECONDS && time.getNano() > 0)
        {
            throw new IllegalArgumentException(what + " must be from 1 ms to " + MAX_SECONDS + " s, not " + time);
        }
        return time;
    }

    static int checkProbes(final int probes)
    {
        if (probes < 1 || probes > MAX_KEEPALIVE_PROBES)
        {
            throw new IllegalArgumentException("keepalive probes must be from 1 to " + MAX_KEEPALIVE_PROBES +
                ", not " + probes);
        }
        return probes;
    }

    static Duration checkLinger(final Duration linger)
    {
        if (linger != null && (linger.isNegative() || linger.getSeconds() > MAX_SECONDS ||
            linger.getSeconds() == MAX_SECONDS && linger.getNano() > 0))
        {
            throw new IllegalArgumentException("linger must be null (off) or from 0 to " + MAX_SECONDS + " s, not " +
                linger);
        }
        return linger;
    }

    private static String checkName(final String what, final String name)
    {
        if (name == null || name.isBlank())
        {
            throw new IllegalArgumentException(what + " needs a policy name, e.g. \"newreno\"; see TcpPolicies");
        }
        return name;
    }
}
