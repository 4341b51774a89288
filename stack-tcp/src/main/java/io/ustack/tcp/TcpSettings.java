package io.ustack.tcp;

import java.util.Arrays;

/**
 * Tunables of a {@link TcpModule}, built and validated once; every refusal says what to fix.
 *
 * <p>Defaults and where they come from:
 * <ul>
 *   <li>send and receive buffers 64 KiB each (powers of two). Without window scaling (RFC 7323, not yet sent) the
 *       advertised window is capped at 65,535 bytes whatever the buffer;</li>
 *   <li>MSL 30 s, so TIME_WAIT lasts 2×MSL = 60 s (RFC 9293 §3.4.2 suggests 2 minutes for MSL; Linux uses 60 s for
 *       TIME_WAIT, which is what we follow);</li>
 *   <li>R1 = 3 and R2 = 15 retransmissions (RFC 9293 §3.8.3 / RFC 1122 §4.2.3.5: R1 at least 3 retransmissions,
 *       R2 at least 100 s; Linux tcp_retries1 = 3, tcp_retries2 = 15, about 924 s with a 200 ms minimum RTO). R2 is
 *       counted in consecutive retransmission timeouts of the same data, not in time; after R1 the connection would
 *       tell IP to check the route (not done yet: the IP layer has no such hook);</li>
 *   <li>SYN retries 6 (Linux tcp_syn_retries; RFC 9293 §3.8.3 asks R2 for a SYN of at least 3 minutes: with the 1 s
 *       initial RTO doubling, 6 retries wait 127 s, so raise it for strict compliance);</li>
 *   <li>keepalive off, 2 h idle, 75 s interval, 9 probes (RFC 1122 §4.2.3.6 / RFC 9293 §3.8.4, Linux defaults);</li>
 *   <li>policies by name (see {@link io.ustack.api.tcp.TcpPolicies}): ACK "delayed", congestion control
 *       "newreno", loss recovery "rack" (RFC 8985; NewReno's when the peer does not SACK), RTO estimator "rfc6298", ISN
 *       "rfc6528" keyed with a 16-byte secret; SACK (RFC 2018) and timestamps (RFC 7323) offered and
 *       accepted;</li>
 *   <li>at most 1,000 challenge ACKs per second for the whole module (RFC 5961 §7; Linux tcp_challenge_ack_limit).</li>
 * </ul>
 */
public final class TcpSettings
{
    private final int sendBufferBytes;
    private final int receiveBufferBytes;
    private final long mslNs;
    private final int r1;
    private final int r2;
    private final int synRetries;
    private final boolean keepalive;
    private final long keepaliveIdleNs;
    private final long keepaliveIntervalNs;
    private final int keepaliveProbes;
    private final String ackPolicy;
    private final String congestionControl;
    private final String rtoEstimator;
    private final String isnGenerator;
    private final String lossRecovery;
    private final boolean sack;
    private final boolean timestamps;
    private final byte[] isnSecret;
    private final int challengeAcksPerSecond;
    private final int maxConnections;
    private final int maxListeners;

    private TcpSettings(final Builder b)
    {
        sendBufferBytes = b.sendBufferBytes;
        receiveBufferBytes = b.receiveBufferBytes;
        mslNs = b.mslNs;
        r1 = b.r1;
        r2 = b.r2;
        synRetries = b.synRetries;
        keepalive = b.keepalive;
        keepaliveIdleNs = b.keepaliveIdleNs;
        keepaliveIntervalNs = b.keepaliveIntervalNs;
        keepaliveProbes = b.keepaliveProbes;
        ackPolicy = b.ackPolicy;
        congestionControl = b.congestionControl;
        rtoEstimator = b.rtoEstimator;
        isnGenerator = b.isnGenerator;
        lossRecovery = b.lossRecovery;
        sack = b.sack;
        timestamps = b.timestamps;
        isnSecret = b.isnSecret.clone();
        challengeAcksPerSecond = b.challengeAcksPerSecond;
        maxConnections = b.maxConnections;
        maxListeners = b.maxListeners;
    }

    /** A builder holding the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** The defaults. */
    public static TcpSettings defaults()
    {
        return builder().build();
    }

    public int sendBufferBytes()
    {
        return sendBufferBytes;
    }

    public int receiveBufferBytes()
    {
        return receiveBufferBytes;
    }

    /** Maximum segment lifetime; TIME_WAIT lasts twice this. */
    public long mslNs()
    {
        return mslNs;
    }

    /** RFC 9293 §3.8.3 R1: retransmissions after which IP should be asked to check the route. */
    public int r1()
    {
        return r1;
    }

    /** RFC 9293 §3.8.3 R2: consecutive retransmission timeouts after which the connection aborts (ETIMEDOUT). */
    public int r2()
    {
        return r2;
    }

    /** Retransmissions of a SYN or SYN-ACK before the open fails. */
    public int synRetries()
    {
        return synRetries;
    }

    public boolean keepalive()
    {
        return keepalive;
    }

    public long keepaliveIdleNs()
    {
        return keepaliveIdleNs;
    }

    public long keepaliveIntervalNs()
    {
        return keepaliveIntervalNs;
    }

    public int keepaliveProbes()
    {
        return keepaliveProbes;
    }

    public String ackPolicy()
    {
        return ackPolicy;
    }

    public String congestionControl()
    {
        return congestionControl;
    }

    public String rtoEstimator()
    {
        return rtoEstimator;
    }

    public String isnGenerator()
    {
        return isnGenerator;
    }

    /**
     * The loss recovery connections use ({@link io.ustack.api.tcp.TcpPolicies#lossRecoveryNames()}); one that needs
     * SACK falls back to "newreno" on connections whose peer did not agree to SACK.
     */
    public String lossRecovery()
    {
        return lossRecovery;
    }

    /** RFC 2018: offer and accept selective acknowledgements (on by default, as in Linux's tcp_sack). */
    public boolean sack()
    {
        return sack;
    }

    /** RFC 7323 §3-§5: offer and accept timestamps, for RTT measurement and PAWS (on by default, as in Linux). */
    public boolean timestamps()
    {
        return timestamps;
    }

    /** A copy of the ISN secret. */
    public byte[] isnSecret()
    {
        return isnSecret.clone();
    }

    public int challengeAcksPerSecond()
    {
        return challengeAcksPerSecond;
    }

    /** Control blocks in the pool: connections (in any state, TIME_WAIT included) held at once. */
    public int maxConnections()
    {
        return maxConnections;
    }

    public int maxListeners()
    {
        return maxListeners;
    }

    @Override
    public String toString()
    {
        return "TcpSettings{sndbuf=" + sendBufferBytes + ", rcvbuf=" + receiveBufferBytes + ", mslNs=" + mslNs +
            ", r1=" + r1 + ", r2=" + r2 + ", synRetries=" + synRetries + ", keepalive=" + keepalive +
            ", ack=" + ackPolicy + ", cc=" + congestionControl + ", rto=" + rtoEstimator + ", isn=" + isnGenerator +
            ", recovery=" + lossRecovery + ", sack=" + sack + ", timestamps=" + timestamps +
            ", challengeAcksPerSecond=" + challengeAcksPerSecond + ", maxConnections=" + maxConnections + '}';
    }

    /** Collects settings; {@link #build()} checks them. */
    public static final class Builder
    {
        private int sendBufferBytes = 1 << 16;
        private int receiveBufferBytes = 1 << 16;
        private long mslNs = 30_000_000_000L;
        private int r1 = 3;
        private int r2 = 15;
        private int synRetries = 6;
        private boolean keepalive;
        private long keepaliveIdleNs = 7_200_000_000_000L;
        private long keepaliveIntervalNs = 75_000_000_000L;
        private int keepaliveProbes = 9;
        private String ackPolicy = "delayed";
        private String congestionControl = "newreno";
        private String rtoEstimator = "rfc6298";
        private String isnGenerator = "rfc6528";
        private String lossRecovery = "rack";
        private boolean sack = true;
        private boolean timestamps = true;
        private byte[] isnSecret = new byte[16];
        private int challengeAcksPerSecond = 1000;
        private int maxConnections = 1024;
        private int maxListeners = 64;

        private Builder()
        {
        }

        public Builder sendBufferBytes(final int bytes)
        {
            sendBufferBytes = bytes;
            return this;
        }

        public Builder receiveBufferBytes(final int bytes)
        {
            receiveBufferBytes = bytes;
            return this;
        }

        public Builder mslNs(final long ns)
        {
            mslNs = ns;
            return this;
        }

        public Builder r1(final int retransmissions)
        {
            r1 = retransmissions;
            return this;
        }

        public Builder r2(final int retransmissions)
        {
            r2 = retransmissions;
            return this;
        }

        public Builder synRetries(final int retries)
        {
            synRetries = retries;
            return this;
        }

        public Builder keepalive(final boolean on)
        {
            keepalive = on;
            return this;
        }

        public Builder keepaliveIdleNs(final long ns)
        {
            keepaliveIdleNs = ns;
            return this;
        }

        public Builder keepaliveIntervalNs(final long ns)
        {
            keepaliveIntervalNs = ns;
            return this;
        }

        public Builder keepaliveProbes(final int probes)
        {
            keepaliveProbes = probes;
            return this;
        }

        public Builder ackPolicy(final String name)
        {
            ackPolicy = name;
            return this;
        }

        public Builder congestionControl(final String name)
        {
            congestionControl = name;
            return this;
        }

        public Builder rtoEstimator(final String name)
        {
            rtoEstimator = name;
            return this;
        }

        public Builder isnGenerator(final String name)
        {
            isnGenerator = name;
            return this;
        }

        public Builder lossRecovery(final String name)
        {
            lossRecovery = name;
            return this;
        }

        public Builder sack(final boolean on)
        {
            sack = on;
            return this;
        }

        public Builder timestamps(final boolean on)
        {
            timestamps = on;
            return this;
        }

        /** The key of the ISN generator (16 bytes for RFC 6528); draw it from a SecureRandom in production. */
        public Builder isnSecret(final byte[] secret)
        {
            isnSecret = secret == null ? null : Arrays.copyOf(secret, secret.length);
            return this;
        }

        public Builder challengeAcksPerSecond(final int limit)
        {
            challengeAcksPerSecond = limit;
            return this;
        }

        public Builder maxConnections(final int count)
        {
            maxConnections = count;
            return this;
        }

        public Builder maxListeners(final int count)
        {
            maxListeners = count;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first setting that is out of range and what it should be
         */
        public TcpSettings build()
        {
            powerOfTwo("sendBufferBytes", sendBufferBytes);
            powerOfTwo("receiveBufferBytes", receiveBufferBytes);
            require(mslNs > 0, "mslNs must be above 0 (TIME_WAIT lasts 2×MSL; RFC 9293 §3.4.2), not " + mslNs);
            require(r1 >= 3, "r1 must be at least 3 retransmissions (RFC 9293 §3.8.3 MUST-20), not " + r1);
            require(r2 > r1, "r2 (" + r2 + ") must be greater than r1 (" + r1 + ") (RFC 9293 §3.8.3)");
            require(synRetries >= 1, "synRetries must be at least 1, not " + synRetries);
            require(keepaliveIdleNs > 0 && keepaliveIntervalNs > 0, "keepalive idle and interval must be above 0");
            require(keepaliveProbes >= 1, "keepaliveProbes must be at least 1, not " + keepaliveProbes);
            require(ackPolicy != null && congestionControl != null && rtoEstimator != null && isnGenerator != null &&
                lossRecovery != null,
                "policy names must not be null (see TcpPolicies.installed() for the names there are)");
            require(isnSecret != null, "isnSecret must not be null: give 16 bytes from a SecureRandom");
            require(challengeAcksPerSecond >= 1,
                "challengeAcksPerSecond must be at least 1 (RFC 5961 §7), not " + challengeAcksPerSecond);
            require(maxConnections >= 1 && maxConnections <= 1 << 24,
                "maxConnections must be within 1..16777216, not " + maxConnections);
            require(maxListeners >= 1, "maxListeners must be at least 1, not " + maxListeners);
            return new TcpSettings(this);
        }

        private static void powerOfTwo(final String name, final int bytes)
        {
            require(bytes >= 1024 && bytes <= 1 << 30 && Integer.bitCount(bytes) == 1,
                name + " must be a power of two from 1024 to 2^30 bytes, not " + bytes);
        }

        private static void require(final boolean ok, final String message)
        {
            if (!ok)
            {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
