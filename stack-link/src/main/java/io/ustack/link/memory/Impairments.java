package io.ustack.link.memory;

/**
 * What one direction of a link does to the frames it carries: a seeded, immutable description, built with
 * {@link #builder()}. {@link #NONE} passes every frame through untouched and at once.
 *
 * <p>Each frame is judged in this order, with one seeded random sequence per direction, so the same seed and the
 * same frames give the same decisions:
 * <ol>
 *   <li><b>rate</b>: the frame occupies the wire for its serialization time (frame, FCS, preamble and inter-frame
 *       gap at {@link #rateBitsPerSecond()}), after the frames before it; then</li>
 *   <li><b>delay</b>: it arrives {@link #delayNs()} after it left the wire;</li>
 *   <li><b>loss</b>: with {@link #lossProbability()} it never arrives (it still used its wire time);</li>
 *   <li><b>duplication</b>: with {@link #duplicationProbability()} an identical second copy arrives with it;</li>
 *   <li><b>reordering</b>: with {@link #reorderProbability()} it is held back until a later frame has been
 *       delivered, or at most {@link #reorderHoldNs()} past its arrival time;</li>
 *   <li><b>corruption</b>: with {@link #corruptionProbability()} one random bit of the frame (FCS included, when
 *       the link has one) is flipped.</li>
 * </ol>
 */
public final class Impairments
{
    /** No loss, duplication, reordering, corruption, delay or rate limit. */
    public static final Impairments NONE = builder().build();

    /** Default longest hold of a reordered frame: 1 ms. */
    public static final long DEFAULT_REORDER_HOLD_NS = 1_000_000L;

    private final long seed;
    private final double lossProbability;
    private final double duplicationProbability;
    private final double reorderProbability;
    private final long reorderHoldNs;
    private final double corruptionProbability;
    private final long delayNs;
    private final long rateBitsPerSecond;

    private Impairments(final Builder b)
    {
        this.seed = b.seed;
        this.lossProbability = b.lossProbability;
        this.duplicationProbability = b.duplicationProbability;
        this.reorderProbability = b.reorderProbability;
        this.reorderHoldNs = b.reorderHoldNs;
        this.corruptionProbability = b.corruptionProbability;
        this.delayNs = b.delayNs;
        this.rateBitsPerSecond = b.rateBitsPerSecond;
    }

    /** A builder holding {@link #NONE}'s settings and seed 0. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** A builder starting from this value's settings. */
    public Builder toBuilder()
    {
        return new Builder()
            .seed(seed)
            .lossProbability(lossProbability)
            .duplicationProbability(duplicationProbability)
            .reorderProbability(reorderProbability)
            .reorderHoldNs(reorderHoldNs)
            .corruptionProbability(corruptionProbability)
            .delayNs(delayNs)
            .rateBitsPerSecond(rateBitsPerSecond);
    }

    /** Seed of the random sequence that makes every decision. */
    public long seed()
    {
        return seed;
    }

    /** Probability in [0, 1] that a frame is lost. */
    public double lossProbability()
    {
        return lossProbability;
    }

    /** Probability in [0, 1] that a frame arrives twice. */
    public double duplicationProbability()
    {
        return duplicationProbability;
    }

    /** Probability in [0, 1] that a frame is held back behind a later one. */
    public double reorderProbability()
    {
        return reorderProbability;
    }

    /** Longest time a held-back frame waits for a later frame before it is delivered anyway. */
    public long reorderHoldNs()
    {
        return reorderHoldNs;
    }

    /** Probability in [0, 1] that one bit of a frame is flipped. */
    public double corruptionProbability()
    {
        return corruptionProbability;
    }

    /** Fixed propagation delay added to every frame. */
    public long delayNs()
    {
        return delayNs;
    }

    /** Wire rate in bits per second; 0 means no rate limit (frames take no time on the wire). */
    public long rateBitsPerSecond()
    {
        return rateBitsPerSecond;
    }

    /** Whether frames pass unchanged, in order and at once: nothing here changes them. */
    public boolean isNone()
    {
        return lossProbability == 0 && duplicationProbability == 0 && reorderProbability == 0 &&
            corruptionProbability == 0 && delayNs == 0 && rateBitsPerSecond == 0;
    }

    @Override
    public String toString()
    {
        return "Impairments{seed=" + seed + ", loss=" + lossProbability + ", duplication=" + duplicationProbability +
            ", reorder=" + reorderProbability + ", reorderHoldNs=" + reorderHoldNs +
            ", corruption=" + corruptionProbability + ", delayNs=" + delayNs +
            ", rateBitsPerSecond=" + rateBitsPerSecond + "}";
    }

    /** Collects settings; {@link #build()} checks them all and says what to fix. */
    public static final class Builder
    {
        private long seed;
        private double lossProbability;
        private double duplicationProbability;
        private double reorderProbability;
        private long reorderHoldNs = DEFAULT_REORDER_HOLD_NS;
        private double corruptionProbability;
        private long delayNs;
        private long rateBitsPerSecond;

        private Builder()
        {
        }

        /** See {@link Impairments#seed()}. */
        public Builder seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** See {@link Impairments#lossProbability()}. */
        public Builder lossProbability(final double lossProbability)
        {
            this.lossProbability = lossProbability;
            return this;
        }

        /** See {@link Impairments#duplicationProbability()}. */
        public Builder duplicationProbability(final double duplicationProbability)
        {
            this.duplicationProbability = duplicationProbability;
            return this;
        }

        /** See {@link Impairments#reorderProbability()}. */
        public Builder reorderProbability(final double reorderProbability)
        {
            this.reorderProbability = reorderProbability;
            return this;
        }

        /** See {@link Impairments#reorderHoldNs()}. */
        public Builder reorderHoldNs(final long reorderHoldNs)
        {
            this.reorderHoldNs = reorderHoldNs;
            return this;
        }

        /** See {@link Impairments#corruptionProbability()}. */
        public Builder corruptionProbability(final double corruptionProbability)
        {
            this.corruptionProbability = corruptionProbability;
            return this;
        }

        /** See {@link Impairments#delayNs()}. */
        public Builder delayNs(final long delayNs)
        {
            this.delayNs = delayNs;
            return this;
        }

        /** See {@link Impairments#rateBitsPerSecond()}. */
        public Builder rateBitsPerSecond(final long rateBitsPerSecond)
        {
            this.rateBitsPerSecond = rateBitsPerSecond;
            return this;
        }

        /**
         * Checks every setting and builds the value.
         *
         * @throws IllegalArgumentException naming each bad setting and what would be accepted
         */
        public Impairments build()
        {
            final StringBuilder problems = new StringBuilder();
            checkProbability(problems, "lossProbability", lossProbability);
            checkProbability(problems, "duplicationProbability", duplicationProbability);
            checkProbability(problems, "reorderProbability", reorderProbability);
            checkProbability(problems, "corruptionProbability", corruptionProbability);
            if (reorderHoldNs < 0 || (reorderProbability > 0 && reorderHoldNs == 0))
            {
                problems.append("\n - reorderHoldNs ").append(reorderHoldNs)
                    .append(": use a positive time (default ").append(DEFAULT_REORDER_HOLD_NS)
                    .append(" ns) so a held-back frame can wait for the next one");
            }
            if (delayNs < 0)
            {
                problems.append("\n - delayNs ").append(delayNs).append(": use 0 or more nanoseconds");
            }
            if (rateBitsPerSecond < 0)
            {
                problems.append("\n - rateBitsPerSecond ").append(rateBitsPerSecond)
                    .append(": use 0 for no limit or a positive rate such as 1000000000 (1 Gbit/s)");
            }
            if (problems.length() > 0)
            {
                throw new IllegalArgumentException("invalid impairments:" + problems);
            }
            return new Impairments(this);
        }

        private static void checkProbability(final StringBuilder problems, final String name, final double value)
        {
            if (!(value >= 0.0 && value <= 1.0))
            {
                problems.append("\n - ").append(name).append(' ').append(value)
                    .append(": use a probability from 0.0 to 1.0 (e.g. 0.01 for 1%)");
            }
        }
    }
}
