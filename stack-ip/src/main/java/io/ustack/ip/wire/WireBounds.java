package io.ustack.ip.wire;

import org.agrona.DirectBuffer;

/** Range checks shared by the flyweights' {@code tryWrap}. */
final class WireBounds
{
    private WireBounds()
    {
    }

    /**
     * Whether {@code [offset, offset + length)} lies inside the buffer's capacity, computed without int overflow. A
     * caller that passes a range the buffer does not hold gets a refusal (counted as truncation), not an exception.
     */
    static boolean inside(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer != null && offset >= 0 && length >= 0 && (long)offset + length <= buffer.capacity();
    }
}
