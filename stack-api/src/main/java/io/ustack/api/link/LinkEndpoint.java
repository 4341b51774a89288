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
     * The largest frame (Ethernet header included) {@link #transmitSegmented} takes: the device's TCP segmentation
     * offload. 0, the default, when the endpoint cannot cut frames into segments, and then nobody calls it.
     */
    default int segmentationOffloadLimit()
    {
        return 0;
    }

    /**
     * Queues one oversized TCP/IPv4 frame for the device to cut into segments of {@code segmentSize} data bytes
     * (TCP segmentation offload, as Linux's {@code tcp_gso_segment} cuts a GSO packet). The frame is Ethernet, an
     * IPv4 header without options whose total length and checksum cover the whole datagram, then one TCP header and
     * all the data. Its TCP checksum field holds the folded pseudo-header sum over the whole TCP length, not
     * complemented (the checksum-partial convention). Each segment gets the header with the IPv4 identification
     * counted up from the frame's, the sequence number advanced by the data before it, PSH and FIN only on the last,
     * CWR only on the first, and its own IPv4 and TCP checksums; every segment but the last carries exactly
     * {@code segmentSize} bytes.
     *
     * @return false when the endpoint has no room now (the link agent holds the frame and offers it again)
     * @throws UnsupportedOperationException when {@link #segmentationOffloadLimit()} is 0
     */
    default boolean transmitSegmented(final org.agrona.DirectBuffer buffer, final int offset, final int length,
        final int segmentSize)
    {
        throw new UnsupportedOperationException(name() + " does not cut frames into segments: its " +
            "segmentationOffloadLimit() is 0, so nothing should hand it one");
    }

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
