package io.ustack.ip.ipv4;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * How a transport sends an IPv4 datagram without copying its payload: claim a packet buffer, write the transport
 * header and payload at {@link #PAYLOAD_OFFSET}, then {@link #send}. The IPv4 module writes the IPv4 and Ethernet
 * headers in front, fragments when the route's MTU requires it, and resolves the next hop. Network-agent thread only.
 */
public interface Ipv4Sender
{
    /** Where the transport's bytes start in a claimed buffer: room for Ethernet (14) and IPv4 (20) headers. */
    int PAYLOAD_OFFSET = 14 + 20;

    /** Flag for {@link #send}: set DF (RFC 791); TCP sends with it (RFC 1191 path MTU discovery). */
    int DONT_FRAGMENT = 1;

    /** {@link #send} result: handed to the link. */
    int SENT = 0;
    /** {@link #send} result: held until ARP resolves the next hop; a failure comes later as an ICMP error. */
    int QUEUED_FOR_RESOLUTION = 1;
    /** {@link #send} result: no route to the destination. */
    int NO_ROUTE = -1;
    /** {@link #send} result: DF set and larger than the path MTU ({@link #pathMtu} says how large may go). */
    int TOO_BIG = -2;
    /**
     * {@link #send} result: no packet buffer (e.g. for fragments), the ring to the link is full, or ARP could not hold
     * the packet while it resolves the next hop (that neighbour's queue, or the neighbour cache, is full).
     */
    int NO_BUFFER = -3;
    /** {@link #send} result: the datagram would exceed 65,535 bytes. */
    int TOO_LONG = -4;

    /**
     * Takes a packet buffer for a new datagram.
     *
     * @return its id, or -1 (counted) when none is free
     */
    int claim();

    /** The bytes of a claimed buffer. */
    MutableDirectBuffer buffer(int bufferId);

    /** Most transport bytes one claimed buffer holds after {@link #PAYLOAD_OFFSET}. */
    int bufferCapacity();

    /** Frees a claimed buffer that will not be sent after all. */
    void abandon(int bufferId);

    /**
     * Sends the datagram whose transport bytes sit at {@link #PAYLOAD_OFFSET} of a claimed buffer. The buffer
     * belongs to the IPv4 module afterwards, whatever the result.
     *
     * @param sourceAddress      our address to send from, or 0 for the route's interface address
     * @param destinationAddress where to
     * @param protocol           the protocol number
     * @param flags              {@link #DONT_FRAGMENT} or 0
     * @param ttl                time to live, or 0 for the stack's default
     * @return {@link #SENT}, {@link #QUEUED_FOR_RESOLUTION}, or a negative failure
     */
    int send(int bufferId, int payloadLength, int sourceAddress, int destinationAddress, int protocol, int flags,
        int ttl, long nowNs);

    /**
     * Sends a datagram whose transport bytes are {@code [offset, offset + length)} of {@code payload}, copying them
     * into as many packet buffers as the path MTU needs (fragments). For payloads larger than one buffer (echo
     * replies, large UDP datagrams); same parameters and results as {@link #send}.
     */
    int sendFrom(DirectBuffer payload, int offset, int length, int sourceAddress, int destinationAddress,
        int protocol, int flags, int ttl, long nowNs);

    /**
     * The address we would send from to reach {@code destination} (needed before sending for the TCP/UDP
     * pseudo-header), or 0 when there is no route. Safe from any thread: the route table is fixed once built.
     */
    int sourceAddressFor(int destination);

    /**
     * The largest datagram (IPv4 header included) that reaches {@code destination} unfragmented: the route MTU, or
     * less if an ICMP fragmentation-needed taught us so (RFC 1191). 0 when there is no route.
     */
    int pathMtu(int destination, long nowNs);

    /** Whether {@code address} is one of the stack's own. */
    boolean isLocalAddress(int address);

    /**
     * TCP segmentation offload: the most transport bytes (TCP header included) one {@link #sendSegmented} may carry
     * to {@code destination}, or 0 when it may not be used there: the stack's {@code SegmentationOffload} is NEVER,
     * the pool has no large buffers, the destination is one of our own addresses or has no route, or (LINK) the
     * route's link device cuts no segments. With ALWAYS a link without the device offload gets the limit too, and
     * IPv4 cuts in software. Segments are still limited by the path MTU. Safe from any thread.
     */
    default int segmentationLimit(final int destination)
    {
        return 0;
    }

    /**
     * Takes a large packet buffer, for {@link #sendSegmented}.
     *
     * @return its id, or -1 when none is free (not a drop: the caller sends in regular buffers instead)
     */
    default int claimLarge()
    {
        return -1;
    }

    /**
     * Sends one TCP datagram as segments of {@code segmentSize} data bytes (TCP segmentation offload): a buffer from
     * {@link #claimLarge} holding, at {@link #PAYLOAD_OFFSET}, one TCP header (its data offset valid, its checksum
     * field the folded, uncomplemented pseudo-header sum over all {@code payloadLength} bytes:
     * {@code TcpSegmenter.partialChecksum}) and the data, every segment but the last exactly {@code segmentSize}
     * bytes of it. Each segment leaves as its own datagram with DF and its own identification, exactly as TCP would
     * have sent it alone: the sequence number advanced, PSH and FIN on the last only, CWR on the first only.
     *
     * <p>When the route's link device can cut it and the next hop is resolved, the datagram goes down whole, with
     * consecutive identifications reserved for its segments
     * ({@link io.ustack.api.link.LinkEndpoint#transmitSegmented}); otherwise (no device offload, next hop not
     * resolved yet, our own address) IPv4 cuts it into regular buffers itself and sends each segment as {@link #send}
     * would (a segment waits for ARP like any datagram). Use only to a destination whose {@link #segmentationLimit}
     * is at least {@code payloadLength}. The buffer belongs to the IPv4 module afterwards, whatever the result.
     *
     * @return {@link #SENT}; {@link #QUEUED_FOR_RESOLUTION} when segments wait for ARP; {@link #NO_ROUTE};
     *         {@link #TOO_BIG} when a segment (IPv4 header, TCP header and {@code segmentSize} data bytes) exceeds
     *         the path MTU, nothing sent; {@link #NO_BUFFER} when regular buffers for cutting ran out (nothing sent)
     *         or the ring below was full (the segments that found no room lost); {@link #TOO_LONG} over 65,515 bytes
     * @throws IllegalArgumentException (the buffer freed) when {@code segmentSize} is outside 1..65535, the TCP
     *                                  header's data offset is below 5 or past {@code payloadLength}, or the length
     *                                  exceeds the buffer
     */
    default int sendSegmented(final int bufferId, final int payloadLength, final int segmentSize,
        final int sourceAddress, final int destinationAddress, final long nowNs)
    {
        throw new UnsupportedOperationException("this IPv4 sender has no segmentation offload (segmentationLimit 0)");
    }

    /**
     * How many datagrams {@link #send} would queue right now without one being refused for want of room in the
     * queues below (the ring to the network or link agent): the backpressure a sender that can wait for room, as TCP
     * can, uses to hold a segment back instead of losing it. {@link Integer#MAX_VALUE} when nothing below is bounded.
     * A datagram that needs fragmenting takes one place per fragment.
     */
    default int sendRoom()
    {
        return Integer.MAX_VALUE;
    }

    /**
     * The most {@link #sendRoom} can ever be (the smallest capacity of the queues below): a sender waiting for room
     * for several datagrams at once, as a {@link #sendSegmented} cut in software takes one place per segment, waits
     * for no more than this.
     */
    default int sendCapacity()
    {
        return Integer.MAX_VALUE;
    }
}
