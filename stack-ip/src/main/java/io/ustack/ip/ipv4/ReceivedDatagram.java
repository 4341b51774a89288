package io.ustack.ip.ipv4;

import org.agrona.DirectBuffer;

/**
 * A reusable view of one received (or quoted) IPv4 datagram as a transport sees it: addresses, header and payload
 * positions in a buffer. Valid only during the call it is passed to; no object is made per datagram.
 */
public final class ReceivedDatagram
{
    private DirectBuffer buffer;
    private int headerOffset;
    private int headerLength;
    private int payloadOffset;
    private int payloadLength;
    private int sourceAddress;
    private int destinationAddress;
    private int protocol;
    private int ttl;
    private int interfaceIndex;
    private boolean linkBroadcast;
    private boolean fragment;

    /**
     * Points the view at a datagram.
     *
     * @param buffer         holds the bytes
     * @param headerOffset   where the IPv4 header starts
     * @param headerLength   its length (IHL × 4)
     * @param payloadLength  transport bytes after the header (for a quote: as many as were quoted)
     * @param sourceAddress  source address
     * @param destinationAddress destination address
     * @param protocol       protocol number
     * @param ttl            time to live
     * @param interfaceIndex arrival interface (-1 for a datagram we sent, as in a quote)
     * @param linkBroadcast  whether it came in a link-level broadcast or multicast frame
     * @param fragment       whether it arrived in fragments (or, for a quote, is a fragment)
     */
    public ReceivedDatagram set(final DirectBuffer buffer, final int headerOffset, final int headerLength,
        final int payloadLength, final int sourceAddress, final int destinationAddress, final int protocol,
        final int ttl, final int interfaceIndex, final boolean linkBroadcast, final boolean fragment)
    {
        this.buffer = buffer;
        this.headerOffset = headerOffset;
        this.headerLength = headerLength;
        this.payloadOffset = headerOffset + headerLength;
        this.payloadLength = payloadLength;
        this.sourceAddress = sourceAddress;
        this.destinationAddress = destinationAddress;
        this.protocol = protocol;
        this.ttl = ttl;
        this.interfaceIndex = interfaceIndex;
        this.linkBroadcast = linkBroadcast;
        this.fragment = fragment;
        return this;
    }

    /** The bytes. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Where the IPv4 header starts. */
    public int headerOffset()
    {
        return headerOffset;
    }

    /** IPv4 header length in bytes. */
    public int headerLength()
    {
        return headerLength;
    }

    /** Where the transport bytes start. */
    public int payloadOffset()
    {
        return payloadOffset;
    }

    /** Transport bytes. */
    public int payloadLength()
    {
        return payloadLength;
    }

    /** Source address. */
    public int sourceAddress()
    {
        return sourceAddress;
    }

    /** Destination address. */
    public int destinationAddress()
    {
        return destinationAddress;
    }

    /** Protocol number. */
    public int protocol()
    {
        return protocol;
    }

    /** Time to live as received. */
    public int ttl()
    {
        return ttl;
    }

    /** Arrival interface, or -1. */
    public int interfaceIndex()
    {
        return interfaceIndex;
    }

    /** Whether the frame was a link-level broadcast or multicast. */
    public boolean linkBroadcast()
    {
        return linkBroadcast;
    }

    /** Whether it came in fragments. */
    public boolean fragment()
    {
        return fragment;
    }
}
