package io.ustack.ip.icmp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.StackCounters;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.wire.IcmpHeader;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Builds and sends ICMP error messages about received datagrams, after the RFC 1122 §3.2.2 rules and the rate limit.
 * The message is written straight into a claimed packet buffer (no copy but the quote). Network-agent thread only.
 */
final class IcmpErrorSender
{
    /** RFC 1812 §4.3.2.3: an error datagram carries as much of the original as fits in 576 bytes. */
    static final int MAX_ERROR_DATAGRAM_LENGTH = 576;
    /** Quote bytes that fit: 576 less our 20-byte IPv4 header (no options) and the 8-byte ICMP header. */
    static final int MAX_QUOTE_LENGTH =
        MAX_ERROR_DATAGRAM_LENGTH - Ipv4Header.MIN_HEADER_LENGTH - IcmpHeader.HEADER_LENGTH;

    private final StackCounters counters;
    private final TokenBucket rateLimit;
    private final IcmpHeader header = new IcmpHeader();
    private Ipv4Sender sender;

    IcmpErrorSender(final StackCounters counters, final TokenBucket rateLimit)
    {
        this.counters = counters;
        this.rateLimit = rateLimit;
    }

    void attach(final Ipv4Sender sender)
    {
        this.sender = sender;
    }

    /**
     * Sends an error of {@code type}/{@code code} with the 32-bit {@code restOfHeader} about {@code original}.
     *
     * @return whether it was handed to IPv4 (sent or waiting for ARP)
     */
    boolean send(final int type, final int code, final int restOfHeader, final ReceivedDatagram original,
        final long nowNs)
    {
        if (sender == null || !mayAnswer(original))
        {
            return false;
        }
        if (!rateLimit.tryTake(nowNs))
        {
            counters.increment(CounterDescriptor.ICMP_ERRORS_RATE_LIMITED);
            return false;
        }
        final int quoteLength = Math.min(Math.min(original.headerLength() + original.payloadLength(),
            MAX_QUOTE_LENGTH), sender.bufferCapacity() - IcmpHeader.HEADER_LENGTH);
        final int bufferId = sender.claim();
        if (bufferId < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = sender.buffer(bufferId);
        final int offset = Ipv4Sender.PAYLOAD_OFFSET;
        header.wrapForWrite(buffer, offset).type(type).code(code).restOfHeader(restOfHeader);
        buffer.putBytes(offset + IcmpHeader.DATA_OFFSET, original.buffer(), original.headerOffset(), quoteLength);
        final int messageLength = IcmpHeader.HEADER_LENGTH + quoteLength;
        header.computeAndSetChecksum(messageLength);
        // Answer from the address the original was sent to when it is ours; otherwise the route's (0).
        final int destination = original.destinationAddress();
        final int source = sender.isLocalAddress(destination) ? destination : 0;
        final int result = sender.send(bufferId, messageLength, source, original.sourceAddress(),
            Ipv4Header.PROTOCOL_ICMP, 0, 0, nowNs);
        if (result == Ipv4Sender.SENT || result == Ipv4Sender.QUEUED_FOR_RESOLUTION)
        {
            counters.increment(CounterDescriptor.ICMP_ERRORS_SENT);
            return true;
        }
        return false;
    }

    /** RFC 1122 §3.2.2: "An ICMP error message MUST NOT be sent as the result of receiving: ..." */
    private boolean mayAnswer(final ReceivedDatagram original)
    {
        // "* an ICMP error message". An ICMP datagram whose type we cannot even read is not answered either.
        if (original.protocol() == Ipv4Header.PROTOCOL_ICMP &&
            (original.payloadLength() < 1 ||
            IcmpHeader.isErrorType(original.buffer().getByte(original.payloadOffset()) & 0xFF)))
        {
            return false;
        }
        // "* a datagram destined to an IP broadcast or IP multicast address". A host does not forward, so a
        // destination that is not one of our addresses is a (directed) broadcast the IPv4 module accepted.
        final int destination = original.destinationAddress();
        if (destination == Addresses.LIMITED_BROADCAST || Addresses.isMulticast(destination) ||
            !sender.isLocalAddress(destination))
        {
            return false;
        }
        // "* a datagram sent as a link-layer broadcast"
        if (original.linkBroadcast())
        {
            return false;
        }
        // "* a non-initial fragment"
        final int fragmentField = original.buffer().getShort(
            original.headerOffset() + Ipv4Header.FLAGS_FRAGMENT_OFFSET_OFFSET, BIG_ENDIAN) & 0x1FFF;
        if (fragmentField != 0)
        {
            return false;
        }
        // "* a datagram whose source address does not define a single host -- e.g., a zero address, a loopback
        // address, a broadcast address, a multicast address, or a Class E address."
        return Addresses.isSingleHost(original.sourceAddress());
    }
}
