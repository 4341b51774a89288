package io.ustack.link.memory;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

/**
 * One end of an {@link InMemoryWire}: transmits into one {@link DelayLine} and receives from the other. Used by one
 * thread (its stack's link agent); the far end may run on another.
 */
final class WireEndpoint implements LinkEndpoint
{
    private final String name;
    private final long macAddress;
    private final int mtu;
    private final NanoClock clock;
    private final DelayLine transmitLine;
    private final DelayLine receiveLine;
    private final HandlerSink handlerSink = new HandlerSink();
    private volatile boolean closed;

    WireEndpoint(
        final String name,
        final long macAddress,
        final int mtu,
        final NanoClock clock,
        final DelayLine transmitLine,
        final DelayLine receiveLine)
    {
        this.name = name;
        this.macAddress = macAddress;
        this.mtu = mtu;
        this.clock = clock;
        this.transmitLine = transmitLine;
        this.receiveLine = receiveLine;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public long macAddress()
    {
        return macAddress;
    }

    @Override
    public int mtu()
    {
        return mtu;
    }

    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        if (closed)
        {
            return 0;
        }
        handlerSink.handler = handler;
        try
        {
            return receiveLine.drain(clock.nanoTime(), handlerSink, limit);
        }
        finally
        {
            handlerSink.handler = null;
        }
    }

    /** Refuses (returns false) frames longer than {@code mtu + 14} or shorter than 14 bytes, and when queue full. */
    @Override
    public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
    {
        return !closed && transmitLine.offer(buffer, offset, length, clock.nanoTime());
    }

    /** Frames go on the wire at {@link #transmit}: nothing to push. */
    @Override
    public int flush()
    {
        return 0;
    }

    /** Stops this end: it neither transmits nor receives afterwards. The memory goes with the wire. */
    @Override
    public void close()
    {
        closed = true;
    }

    @Override
    public String toString()
    {
        return "WireEndpoint{" + name + "}";
    }

    /** Adapts the caller's handler to the line, without a capturing lambda per call. */
    private static final class HandlerSink implements FrameSink
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
}
