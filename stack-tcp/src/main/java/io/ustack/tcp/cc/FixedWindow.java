package io.ustack.tcp.cc;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionContext;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.CongestionControlFactory;
import io.ustack.api.tcp.TcpPolicySettings;

/**
 * A congestion window that never moves, for experiments: the sender is limited only by this window and the peer's
 * receive window. Losses and timeouts change nothing. Not congestion control in the sense of RFC 5681 — never use it on
 * a shared network.
 *
 * <p>Settings: {@code cwndBytes} (the window in bytes), or {@code cwndSegments} (in SMSS units, default 10) when
 * {@code cwndBytes} is absent. ssthresh reports the same value.
 */
public final class FixedWindow implements CongestionControl
{
    /** The name the fixed window is chosen by. */
    public static final String NAME = "fixed";
    /** Setting: the window in bytes. */
    public static final String CWND_BYTES = "cwndBytes";
    /** Setting: the window in segments of SMSS, used when {@link #CWND_BYTES} is absent. */
    public static final String CWND_SEGMENTS = "cwndSegments";
    /** Default window in segments. */
    public static final long DEFAULT_CWND_SEGMENTS = 10;

    /** Registers the fixed window with {@link java.util.ServiceLoader}. */
    public static final class Factory implements CongestionControlFactory
    {
        @Override
        public String name()
        {
            return NAME;
        }

        @Override
        public CongestionControl create()
        {
            return new FixedWindow(0, DEFAULT_CWND_SEGMENTS);
        }

        @Override
        public CongestionControl create(final TcpPolicySettings settings)
        {
            settings.requireOnly(NAME, CWND_BYTES, CWND_SEGMENTS);
            return new FixedWindow(settings.longValue(CWND_BYTES, 0, 1, Integer.MAX_VALUE),
                settings.longValue(CWND_SEGMENTS, DEFAULT_CWND_SEGMENTS, 1, 1 << 20));
        }
    }

    private final long cwndBytesSetting;
    private final long cwndSegments;
    private long cwnd;

    /**
     * A fixed window.
     *
     * @param cwndBytes the window in bytes, or 0 to use {@code cwndSegments}
     * @param cwndSegments the window in SMSS units when {@code cwndBytes} is 0
     */
    public FixedWindow(final long cwndBytes, final long cwndSegments)
    {
        if (cwndBytes < 0 || cwndSegments < 1)
        {
            throw new IllegalArgumentException("fixed window needs cwndBytes >= 0 and cwndSegments >= 1, not " +
                cwndBytes + " and " + cwndSegments);
        }
        this.cwndBytesSetting = cwndBytes;
        this.cwndSegments = cwndSegments;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public void init(final CongestionContext ctx)
    {
        cwnd = cwndBytesSetting > 0 ? cwndBytesSetting : cwndSegments * ctx.smss();
    }

    @Override
    public void onAck(final AckSample sample)
    {
    }

    @Override
    public void onCongestionEvent(final long nowNs)
    {
    }

    @Override
    public void onRetransmitTimeout(final long nowNs)
    {
    }

    @Override
    public void onStateChange(final int state)
    {
    }

    @Override
    public void onRecoveryExit(final long nowNs)
    {
    }

    @Override
    public long cwnd()
    {
        return cwnd;
    }

    @Override
    public long ssthresh()
    {
        return cwnd;
    }

    @Override
    public long pacingRateBps()
    {
        return 0;
    }

    @Override
    public String toString()
    {
        return "FixedWindow{cwnd=" + cwnd + '}';
    }
}
