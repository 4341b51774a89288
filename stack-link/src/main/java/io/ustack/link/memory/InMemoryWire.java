package io.ustack.link.memory;

import io.ustack.api.link.LinkEndpoint;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;

/**
 * A full-duplex Ethernet link between two {@link LinkEndpoint}s in one JVM: two stacks, one wire, no kernel.
 *
 * <p>Each direction is a {@link DelayLine}: a bounded queue of {@link WireConfig#queueDepth()} pre-allocated
 * off-heap frame slots. The sender appends a CRC-32 FCS; the receiver checks and strips it and reports a mismatch
 * as {@link io.ustack.api.counter.DropReason#LINK_BAD_FCS}. {@code transmit} refuses a frame longer than
 * {@code mtu + 14} bytes or when the queue is full. Each direction applies its own seeded {@link Impairments};
 * a frame becomes receivable only when the injected clock reaches its deliver-at time, so with a
 * {@link io.ustack.api.time.VirtualClock} a run is fully deterministic.
 *
 * <p>Each endpoint is used by one thread; the two endpoints may be used by two different threads (each direction is
 * single-producer/single-consumer), or by the same one.
 *
 * <pre>{@code
 * InMemoryWire wire = new InMemoryWire(WireConfig.builder().impairments(lossy).build(), clock);
 * stackA.link(wire.endpointA());
 * stackB.link(wire.endpointB());
 * }</pre>
 */
public final class InMemoryWire implements AutoCloseable
{
    private final WireConfig config;
    private final DelayLine lineAToB;
    private final DelayLine lineBToA;
    private final WireEndpoint endpointA;
    private final WireEndpoint endpointB;

    /**
     * Allocates both directions' slots.
     *
     * @param config what to build
     * @param clock  the only time source: deliver-at times are on this clock
     */
    public InMemoryWire(final WireConfig config, final NanoClock clock)
    {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        final int maxFrameLength = config.mtu() + DelayLine.MIN_FRAME_LENGTH;
        this.lineAToB = new DelayLine(config.queueDepth(), maxFrameLength, true, config.impairmentsAToB());
        this.lineBToA = new DelayLine(config.queueDepth(), maxFrameLength, true, config.impairmentsBToA());
        this.endpointA = new WireEndpoint(config.nameA(), config.macA(), config.mtu(), clock, lineAToB, lineBToA);
        this.endpointB = new WireEndpoint(config.nameB(), config.macB(), config.mtu(), clock, lineBToA, lineAToB);
    }

    /** The end that transmits towards B and receives from B. */
    public LinkEndpoint endpointA()
    {
        return endpointA;
    }

    /** The end that transmits towards A and receives from A. */
    public LinkEndpoint endpointB()
    {
        return endpointB;
    }

    /** What happened to frames going from A to B. */
    public WireStatistics statisticsAToB()
    {
        return lineAToB.statistics();
    }

    /** What happened to frames going from B to A. */
    public WireStatistics statisticsBToA()
    {
        return lineBToA.statistics();
    }

    /** The configuration this wire was built from. */
    public WireConfig config()
    {
        return config;
    }

    /** Closes both endpoints. Idempotent; the slot memory is reclaimed with this object. */
    @Override
    public void close()
    {
        endpointA.close();
        endpointB.close();
    }

    @Override
    public String toString()
    {
        return "InMemoryWire{" + config.nameA() + " <-> " + config.nameB() + ", mtu=" + config.mtu() +
            ", A->B: " + lineAToB.statistics() + ", B->A: " + lineBToA.statistics() + "}";
    }
}
