package io.ustack.tcp.policy;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionContext;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.CongestionControlFactory;

/**
 * What a researcher's jar would hold: a congestion control outside ustack, registered only through
 * {@code src/test/resources/META-INF/services/io.ustack.api.tcp.CongestionControlFactory}. It adds one SMSS per ACK,
 * always — not an algorithm anyone should run.
 */
public final class ThirdPartyCongestionControl implements CongestionControl
{
    /** The factory the services file names. */
    public static final class Factory implements CongestionControlFactory
    {
        @Override
        public String name()
        {
            return "thirdparty-aimd";
        }

        @Override
        public CongestionControl create()
        {
            return new ThirdPartyCongestionControl();
        }
    }

    private CongestionContext ctx;
    private long cwnd;

    @Override
    public String name()
    {
        return "thirdparty-aimd";
    }

    @Override
    public void init(final CongestionContext ctx)
    {
        this.ctx = ctx;
        cwnd = ctx.smss();
    }

    @Override
    public void onAck(final AckSample sample)
    {
        cwnd += ctx.smss();
    }

    @Override
    public void onCongestionEvent(final long nowNs)
    {
        cwnd = Math.max(cwnd / 2, ctx.smss());
    }

    @Override
    public void onRetransmitTimeout(final long nowNs)
    {
        cwnd = ctx.smss();
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
        return INFINITE_SSTHRESH;
    }

    @Override
    public long pacingRateBps()
    {
        return 0;
    }
}
