package io.ustack.api.timer;

/**
 * Deadline timers for one agent; single-threaded (the owning agent's thread), and allocation-free in steady state.
 *
 * <p>Contract shared by every implementation:
 * <ul>
 *   <li>Every scheduled timer fires exactly once unless cancelled, on the first {@link #poll(long, int)} whose
 *       {@code nowNs} has reached its deadline ({@code deadlineNs - nowNs <= 0}, wrap-safe), never before.</li>
 *   <li>Within one poll timers fire in deadline order; implementations document any coarsening (the wheel orders by
 *       tick, not inside a tick).</li>
 *   <li>Handlers may schedule, reschedule and cancel timers during a poll. A timer scheduled from a handler with a
 *       deadline already due fires in the same poll (within its {@code limit}); a handler that keeps re-arming at
 *       {@code nowNs} therefore loops until the limit is reached.</li>
 *   <li>Timer ids are never reused while the holder could still mistake them: a stale id (fired, cancelled or
 *       rescheduled) makes {@link #cancel(long)} return false and {@link #reschedule(long, long)} return
 *       {@link #NULL_TIMER_ID}. Ids carry a 31-bit generation per internal slot, so an id could only alias after
 *       2<sup>31</sup> reuses of one slot.</li>
 * </ul>
 * All deadlines pending at once must lie within 2<sup>62</sup> ns (146 years) of each other and of the poll times.
 */
public interface TimerService
{
    /** A timer id that no timer ever has; safe to store in a field meaning "no timer armed". */
    long NULL_TIMER_ID = -1;

    /**
     * Arms a timer.
     *
     * @param deadlineNs when it expires; a deadline already due fires on the next poll
     * @param handler    called on expiry; a long-lived object, not a lambda made per call
     * @param context    handed back to the handler, e.g. connection index × timer kind
     * @return the timer's id, never {@link #NULL_TIMER_ID}
     */
    long schedule(long deadlineNs, TimerHandler handler, long context);

    /**
     * Disarms a timer.
     *
     * @param timerId an id from {@link #schedule} or {@link #reschedule}; {@link #NULL_TIMER_ID} is allowed
     * @return true if the timer was pending and now will not fire; false if it already fired, was cancelled, or the
     *     id is unknown
     */
    boolean cancel(long timerId);

    /**
     * Moves a pending timer to a new deadline, keeping its handler and context: a cancel plus a schedule.
     *
     * @param timerId       the pending timer
     * @param newDeadlineNs its new deadline
     * @return the timer's new id (the old one becomes stale), or {@link #NULL_TIMER_ID} if {@code timerId} was not
     *     pending, in which case nothing is scheduled
     */
    long reschedule(long timerId, long newDeadlineNs);

    /**
     * Fires due timers, calling {@link TimerHandler#onTimer(long, long, long)} for each.
     *
     * @param nowNs the current time; must not go backwards between polls
     * @param limit the most timers to fire in this call; the rest stay due for the next poll
     * @return how many timers fired
     */
    int poll(long nowNs, int limit);

    /**
     * How many timers are armed.
     *
     * @return the number of timers scheduled and neither fired nor cancelled
     */
    int pending();

    /**
     * The earliest pending deadline, where a simulator can jump its clock to.
     *
     * @return the earliest deadline in ns, or {@link Long#MAX_VALUE} when nothing is pending
     */
    long nextDeadlineNs();
}
