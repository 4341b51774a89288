/**
 * The in-memory wire: two {@link io.ustack.api.link.LinkEndpoint}s joined in one JVM, with a CRC-32 frame check
 * sequence and seeded, deterministic impairments (loss, duplication, reordering, corruption, delay, rate).
 *
 * <p>{@link io.ustack.link.memory.DelayLine} and {@link io.ustack.link.memory.ImpairmentEngine} are the one
 * implementation of impairments; the fault-injecting decorator reuses them.
 */
package io.ustack.link.memory;
