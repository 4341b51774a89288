package io.ustack.api.config;

/**
 * How the layer agents of one stack are given threads. The agents are the same in every mode, and so are the
 * results; only who calls {@code doWork()} changes (DESIGN.md, "Data path").
 */
public enum ThreadingMode
{
    /** No thread of the stack's own: the caller drives it with {@code stack.poll(nowNs)}. Used by the simulator. */
    INVOKER,
    /** One thread runs every layer agent in turn (an Agrona {@code CompositeAgent}). */
    SHARED,
    /** One thread per layer agent, the layers joined by lock-free rings. */
    DEDICATED
}
