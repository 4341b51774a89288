package io.ustack.runtime.tcp;

import io.ustack.link.memory.Impairments;

/**
 * The wire conditions of the TCP test matrix: loss 0, 1, 5 and 10% each way, and every lossy profile also
 * duplicates 1%, reorders 1% (held up to 1 ms) and corrupts 0.5% of frames (a flipped bit the receiving link's FCS
 * check drops, so to TCP it is one more loss). {@link #DUP_REORDER_CORRUPT} has no loss but the other three.
 */
enum WireProfile
{
    CLEAN(0),
    DUP_REORDER_CORRUPT(0),
    LOSS_1(0.01),
    LOSS_5(0.05),
    LOSS_10(0.10);

    private final double loss;

    WireProfile(final double loss)
    {
        this.loss = loss;
    }

    /** This profile's impairments with {@code seed}. */
    Impairments impairments(final long seed)
    {
        if (this == CLEAN)
        {
            return Impairments.NONE;
        }
        return Impairments.builder().seed(seed).lossProbability(loss).duplicationProbability(0.01)
            .reorderProbability(0.01).corruptionProbability(0.005).build();
    }
}
