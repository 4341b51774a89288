package io.ustack.ip.icmp;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.time.VirtualClock;
import io.ustack.ip.checksum.InternetChecksum;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.ipv4.TransportDirectory;
import io.ustack.ip.ipv4.TransportProtocol;
import io.ustack.ip.wire.IcmpHeader;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An {@link IcmpModule} over a {@link FakeIpv4Sender}, a fake transport directory holding recording transports,
 * and helpers that build received datagrams.
 */
final class IcmpHarness implements AutoCloseable
{
    static final int US = Ipv4Address.parse("198.18.0.1");
    static final int US_TOO = Ipv4Address.parse("198.18.1.1");
    static final int PEER = Ipv4Address.parse("198.18.0.2");
    static final int FAR = Ipv4Address.parse("203.0.113.9");
    static final int SUBNET_BROADCAST = Ipv4Address.parse("198.18.0.255");

    /** An error handed to a transport, with a copy of its quote. */
    record Error(int type, int code, int info, int source, int destination, int protocol, int payloadLength,
        boolean fragment, byte[] quote)
    {
    }

    /** A transport that records the errors it is given. */
    static final class RecordingTransport implements TransportProtocol
    {
        final int protocol;
        final List<Error> errors = new ArrayList<>();

        RecordingTransport(final int protocol)
        {
            this.protocol = protocol;
        }

        @Override
        public int protocolNumber()
        {
            return protocol;
        }

        @Override
        public void onAttach(final io.ustack.ip.ipv4.Ipv4Sender sender, final io.ustack.ip.ipv4.IcmpErrors icmpErrors)
        {
        }

        @Override
        public void onDatagram(final ReceivedDatagram datagram, final long nowNs)
        {
        }

        @Override
        public void onIcmpError(final int icmpType, final int icmpCode, final int info, final ReceivedDatagram quoted,
            final long nowNs)
        {
            final byte[] quote = new byte[quoted.headerLength() + quoted.payloadLength()];
            quoted.buffer().getBytes(quoted.headerOffset(), quote);
            errors.add(new Error(icmpType, icmpCode, info, quoted.sourceAddress(), quoted.destinationAddress(),
                quoted.protocol(), quoted.payloadLength(), quoted.fragment(), quote));
        }

        @Override
        public int doWork(final long nowNs)
        {
            return 0;
        }
    }

    /** Maps protocols to transports and records path MTUs learnt. */
    static final class FakeDirectory implements TransportDirectory
    {
        final Map<Integer, TransportProtocol> transports = new HashMap<>();
        final List<int[]> learnt = new ArrayList<>();

        @Override
        public TransportProtocol transportFor(final int protocol)
        {
            return transports.get(protocol);
        }

        @Override
        public void learnPathMtu(final int destination, final int mtu, final long nowNs)
        {
            learnt.add(new int[]{destination, mtu});
        }
    }

    final PacketBufferPool pool = new PacketBufferPool(32, 2048);
    final StackCounters counters = StackCounters.inMemory("icmp-test");
    final VirtualClock clock = new VirtualClock(1_000_000_000L);
    final FakeIpv4Sender sender = new FakeIpv4Sender(pool, US, US_TOO);
    final FakeDirectory directory = new FakeDirectory();
    final RecordingTransport udp = new RecordingTransport(Ipv4Header.PROTOCOL_UDP);
    final RecordingTransport tcp = new RecordingTransport(Ipv4Header.PROTOCOL_TCP);
    final IcmpModule icmp;

    IcmpHarness()
    {
        this(StackConfig.builder().randomSeed(42).build());
    }

    IcmpHarness(final StackConfig config)
    {
        icmp = new IcmpModule(config, directory, counters, clock);
        directory.transports.put(Ipv4Header.PROTOCOL_UDP, udp);
        directory.transports.put(Ipv4Header.PROTOCOL_TCP, tcp);
        directory.transports.put(Ipv4Header.PROTOCOL_ICMP, icmp);
        icmp.onAttach(sender, icmp);
    }

    long nowNs()
    {
        return clock.nanoTime();
    }

    /** Bytes of an IPv4 datagram with a valid header checksum. */
    static byte[] datagram(final int source, final int destination, final int protocol, final byte[] payload)
    {
        return datagram(source, destination, protocol, payload, 0, 64);
    }

    static byte[] datagram(final int source, final int destination, final int protocol, final byte[] payload,
        final int fragmentOffsetUnits, final int ttl)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Ipv4Header.MIN_HEADER_LENGTH + payload.length]);
        new Ipv4Header().wrapForWrite(buffer, 0).version(4).ihl(5).totalLength(buffer.capacity())
            .identification(0x1234).fragmentOffset(fragmentOffsetUnits).timeToLive(ttl).protocol(protocol)
            .sourceAddress(source).destinationAddress(destination).computeAndSetChecksum();
        buffer.putBytes(Ipv4Header.MIN_HEADER_LENGTH, payload);
        return buffer.byteArray();
    }

    /** An ICMP message with a valid checksum. */
    static byte[] icmpMessage(final int type, final int code, final int restOfHeader, final byte[] data)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[IcmpHeader.HEADER_LENGTH + data.length]);
        buffer.putBytes(IcmpHeader.DATA_OFFSET, data);
        new IcmpHeader().wrapForWrite(buffer, 0).type(type).code(code).restOfHeader(restOfHeader)
            .computeAndSetChecksum(buffer.capacity());
        return buffer.byteArray();
    }

    /** A view of {@code datagram} (20-byte header) as the IPv4 module would pass it; the bytes sit at offset 14. */
    static ReceivedDatagram view(final byte[] datagram, final boolean linkBroadcast)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[14 + datagram.length]);
        buffer.putBytes(14, datagram);
        final Ipv4Header header = new Ipv4Header();
        if (!header.tryWrap(buffer, 14, datagram.length))
        {
            throw new AssertionError("test datagram does not parse: " + header.failure());
        }
        return new ReceivedDatagram().set(buffer, 14, header.headerLength(), header.payloadLength(),
            header.sourceAddress(), header.destinationAddress(), header.protocol(), header.timeToLive(), 0,
            linkBroadcast, header.isFragment());
    }

    /** Delivers an ICMP datagram from {@code source} to {@code destination}. */
    void receive(final int source, final int destination, final byte[] icmpMessage)
    {
        icmp.onDatagram(view(datagram(source, destination, Ipv4Header.PROTOCOL_ICMP, icmpMessage), false), nowNs());
    }

    /** Whether an ICMP message's checksum verifies. */
    static boolean checksumValid(final byte[] message)
    {
        return InternetChecksum.sum(new UnsafeBuffer(message), 0, message.length, 0) == 0xFFFF;
    }

    @Override
    public void close()
    {
        assertEquals(0, pool.inUse(), "packet buffers leaked: " + pool.leakedSlots());
    }
}
