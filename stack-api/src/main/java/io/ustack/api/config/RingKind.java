package io.ustack.api.config;

/** Which implementation carries descriptors between layers. Both are measured in the benchmarks module. */
public enum RingKind
{
    /** Agrona {@code OneToOneRingBuffer}: descriptors encoded into a shared byte ring with claim/commit. */
    AGRONA,
    /** LMAX Disruptor: a pre-allocated ring of descriptor events with a single-producer sequencer. */
    DISRUPTOR
}
