package io.ustack.runtime;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** A test device: delivers the frames a test queues, records what the stack transmits, can refuse to transmit. */
final class ScriptedEndpoint implements LinkEndpoint
{
    static final long MAC = 0x0200_0000_00AAL;

    private final ArrayDeque<byte[]> toDeliver = new ArrayDeque<>();
    private final ArrayDeque<DropReason> dropsToReport = new ArrayDeque<>();
    final List<byte[]> transmitted = new ArrayList<>();
    boolean refuseTransmit;
    boolean closed;
    /** What {@link #segmentationOffloadLimit} says (0: no offload; nothing here cuts segments). */
    int segmentationOffloadLimit;

    void deliver(final byte[] frame)
    {
        toDeliver.add(frame);
    }

    void reportDrop(final DropReason reason)
    {
        dropsToReport.add(reason);
    }

    @Override
    public String name()
    {
        return "scripted";
    }

    @Override
    public int segmentationOffloadLimit()
    {
        return segmentationOffloadLimit;
    }

    @Override
    public long macAddress()
    {
        return MAC;
    }

    @Override
    public int mtu()
    {
        return 1500;
    }

    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        int n = 0;
        while (n < limit && !dropsToReport.isEmpty())
        {
            handler.onDrop(dropsToReport.poll());
            n++;
        }
        while (n < limit && !toDeliver.isEmpty())
        {
            final byte[] frame = toDeliver.poll();
            handler.onFrame(new UnsafeBuffer(frame), 0, frame.length);
            n++;
        }
        return n;
    }

    @Override
    public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (refuseTransmit)
        {
            return false;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        transmitted.add(copy);
        return true;
    }

    @Override
    public int flush()
    {
        return 0;
    }

    @Override
    public void close()
    {
        closed = true;
    }
}
