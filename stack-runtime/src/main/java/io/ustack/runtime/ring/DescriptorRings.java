package io.ustack.runtime.ring;

import io.ustack.api.config.RingKind;
import io.ustack.api.ring.DescriptorRing;

/** Makes the layer ring that {@link RingKind} names. */
public final class DescriptorRings
{
    private DescriptorRings()
    {
    }

    /** A new ring of the given kind holding at least {@code capacity} descriptors. */
    public static DescriptorRing create(final RingKind kind, final int capacity)
    {
        switch (kind)
        {
            case AGRONA:
                return new AgronaDescriptorRing(capacity);
            case DISRUPTOR:
                return new DisruptorDescriptorRing(capacity);
            default:
                throw new IllegalArgumentException("unknown ring kind " + kind + "; use AGRONA or DISRUPTOR");
        }
    }
}
