package io.ustack.link.decorator;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import org.agrona.DirectBuffer;

import java.util.Objects;

/**
 * Records every frame received from, and every frame accepted for transmission by, the endpoint it wraps into a
 * {@link PcapWriter}. Frames the inner endpoint dropped (a bad FCS) or refused are not in the capture, as on a NIC.
 *
 * <p>No object is made per frame. A capture that fails (disk full, ...) is reported by the writer and counted in
 * {@link PcapWriter#framesNotCaptured()}; frames keep flowing. {@link #flush()} also writes buffered records once
 * the writer's flush interval has passed; {@link #close()} closes the inner endpoint and then the writer.
 */
public final class PcapWriterEndpoint implements LinkEndpoint
{
    private final LinkEndpoint inner;
    private final PcapWriter writer;
    private final CapturingHandler capturingHandler = new CapturingHandler();
    private boolean closed;

    /**
     * @param inner  the endpoint to capture
     * @param writer where frames go; closed with this endpoint
     */
    public PcapWriterEndpoint(final LinkEndpoint inner, final PcapWriter writer)
    {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.writer = Objects.requireNonNull(writer, "writer");
        capturingHandler.writer = writer;
    }

    /** The capture file writer, for its counters. */
    public PcapWriter writer()
    {
        return writer;
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

    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        capturingHandler.delegate = handler;
        try
        {
            return inner.receive(capturingHandler, limit);
        }
        finally
        {
            capturingHandler.delegate = null;
        }
    }

    @Override
    public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!inner.transmit(buffer, offset, length))
        {
            return false;
        }
        writer.record(buffer, offset, length);
        return true;
    }

    @Override
    public int flush()
    {
        writer.flushIfDue();
        return inner.flush();
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            inner.close();
        }
        finally
        {
            writer.close();
        }
    }

    /** Records each delivered frame, then hands it on. */
    private static final class CapturingHandler implements RxFrameHandler
    {
        private PcapWriter writer;
        private RxFrameHandler delegate;

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            writer.record(buffer, offset, length);
            delegate.onFrame(buffer, offset, length);
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            delegate.onDrop(reason);
        }
    }
}
