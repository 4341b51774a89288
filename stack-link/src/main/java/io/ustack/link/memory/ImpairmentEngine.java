package io.ustack.link.memory;

import java.util.SplittableRandom;

/**
 * Makes the per-frame decisions that {@link Impairments} describes, for one direction, from one seeded
 * {@link SplittableRandom}: the same seed and the same sequence of frames give the same decisions, whatever the
 * threads or timing. Used by the in-memory wire and the fault-injecting decorator alike (through
 * {@link DelayLine}).
 *
 * <p>{@link #decide} leaves its answer in this object's fields (read with {@link #lose()}, {@link #deliverAtNs()},
 * ...) so no object is made per frame. Not thread-safe: the producing side of one direction owns it.
 */
public final class ImpairmentEngine
{
    /** Bytes a frame costs on an Ethernet wire beyond its header and payload: FCS 4, preamble+SFD 8, gap 12. */
    public static final int ETHERNET_OVERHEAD_BYTES = 24;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Impairments impairments;
    private final SplittableRandom random;
    private boolean wireEverUsed;
    private long wireFreeAtNs;

    private boolean lose;
    private boolean duplicate;
    private boolean reorder;
    private int corruptBitIndex;
    private long deliverAtNs;
    private long holdUntilNs;

    /** Decisions for {@code impairments}, from its seed. */
    public ImpairmentEngine(final Impairments impairments)
    {
        this.impairments = impairments;
        this.random = new SplittableRandom(impairments.seed());
    }

    /** What this engine applies. */
    public Impairments impairments()
    {
        return impairments;
    }

    /**
     * Decides the fate of the next frame.
     *
     * @param nowNs             when the frame is offered to the wire
     * @param frameLength       Ethernet header and payload, without FCS: sets its time on a rate-limited wire
     * @param corruptibleLength bytes a corruption may hit (the frame, plus the FCS when the link has one)
     */
    public void decide(final long nowNs, final int frameLength, final int corruptibleLength)
    {
        final long leftWireNs = occupyWire(nowNs, frameLength);
        // Always draw the same four values first, so one frame's outcome never shifts the next frame's draws.
        final double lossDraw = random.nextDouble();
        final double duplicateDraw = random.nextDouble();
        final double reorderDraw = random.nextDouble();
        final double corruptDraw = random.nextDouble();

        lose = lossDraw < impairments.lossProbability();
        duplicate = !lose && duplicateDraw < impairments.duplicationProbability();
        reorder = !lose && reorderDraw < impairments.reorderProbability();
        final boolean corrupt = !lose && corruptibleLength > 0 && corruptDraw < impairments.corruptionProbability();
        corruptBitIndex = corrupt ? random.nextInt(corruptibleLength * 8) : -1;
        deliverAtNs = leftWireNs + impairments.delayNs();
        holdUntilNs = reorder ? deliverAtNs + impairments.reorderHoldNs() : deliverAtNs;
    }

    /** Whether the frame is lost. */
    public boolean lose()
    {
        return lose;
    }

    /** Whether a second, identical copy of the frame arrives too. */
    public boolean duplicate()
    {
        return duplicate;
    }

    /** Whether the frame is held back behind a later one. */
    public boolean reorder()
    {
        return reorder;
    }

    /** Whether one bit of the frame is flipped. */
    public boolean corrupt()
    {
        return corruptBitIndex >= 0;
    }

    /** Which bit to flip, counting from the most significant bit of the first byte; -1 when none. */
    public int corruptBitIndex()
    {
        return corruptBitIndex;
    }

    /** Earliest time the frame may be received. */
    public long deliverAtNs()
    {
        return deliverAtNs;
    }

    /** For a reordered frame, the latest time it waits for a later frame; otherwise {@link #deliverAtNs()}. */
    public long holdUntilNs()
    {
        return holdUntilNs;
    }

    /**
     * Time a frame of {@code frameLength} bytes spends being serialized at the configured rate, rounded up.
     *
     * @return 0 when there is no rate limit
     */
    public long serializationNs(final int frameLength)
    {
        final long rate = impairments.rateBitsPerSecond();
        if (rate == 0)
        {
            return 0;
        }
        final long bits = (long)(frameLength + ETHERNET_OVERHEAD_BYTES) * 8;
        return (bits * NANOS_PER_SECOND + rate - 1) / rate;
    }

    private long occupyWire(final long nowNs, final int frameLength)
    {
        final long serializationNs = serializationNs(frameLength);
        if (serializationNs == 0)
        {
            return nowNs;
        }
        final long startNs = wireEverUsed && wireFreeAtNs - nowNs > 0 ? wireFreeAtNs : nowNs;
        wireEverUsed = true;
        wireFreeAtNs = startNs + serializationNs;
        return wireFreeAtNs;
    }
}
