package io.ustack.link.decorator;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.link.memory.DelayLine;
import io.ustack.link.memory.FrameSink;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.WireStatistics;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;

/**
 * Applies seeded {@link Impairments} (loss, duplication, reordering, corruption, delay, rate) to the receive and/or
 * transmit direction of any endpoint: e.g. delay and reordering on a real AF_PACKET link, which the kernel's tools
 * here cannot do. Built with {@link #wrap(LinkEndpoint, NanoClock)}.
 *
 * <p>Each impaired direction is a {@link DelayLine} without an FCS (the same code as the in-memory wire, so the same
 * seed makes the same decisions): a received frame is copied into it and handed to the caller's handler when its
 * time comes; a transmitted frame is copied into it and passed to the inner endpoint when its time comes, on a
 * later {@link #transmit}, {@link #receive} or {@link #flush} call (the link agent calls these all the time). A
 * corrupted frame is delivered corrupted: catching it is the job of the IP, UDP and TCP checksums. An unimpaired
 * direction ({@link Impairments#NONE}) passes straight through without a copy. Used by one thread.
 *
 * <p>Segmentation offload passes through only when the transmit direction is not impaired: the delay line holds
 * MTU-sized frames and impairs each as one frame on the wire, which a frame the device cuts later is not.
 */
public final class FaultInjectingEndpoint implements LinkEndpoint
{
    /** Extra room in a delay-line slot for one 802.1Q tag on received frames. */
    private static final int VLAN_TAG_LENGTH = 4;
    /** Statistics of a direction that is not impaired: nothing is ever counted. */
    private static final WireStatistics UNIMPAIRED = new WireStatistics();

    private final LinkEndpoint inner;
    private final NanoClock clock;
    private final DelayLine receiveLine;
    private final DelayLine transmitLine;
    private final ReceiveIntoLine receiveIntoLine = new ReceiveIntoLine();
    private final DeliverToHandler deliverToHandler = new DeliverToHandler();
    private final TransmitToInner transmitToInner = new TransmitToInner();

    private FaultInjectingEndpoint(final Builder b)
    {
        this.inner = b.inner;
        this.clock = b.clock;
        final int maxFrameLength = inner.mtu() + DelayLine.MIN_FRAME_LENGTH + VLAN_TAG_LENGTH;
        this.receiveLine = b.receive.isNone() ? null : new DelayLine(b.queueDepth, maxFrameLength, false, b.receive);
        this.transmitLine = b.transmit.isNone() ? null :
            new DelayLine(b.queueDepth, maxFrameLength, false, b.transmit);
        transmitToInner.inner = inner;
    }

    /** Starts a builder for a fault injector around {@code inner}, timed by {@code clock}. */
    public static Builder wrap(final LinkEndpoint inner, final NanoClock clock)
    {
        return new Builder(inner, clock);
    }

    /** What happened to received frames; all zero when the receive direction is not impaired. */
    public WireStatistics receiveStatistics()
    {
        return receiveLine == null ? UNIMPAIRED : receiveLine.statistics();
    }

    /** What happened to transmitted frames; all zero when the transmit direction is not impaired. */
    public WireStatistics transmitStatistics()
    {
        return transmitLine == null ? UNIMPAIRED : transmitLine.statistics();
    }

    @Override
    public String name()
    {
        return inner.name();
    }

    @Override
    public long macAddress()
    {
        return inner.macAddress();
    }

    @Override
    public int mtu()
    {
        return inner.mtu();
    }

    /**
     * Takes frames from the inner endpoint into the receive delay line, then hands up those whose time has come.
     *
     * @return the larger of frames taken from the inner endpoint and frames handed to {@code handler}
     */
    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        final long nowNs = clock.nanoTime();
        pushTransmitted(nowNs);
        if (receiveLine == null)
        {
            return inner.receive(handler, limit);
        }
        final int room = Math.min(limit, receiveLine.remainingCapacity());
        int taken = 0;
        receiveIntoLine.handler = handler;
        deliverToHandler.handler = handler;
        try
        {
            if (room > 0)
            {
                receiveIntoLine.nowNs = nowNs;
                taken = inner.receive(receiveIntoLine, room);
            }
            return Math.max(taken, receiveLine.drain(nowNs, deliverToHandler, limit));
        }
        finally
        {
            receiveIntoLine.handler = null;
            deliverToHandler.handler = null;
        }
    }

    /** Accepts the frame into the transmit delay line (false when it is full) and pushes out frames now due. */
    @Override
    public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (transmitLine == null)
        {
            return inner.transmit(buffer, offset, length);
        }
        final long nowNs = clock.nanoTime();
        final boolean accepted = transmitLine.offer(buffer, offset, length, nowNs);
        pushTransmitted(nowNs);
        return accepted;
    }

    /** The inner endpoint's limit when the transmit direction is not impaired; 0 (none) when it is. */
    @Override
    public int segmentationOffloadLimit()
    {
        return transmitLine == null ? inner.segmentationOffloadLimit() : 0;
    }

    /** Straight to the inner endpoint when the transmit direction is not impaired; refused as unsupported if it is. */
    @Override
    public boolean transmitSegmented(final DirectBuffer buffer, final int offset, final int length,
        final int segmentSize)
    {
        if (transmitLine != null)
        {
            return LinkEndpoint.super.transmitSegmented(buffer, offset, length, segmentSize);
        }
        return inner.transmitSegmented(buffer, offset, length, segmentSize);
    }

    /** Pushes due frames from the transmit delay line to the inner endpoint, then flushes it. */
    @Override
    public int flush()
    {
        final int pushed = pushTransmitted(clock.nanoTime());
        return pushed + inner.flush();
    }

    @Override
    public void close()
    {
        inner.close();
    }

    private int pushTransmitted(final long nowNs)
    {
        return transmitLine == null ? 0 : transmitLine.drain(nowNs, transmitToInner, Integer.MAX_VALUE);
    }

    /** Copies frames from the inner endpoint into the receive line; passes the inner endpoint's drops up. */
    private final class ReceiveIntoLine implements RxFrameHandler
    {
        private RxFrameHandler handler;
        private long nowNs;

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length < DelayLine.MIN_FRAME_LENGTH)
            {
                handler.onDrop(DropReason.LINK_FRAME_TOO_SHORT);
            }
            else if (length > receiveLine.maxFrameLength())
            {
                handler.onDrop(DropReason.LINK_FRAME_TOO_LONG);
            }
            else
            {
                receiveLine.offer(buffer, offset, length, nowNs); // room was checked; a refusal is counted there
            }
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            handler.onDrop(reason);
        }
    }

    /** Hands due frames from the receive line to the caller's handler. */
    private static final class DeliverToHandler implements FrameSink
    {
        private RxFrameHandler handler;

        @Override
        public boolean onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            handler.onFrame(buffer, offset, length);
            return true;
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            handler.onDrop(reason);
        }
    }

    /** Passes due frames from the transmit line to the inner endpoint; a refusal leaves the frame queued. */
    private static final class TransmitToInner implements FrameSink
    {
        private LinkEndpoint inner;

        @Override
        public boolean onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            return inner.transmit(buffer, offset, length);
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            // a line without an FCS drops nothing
        }
    }

    /** Chooses the impairments of each direction and the queue depth. */
    public static final class Builder
    {
        private final LinkEndpoint inner;
        private final NanoClock clock;
        private Impairments receive = Impairments.NONE;
        private Impairments transmit = Impairments.NONE;
        private int queueDepth = 1024;

        private Builder(final LinkEndpoint inner, final NanoClock clock)
        {
            this.inner = Objects.requireNonNull(inner, "inner");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** What happens to frames the inner endpoint receives. */
        public Builder receive(final Impairments impairments)
        {
            this.receive = Objects.requireNonNull(impairments, "receive impairments: use Impairments.NONE");
            return this;
        }

        /** What happens to frames given to {@link #transmit}. */
        public Builder transmit(final Impairments impairments)
        {
            this.transmit = Objects.requireNonNull(impairments, "transmit impairments: use Impairments.NONE");
            return this;
        }

        /** Frames each impaired direction holds while delayed (default 1024). */
        public Builder queueDepth(final int queueDepth)
        {
            this.queueDepth = queueDepth;
            return this;
        }

        /**
         * Builds the decorator.
         *
         * @throws IllegalArgumentException if the queue depth is out of range
         */
        public FaultInjectingEndpoint build()
        {
            if (queueDepth < 1 || queueDepth > (1 << 20))
            {
                throw new IllegalArgumentException("fault injector queueDepth " + queueDepth + ": use 1 to 1048576");
            }
            return new FaultInjectingEndpoint(this);
        }
    }
}
