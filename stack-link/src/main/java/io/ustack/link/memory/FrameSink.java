package io.ustack.link.memory;

import io.ustack.api.counter.DropReason;
import org.agrona.DirectBuffer;

/** Where a {@link DelayLine} hands frames whose time has come. */
public interface FrameSink
{
    /**
     * One frame, valid only during the call.
     *
     * @return true if taken; false leaves the frame on the line to be offered again on the next drain
     */
    boolean onFrame(DirectBuffer buffer, int offset, int length);

    /** The line dropped a frame before delivery (a bad FCS), for {@code reason}. */
    void onDrop(DropReason reason);
}
