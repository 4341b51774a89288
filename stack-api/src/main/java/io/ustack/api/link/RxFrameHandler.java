package io.ustack.api.link;

import io.ustack.api.counter.DropReason;
import org.agrona.DirectBuffer;

/** Receives frames from {@link LinkEndpoint#receive}. */
public interface RxFrameHandler
{
    /** One received frame; {@code buffer} is only valid during the call. */
    void onFrame(DirectBuffer buffer, int offset, int length);

    /** The endpoint refused a frame before delivery, for {@code reason}. */
    void onDrop(DropReason reason);
}
