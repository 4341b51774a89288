package io.ustack.link.decorator;

import io.ustack.api.link.LinkEndpoint;
import org.agrona.DirectBuffer;

import java.util.Objects;

/**
 * Records every frame received from, and every frame accepted for transmission by, the endpoint it wraps into a
 * {@link PcapWriter}. Frames the inner endpoint dropped (a bad FCS) or refused are not in the capture, as on a NIC.
 *
 * <p>No object is made per frame. A capture that fails (disk full, ...) is reported by the writer and counted in
 * {@link PcapWriter#framesNotCaptured()}; frames keep flowing. {@link #flush()} also writes buffered records once
 * the writer's flush interval has passed; {@link #close()} closes the inner endpoint and then the writer.
 *
 * <p>It offers no segmentation offload (limit 0) even over an endpoint that does: a capture must show the segments
 * that go on the wire, not one oversized frame with a partial checksum.
 */
public final class PcapWriterEndpoint extends ObservingEndpoint
{
    private final PcapWriter writer;
    private boolean closed;

    /**
     * @param inner  the endpoint to capture
     * @param writer where frames go; closed with this endpoint
     */
    public PcapWriterEndpoint(final LinkEndpoint inner, final PcapWriter writer)
    {
        super(inner);
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** The capture file writer, for its counters. */
    public PcapWriter writer()
    {
        return writer;
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

    @Override
    void onReceived(final DirectBuffer buffer, final int offset, final int length)
    {
        writer.record(buffer, offset, length);
    }
}
