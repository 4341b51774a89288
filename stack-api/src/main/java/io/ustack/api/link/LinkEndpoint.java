package io.ustack.api.link;

/**
 * Where Ethernet frames enter and leave a stack: a real interface (AF_PACKET, TAP) or one end of an in-memory wire.
 *
 * <p>The link agent is the only caller, on one thread. Frames are full Ethernet II frames from the destination MAC
 * to the end of the payload, without preamble or FCS (an endpoint that models an FCS checks and strips it itself).
 */
public interface LinkEndpoint extends AutoCloseable
{
    /** A short name for logs and counters, e.g. the interface name. */
    String name();

    /** The hardware address frames from this endpoint carry as source. */
    long macAddress();

    /** The IP MTU: the largest payload of one frame. */
    int mtu();

    /**
     * Hands up to {@code limit} received frames to {@code handler}, each valid only during its callback, and
     * reports frames the endpoint itself refused (e.g. a bad FCS) through {@link RxFrameHandler#onDrop}.
     *
     * @return frames delivered or dropped: 0 means there was nothing to do
     */
    int receive(RxFrameHandler handler, int limit);

    /**
     * Queues one frame for transmission, copying its bytes into the endpoint's transmit slot.
     *
     * @return false when the endpoint has no room now; the link agent holds the frame and offers it again later
     */
    boolean transmit(org.agrona.DirectBuffer buffer, int offset, int length);

    /**
     * Pushes queued frames out (a batched endpoint kicks the kernel here).
     *
     * @return frames pushed
     */
    int flush();

    /** Frees what the endpoint holds. Idempotent. */
    @Override
    void close();
}
