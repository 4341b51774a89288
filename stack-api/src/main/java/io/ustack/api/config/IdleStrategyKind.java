package io.ustack.api.config;

/** What an agent thread does when a duty cycle found no work. Ignored in {@link ThreadingMode#INVOKER}. */
public enum IdleStrategyKind
{
    /** Spin on the core: lowest latency, burns a core per thread. */
    BUSY_SPIN,
    /** {@code Thread.yield()} between empty cycles. */
    YIELDING,
    /** Spin, then yield, then park with exponential backoff up to a millisecond (the default). */
    BACKOFF,
    /** Park for a fixed 100 µs between empty cycles: least CPU, most latency. */
    SLEEPING
}
