package io.ustack.ip.icmp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.ipv4.TransportDirectory;
import io.ustack.ip.ipv4.TransportProtocol;
import io.ustack.ip.wire.IcmpHeader;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.SplittableRandom;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * ICMPv4 (RFC 792, RFC 1122 §3.2.2) as a transport of the IPv4 module (protocol 1).
 *
 * <ul>
 *   <li>Echo requests are answered with all their data (up to 65,507 bytes; IPv4 fragments the reply). Requests to
 *       a broadcast or multicast address, or that came as a link broadcast, are not answered: RFC 1122 §3.2.2.6
 *       says MAY, and answering makes the stack a smurf amplifier.</li>
 *   <li>Errors received (destination unreachable, time exceeded, parameter problem) go to the transport that sent
 *       the quoted datagram; fragmentation-needed also teaches the path MTU (RFC 1191). Errors quoting our own echo
 *       requests end the matching {@link Pinger} request as unreachable.</li>
 *   <li>As {@link IcmpErrors}, it answers other modules' datagrams with errors, under the RFC 1122 §3.2.2 rules and
 *       a token-bucket rate limit.</li>
 * </ul>
 * Everything but {@link Pinger#ping} and {@link Pinger#start} runs on the network agent's thread.
 */
public final class IcmpModule implements TransportProtocol, IcmpErrors
{
    /** RFC 1191 §7: the MTU plateaus, for a fragmentation-needed from a router that does not say the next-hop MTU. */
    static final int[] MTU_PLATEAUS = {65_535, 32_000, 17_914, 8_166, 4_352, 2_002, 1_492, 1_006, 508, 296, 68};

    private final TransportDirectory directory;
    private final StackCounters counters;
    private final Pinger pinger;
    private final IcmpErrorSender errorSender;
    private final IcmpHeader received = new IcmpHeader();
    private final IcmpHeader reply = new IcmpHeader();
    private final Ipv4Header quotedHeader = new Ipv4Header();
    private final ReceivedDatagram quoted = new ReceivedDatagram();
    private final UnsafeBuffer replyMessage = new UnsafeBuffer(ByteBuffer.allocateDirect(65_536));
    private Ipv4Sender sender;

    /**
     * @param config    {@code icmpErrorsPerSecond}, {@code icmpErrorBurst}, and {@code randomSeed} (for the echo
     *                  identifier)
     * @param directory who owns each protocol, and the path MTU cache
     * @param counters  the stack's counters
     * @param clock     what a blocking {@link Pinger#ping} waits by (the stack's clock)
     */
    public IcmpModule(final StackConfig config, final TransportDirectory directory, final StackCounters counters,
        final NanoClock clock)
    {
        this.directory = directory;
        this.counters = counters;
        this.errorSender = new IcmpErrorSender(counters,
            new TokenBucket(config.icmpErrorsPerSecond(), config.icmpErrorBurst()));
        final long seed = config.randomSeed() != 0 ? config.randomSeed() : new SecureRandom().nextLong();
        this.pinger = new Pinger(clock, new SplittableRandom(seed).nextInt(0x10000));
    }

    /** Echo requests from the stack. */
    public Pinger pinger()
    {
        return pinger;
    }

    @Override
    public int protocolNumber()
    {
        return Ipv4Header.PROTOCOL_ICMP;
    }

    @Override
    public void onAttach(final Ipv4Sender sender, final IcmpErrors icmpErrors)
    {
        this.sender = sender;
        errorSender.attach(sender);
        pinger.attach(sender);
    }

    @Override
    public void onDatagram(final ReceivedDatagram datagram, final long nowNs)
    {
        final IcmpHeader icmp = received;
        if (!icmp.tryWrap(datagram.buffer(), datagram.payloadOffset(), datagram.payloadLength()))
        {
            counters.drop(icmp.failure());
            return;
        }
        // RFC 1122 §3.2.2.6 / RFC 792: the checksum covers the whole message; a bad one gets no answer.
        if (!icmp.checksumValid())
        {
            counters.drop(DropReason.ICMP_BAD_CHECKSUM);
            return;
        }
        switch (icmp.type())
        {
            case IcmpHeader.TYPE_ECHO_REQUEST -> onEchoRequest(datagram, nowNs);
            case IcmpHeader.TYPE_ECHO_REPLY ->
            {
                if (!pinger.onEchoReply(icmp.identifier(), icmp.sequenceNumber(), icmp.buffer(), icmp.dataOffset(),
                    icmp.dataLength(), datagram.ttl(), nowNs))
                {
                    counters.drop(DropReason.ICMP_ECHO_REPLY_UNMATCHED);
                }
            }
            case IcmpHeader.TYPE_DESTINATION_UNREACHABLE, IcmpHeader.TYPE_TIME_EXCEEDED,
                IcmpHeader.TYPE_PARAMETER_PROBLEM -> onError(datagram, nowNs);
            // Source quench (deprecated, RFC 6633) and redirect (a host with static routes ignores it), timestamps,
            // and everything else.
            default -> counters.drop(DropReason.ICMP_UNHANDLED_TYPE);
        }
    }

    /**
     * Errors about datagrams ICMP sent: the only ones we originate are echo requests, so this ends the matching
     * ping as unreachable. The quote's first 8 bytes are the echo request's header.
     */
    @Override
    public void onIcmpError(final int icmpType, final int icmpCode, final int info, final ReceivedDatagram quotedDatagram,
        final long nowNs)
    {
        final DirectBuffer buffer = quotedDatagram.buffer();
        final int offset = quotedDatagram.payloadOffset();
        if (quotedDatagram.payloadLength() < IcmpHeader.HEADER_LENGTH ||
            (buffer.getByte(offset + IcmpHeader.TYPE_OFFSET) & 0xFF) != IcmpHeader.TYPE_ECHO_REQUEST ||
            !pinger.onError(buffer.getShort(offset + IcmpHeader.IDENTIFIER_OFFSET, BIG_ENDIAN) & 0xFFFF,
                buffer.getShort(offset + IcmpHeader.SEQUENCE_NUMBER_OFFSET, BIG_ENDIAN) & 0xFFFF,
                quotedDatagram.destinationAddress()))
        {
            counters.drop(DropReason.ICMP_ERROR_UNMATCHED);
        }
    }

    @Override
    public int doWork(final long nowNs)
    {
        return pinger.doWork(nowNs);
    }

    @Override
    public boolean destinationUnreachable(final int code, final int info, final ReceivedDatagram original,
        final long nowNs)
    {
        // RFC 792: the second word is unused (zero), except for fragmentation needed: next-hop MTU (RFC 1191 §4).
        final int rest = code == CODE_FRAGMENTATION_NEEDED ? info & 0xFFFF : 0;
        return errorSender.send(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, code, rest, original, nowNs);
    }

    @Override
    public boolean timeExceeded(final int code, final ReceivedDatagram original, final long nowNs)
    {
        return errorSender.send(IcmpHeader.TYPE_TIME_EXCEEDED, code, 0, original, nowNs);
    }

    @Override
    public boolean parameterProblem(final int pointer, final ReceivedDatagram original, final long nowNs)
    {
        // RFC 792: the pointer is the first octet of the second word; the other three are unused.
        return errorSender.send(IcmpHeader.TYPE_PARAMETER_PROBLEM, IcmpHeader.CODE_POINTER_INDICATES_ERROR,
            (pointer & 0xFF) << 24, original, nowNs);
    }

    /** RFC 792 echo: the reply carries the request's identifier, sequence number and all its data. */
    private void onEchoRequest(final ReceivedDatagram datagram, final long nowNs)
    {
        final int destination = datagram.destinationAddress();
        // RFC 1122 §3.2.2.6: "An ICMP Echo Request destined to an IP broadcast or IP multicast address MAY be
        // silently discarded." We do (no amplification); a host forwards nothing, so a destination that is not ours
        // is a broadcast. Counted as a type we do not handle in that case.
        if (datagram.linkBroadcast() || !sender.isLocalAddress(destination))
        {
            counters.drop(DropReason.ICMP_UNHANDLED_TYPE);
            return;
        }
        final int length = received.length();
        replyMessage.putBytes(0, received.buffer(), received.offset(), length);
        reply.wrapForWrite(replyMessage, 0).type(IcmpHeader.TYPE_ECHO_REPLY).code(0).computeAndSetChecksum(length);
        // RFC 1122 §3.2.2.6: the reply's source is the request's specific destination address.
        final int result = sender.sendFrom(replyMessage, 0, length, destination, datagram.sourceAddress(),
            Ipv4Header.PROTOCOL_ICMP, 0, 0, nowNs);
        if (result == Ipv4Sender.SENT || result == Ipv4Sender.QUEUED_FOR_RESOLUTION)
        {
            counters.increment(CounterDescriptor.ICMP_ECHO_REPLIES_SENT);
        }
    }

    /** An error message: check the quote, learn the path MTU, hand it to the transport that sent the original. */
    private void onError(final ReceivedDatagram datagram, final long nowNs)
    {
        final IcmpHeader icmp = received;
        // RFC 1122 §3.2.2: the quote holds the original's IP header and at least 8 bytes of its data.
        if (!icmp.quoteHoldsIpv4HeaderAnd8Bytes() || !wrapQuotedHeader(icmp))
        {
            counters.drop(DropReason.ICMP_ERROR_UNMATCHED);
            return;
        }
        final DirectBuffer buffer = icmp.buffer();
        final int quoteOffset = icmp.quotedOffset();
        final int headerLength = quotedHeader.headerLength();
        final int originalLength = buffer.getShort(quoteOffset + Ipv4Header.TOTAL_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int quotedPayload = Math.min(icmp.quotedLength(), Math.max(originalLength, headerLength)) - headerLength;
        final int source = quotedHeader.sourceAddress();
        final int destination = quotedHeader.destinationAddress();
        // RFC 5927 §4.1 (and RFC 1191): an error about a datagram we did not send is forged or misdirected.
        if (quotedPayload < IcmpHeader.QUOTED_DATA_MIN || !sender.isLocalAddress(source))
        {
            counters.drop(DropReason.ICMP_ERROR_UNMATCHED);
            return;
        }
        quoted.set(buffer, quoteOffset, headerLength, quotedPayload, source, destination, quotedHeader.protocol(),
            quotedHeader.timeToLive(), -1, false, quotedHeader.isFragment());

        final int type = icmp.type();
        final int code = icmp.code();
        int info = 0;
        if (type == IcmpHeader.TYPE_DESTINATION_UNREACHABLE && code == IcmpHeader.CODE_FRAGMENTATION_NEEDED)
        {
            info = nextHopMtu(icmp.nextHopMtu(), originalLength);
            directory.learnPathMtu(destination, info, nowNs);
        }
        else if (type == IcmpHeader.TYPE_PARAMETER_PROBLEM)
        {
            info = icmp.pointer();
        }
        final TransportProtocol transport = directory.transportFor(quotedHeader.protocol());
        if (transport == null)
        {
            counters.drop(DropReason.ICMP_ERROR_UNMATCHED);
            return;
        }
        counters.increment(CounterDescriptor.ICMP_ERRORS_RECEIVED);
        transport.onIcmpError(type, code, info, quoted, nowNs);
    }

    /** Validates the quoted IPv4 header: cut short, so its total length may exceed the bytes quoted. */
    private boolean wrapQuotedHeader(final IcmpHeader icmp)
    {
        return quotedHeader.tryWrapQuote(icmp.buffer(), icmp.quotedOffset(), icmp.quotedLength());
    }

    /**
     * RFC 1191 §4: the next-hop MTU field; a router older than RFC 1191 leaves it zero, and then §5 has the host
     * guess the largest plateau below the length of the datagram that was too big. A value not below that length
     * is bogus and gets the same guess.
     */
    static int nextHopMtu(final int advertised, final int originalLength)
    {
        if (advertised != 0 && advertised < originalLength)
        {
            return advertised;
        }
        for (final int plateau : MTU_PLATEAUS)
        {
            if (plateau < originalLength)
            {
                return plateau;
            }
        }
        return MTU_PLATEAUS[MTU_PLATEAUS.length - 1];
    }
}
