package io.ustack.api.timer;

/**
 * Called when a timer expires. Implemented by long-lived objects (a connection table's timer dispatcher, an ARP
 * cache), never by a capturing lambda made per schedule: the {@code context} primitive says which timer it was, for
 * example {@code connectionIndex * TIMER_KINDS + kind}.
 */
@FunctionalInterface
public interface TimerHandler
{
    /**
     * The timer's deadline has passed. By the time this runs the timer is no longer pending: {@code timerId} can no
     * longer be cancelled, and the handler may schedule, reschedule or cancel any timers, this service's included.
     *
     * @param context the value given to {@link TimerService#schedule(long, TimerHandler, long)}
     * @param timerId the id this timer had
     * @param nowNs   the time given to {@link TimerService#poll(long, int)}; never before the deadline
     */
    void onTimer(long context, long timerId, long nowNs);
}
