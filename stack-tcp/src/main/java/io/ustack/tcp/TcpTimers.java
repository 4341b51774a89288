package io.ustack.tcp;

import io.ustack.api.timer.TimerHandler;
import io.ustack.api.timer.TimerService;

/**
 * The connection timers of RFC 9293 §3.8 on one {@link TimerService} (Linux {@code tcp_timer.c}): retransmission,
 * persist, delayed ACK, keepalive and TIME_WAIT. The context of each timer is {@code connId * KINDS + kind}, so one
 * long-lived handler serves all. Ids live in the control block; {@link #cancelAll} runs before a block is reused.
 */
final class TcpTimers implements TimerHandler
{
    static final int RETRANSMIT = 0;
    static final int PERSIST = 1;
    static final int DELAYED_ACK = 2;
    static final int KEEPALIVE = 3;
    static final int TIME_WAIT = 4;
    static final int KINDS = 8;

    /** Called when a connection timer fires. */
    interface Expiry
    {
        void onTimerExpired(int kind, int connId, long nowNs);
    }

    private final TimerService service;
    private Expiry expiry;

    TcpTimers(final TimerService service)
    {
        this.service = service;
    }

    void expiry(final Expiry expiry)
    {
        this.expiry = expiry;
    }

    TimerService service()
    {
        return service;
    }

    @Override
    public void onTimer(final long context, final long timerId, final long nowNs)
    {
        expiry.onTimerExpired((int)(context % KINDS), (int)(context / KINDS), nowNs);
    }

    /** RFC 6298 §5.1: (re)start the retransmission timer to expire RTO from now. */
    void restartRetransmit(final Tcb t, final long nowNs)
    {
        t.lossProbeArmed = false;
        t.reorderTimerArmed = false;
        service.cancel(t.rtoTimer);
        t.rtoTimer = service.schedule(nowNs + t.rto.rtoNs(), this, context(t, RETRANSMIT));
    }

    /** RFC 6298 §5.1: start the timer only if it is not running. */
    void startRetransmitIfIdle(final Tcb t, final long nowNs)
    {
        if (t.rtoTimer == TimerService.NULL_TIMER_ID)
        {
            t.lossProbeArmed = false;
            t.rtoTimer = service.schedule(nowNs + t.rto.rtoNs(), this, context(t, RETRANSMIT));
        }
    }

    /**
     * RFC 8985 §7.2: the retransmission timer set to the probe timeout instead; when it fires a tail loss probe goes
     * (and the full RTO is armed again).
     */
    void startLossProbe(final Tcb t, final long ptoNs, final long nowNs)
    {
        service.cancel(t.rtoTimer);
        t.lossProbeArmed = true;
        t.reorderTimerArmed = false;
        t.rtoTimer = service.schedule(nowNs + ptoNs, this, context(t, RETRANSMIT));
    }

    /** RFC 8985 §6.3: the retransmission timer set to RACK's reordering timeout; the RTO is armed again after. */
    void startReorderTimer(final Tcb t, final long delayNs, final long nowNs)
    {
        service.cancel(t.rtoTimer);
        t.lossProbeArmed = false;
        t.reorderTimerArmed = true;
        t.rtoTimer = service.schedule(nowNs + delayNs, this, context(t, RETRANSMIT));
    }

    void cancelRetransmit(final Tcb t)
    {
        t.lossProbeArmed = false;
        t.reorderTimerArmed = false;
        service.cancel(t.rtoTimer);
        t.rtoTimer = TimerService.NULL_TIMER_ID;
    }

    void startPersist(final Tcb t, final long delayNs, final long nowNs)
    {
        if (t.persistTimer == TimerService.NULL_TIMER_ID)
        {
            t.persistTimer = service.schedule(nowNs + delayNs, this, context(t, PERSIST));
        }
    }

    void cancelPersist(final Tcb t)
    {
        service.cancel(t.persistTimer);
        t.persistTimer = TimerService.NULL_TIMER_ID;
    }

    /** Arms the delayed-ACK timer for the policy's deadline unless it is already armed. */
    void startDelayedAck(final Tcb t, final long deadlineNs)
    {
        if (t.delackTimer == TimerService.NULL_TIMER_ID)
        {
            t.delackTimer = service.schedule(deadlineNs, this, context(t, DELAYED_ACK));
        }
    }

    void cancelDelayedAck(final Tcb t)
    {
        if (t.delackTimer != TimerService.NULL_TIMER_ID)
        {
            service.cancel(t.delackTimer);
            t.delackTimer = TimerService.NULL_TIMER_ID;
        }
    }

    void restartKeepalive(final Tcb t, final long delayNs, final long nowNs)
    {
        service.cancel(t.keepaliveTimer);
        t.keepaliveTimer = service.schedule(nowNs + delayNs, this, context(t, KEEPALIVE));
    }

    void cancelKeepalive(final Tcb t)
    {
        service.cancel(t.keepaliveTimer);
        t.keepaliveTimer = TimerService.NULL_TIMER_ID;
    }

    /** RFC 9293 §3.6.1: (re)start the 2×MSL TIME_WAIT timer. */
    void restartTimeWait(final Tcb t, final long delayNs, final long nowNs)
    {
        service.cancel(t.timeWaitTimer);
        t.timeWaitTimer = service.schedule(nowNs + delayNs, this, context(t, TIME_WAIT));
    }

    /** Marks a fired timer as no longer armed, before its work runs (which may re-arm it). */
    void fired(final Tcb t, final int kind)
    {
        switch (kind)
        {
            case RETRANSMIT -> t.rtoTimer = TimerService.NULL_TIMER_ID;
            case PERSIST -> t.persistTimer = TimerService.NULL_TIMER_ID;
            case DELAYED_ACK -> t.delackTimer = TimerService.NULL_TIMER_ID;
            case KEEPALIVE -> t.keepaliveTimer = TimerService.NULL_TIMER_ID;
            default -> t.timeWaitTimer = TimerService.NULL_TIMER_ID;
        }
    }

    void cancelAll(final Tcb t)
    {
        cancelRetransmit(t);
        cancelPersist(t);
        cancelDelayedAck(t);
        cancelKeepalive(t);
        service.cancel(t.timeWaitTimer);
        t.timeWaitTimer = TimerService.NULL_TIMER_ID;
    }

    private static long context(final Tcb t, final int kind)
    {
        return (long)t.id * KINDS + kind;
    }
}
