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
     * {@link #sendSegmented} result: the datagram could not be handed to the device to cut (its next hop is not
     * resolved, or the route's link has no segmentation offload); dropped and counted, the transport resends.
     */
    int NOT_SEGMENTABLE = -5;

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
     * to {@code destination}, or 0 when the route there has no link that cuts segments (also for our own addresses
     * and when there is no route). Segments are still limited by the path MTU.
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
     * Sends one TCP datagram for the link device to cut into segments (TCP segmentation offload): a buffer from
     * {@link #claimLarge} holding, at {@link #PAYLOAD_OFFSET}, one TCP header (its data offset valid, its checksum
     * field the folded, uncomplemented pseudo-header sum over all {@code payloadLength} bytes) and the data. The
     * device cuts it into segments of {@code segmentSize} data bytes, each sent with DF and its own identification
     * (consecutive ones, reserved here), as {@link io.ustack.api.link.LinkEndpoint#transmitSegmented} describes.
     * Only to a destination whose {@link #segmentationLimit} is at least {@code payloadLength}. The buffer belongs to
     * the IPv4 module afterwards, whatever the result.
     *
     * @return {@link #SENT}, {@link #NOT_SEGMENTABLE}, or another negative failure of {@link #send}
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
}
