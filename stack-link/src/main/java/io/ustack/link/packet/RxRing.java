package io.ustack.link.packet;

import io.ustack.api.link.RxFrameHandler;

/** A receive ring walked in place: TPACKET_V2 slots ({@link PacketRxRing}) or TPACKET_V3 blocks. */
interface RxRing
{
    /**
     * Hands up to {@code limit} waiting frames to {@code handler}, each valid only during its callback, and gives
     * their memory back to the kernel afterwards.
     *
     * @return frames delivered or dropped
     */
    int receive(RxFrameHandler handler, int limit);
}
