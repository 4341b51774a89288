package io.ustack.ip.ipv4;

import io.ustack.ip.QueueRing;
import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.Ipv4Prefix;
import io.ustack.api.net.MacAddress;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.arp.NeighbourResolver;
import io.ustack.ip.arp.UnresolvedPacketHandler;
import io.ustack.ip.route.RouteTable;
import io.ustack.ip.route.StaticRoute;
import io.ustack.ip.wire.Ipv4Header;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A network layer without a link: two interfaces whose outputs fill test rings, a fake neighbour resolver, fake
 * transports and a fake ICMP error sender, all recording what they see.
 *
 * <pre>
 *   if0  198.18.0.1/24  mac 02:00:00:00:00:01  mtu 1500   (default gateway 198.18.0.254)
 *   if1  10.1.0.1/24    mac 02:00:00:00:00:02  mtu if1Mtu
 * </pre>
 */
final class Ipv4TestHarness
{
    static final int OUR_ADDRESS = Ipv4Address.parse("198.18.0.1");
    static final int OUR_SECOND_ADDRESS = Ipv4Address.parse("10.1.0.1");
    static final int PEER = Ipv4Address.parse("198.18.0.2");
    static final int GATEWAY = Ipv4Address.parse("198.18.0.254");
    static final int FAR_HOST = Ipv4Address.parse("203.0.113.9");
    static final int SECOND_SUBNET_PEER = Ipv4Address.parse("10.1.0.7");
    static final long OUR_MAC = 0x02_00_00_00_00_01L;
    static final long OUR_SECOND_MAC = 0x02_00_00_00_00_02L;
    static final long PEER_MAC = 0x02_00_00_00_00_99L;
    static final int TEST_PROTOCOL = 253;
    static final int UDP = Ipv4Header.PROTOCOL_UDP;
    static final int LARGE_BUFFERS = 4;

    final StackConfig config;
    /** 512 regular buffers and {@link #LARGE_BUFFERS} large ones (segmentation offload). */
    final PacketBufferPool pool;
    final StackCounters counters = StackCounters.inMemory("test");
    final QueueRing[] rings;
    final NetworkInterfaces interfaces;
    final RouteTable routes;
    final FakeResolver resolver = new FakeResolver();
    final RecordingIcmpErrors icmp = new RecordingIcmpErrors();
    final RecordingTransport udp = new RecordingTransport(UDP);
    final Ipv4Module module;

    Ipv4TestHarness()
    {
        this(StackConfig.builder().randomSeed(42).build(), 1500);
    }

    Ipv4TestHarness(final StackConfig config, final int if1Mtu)
    {
        this(config, if1Mtu, true);
    }

    Ipv4TestHarness(final StackConfig config, final int if1Mtu, final boolean defaultRoute)
    {
        this(config, if1Mtu, defaultRoute, 0, LARGE_BUFFERS);
    }

    /**
     * @param if0SegmentationLimit the largest frame if0's device cuts into TCP segments, 0 for none
     * @param largeBuffers         large buffers in the pool
     */
    Ipv4TestHarness(final StackConfig config, final int if1Mtu, final boolean defaultRoute,
        final int if0SegmentationLimit, final int largeBuffers)
    {
        this(config, if1Mtu, defaultRoute, if0SegmentationLimit, largeBuffers, 4096);
    }

    /** @param ringCapacity descriptors each interface's ring to its link holds */
    Ipv4TestHarness(final StackConfig config, final int if1Mtu, final boolean defaultRoute,
        final int if0SegmentationLimit, final int largeBuffers, final int ringCapacity)
    {
        this.config = config;
        rings = new QueueRing[]{new QueueRing(ringCapacity), new QueueRing(ringCapacity)};
        pool = new PacketBufferPool(512, 2048, largeBuffers, StackConfig.LARGE_BUFFER_SLOT_SIZE);
        interfaces = new NetworkInterfaces(List.of(
            new NetworkInterface(0, "if0", OUR_MAC, Ipv4Prefix.parse("198.18.0.1/24"), 1500,
                new EthernetOutput(pool, rings[0], counters, OUR_MAC), if0SegmentationLimit),
            new NetworkInterface(1, "if1", OUR_SECOND_MAC, Ipv4Prefix.parse("10.1.0.1/24"), if1Mtu,
                new EthernetOutput(pool, rings[1], counters, OUR_SECOND_MAC))));
        routes = new RouteTable(interfaces, defaultRoute ? List.of(StaticRoute.defaultVia(GATEWAY)) : List.of());
        module = new Ipv4Module(config, routes, resolver, counters);
        module.onAttach(interfaces);
        module.register(udp);
        module.icmpErrors(icmp);
    }

    /** Feeds a frame to the module as the network agent would, freeing its buffer afterwards. */
    void inject(final int interfaceIndex, final byte[] frame, final int flags, final long nowNs)
    {
        final int id = pool.acquire();
        try
        {
            pool.buffer(id).putBytes(0, frame);
            module.onFrame(interfaceIndex, pool.buffer(id), 0, frame.length, flags, nowNs);
        }
        finally
        {
            pool.release(id);
        }
    }

    void inject(final byte[] frame)
    {
        inject(0, frame, 0, 0);
    }

    /** The frames handed to interface {@code index}'s link, oldest first; their buffers are freed. */
    List<byte[]> sent(final int index)
    {
        final List<byte[]> frames = new ArrayList<>();
        rings[index].drain((bufferId, offset, length, flags) ->
        {
            final byte[] bytes = new byte[length];
            pool.buffer(bufferId).getBytes(offset, bytes);
            frames.add(bytes);
            pool.release(bufferId);
        }, Integer.MAX_VALUE);
        return frames;
    }

    /** Sends {@code payload} through {@link Ipv4Module#send} from a claimed buffer. */
    int send(final byte[] payload, final int destination, final int protocol, final int flags, final long nowNs)
    {
        final int id = module.claim();
        module.buffer(id).putBytes(Ipv4Sender.PAYLOAD_OFFSET, payload);
        return module.send(id, payload.length, 0, destination, protocol, flags, 0, nowNs);
    }

    /** Everything is freed: no pool buffer left in use (except ones the fake resolver holds). */
    int inUse()
    {
        return pool.inUse();
    }

    // ---- building frames ------------------------------------------------------------------------------------------

    /** An Ethernet + IPv4 frame builder with sane defaults (from PEER to us, UDP, TTL 64, valid checksum). */
    static final class Frame
    {
        int source = PEER;
        int destination = OUR_ADDRESS;
        int protocol = UDP;
        int ttl = 64;
        int identification = 0x1234;
        int flags;
        int fragmentOffsetBytes;
        byte[] options = new byte[0];
        byte[] payload = new byte[8];
        long destinationMac = OUR_MAC;
        boolean corruptChecksum;

        Frame source(final int address)
        {
            source = address;
            return this;
        }

        Frame destination(final int address)
        {
            destination = address;
            return this;
        }

        Frame protocol(final int value)
        {
            protocol = value;
            return this;
        }

        Frame ttl(final int value)
        {
            ttl = value;
            return this;
        }

        Frame id(final int value)
        {
            identification = value;
            return this;
        }

        Frame fragment(final int offsetBytes, final boolean more)
        {
            fragmentOffsetBytes = offsetBytes;
            flags = more ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0;
            return this;
        }

        Frame payload(final byte[] bytes)
        {
            payload = bytes;
            return this;
        }

        Frame options(final byte[] bytes)
        {
            options = bytes;
            return this;
        }

        Frame destinationMac(final long mac)
        {
            destinationMac = mac;
            return this;
        }

        Frame corruptChecksum()
        {
            corruptChecksum = true;
            return this;
        }

        byte[] build()
        {
            final int headerLength = 20 + options.length;
            final int length = EthernetFrame.HEADER_LENGTH + headerLength + payload.length;
            final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[length]);
            new EthernetFrame().wrapForWrite(buffer, 0).destination(destinationMac).source(PEER_MAC)
                .etherType(EthernetFrame.ETHER_TYPE_IPV4);
            final Ipv4Header ip = new Ipv4Header().wrapForWrite(buffer, EthernetFrame.HEADER_LENGTH)
                .version(4).ihl(headerLength / 4).totalLength(headerLength + payload.length)
                .identification(identification).flags(flags).fragmentOffsetBytes(fragmentOffsetBytes)
                .timeToLive(ttl).protocol(protocol).sourceAddress(source).destinationAddress(destination);
            buffer.putBytes(EthernetFrame.HEADER_LENGTH + 20, options);
            buffer.putBytes(EthernetFrame.HEADER_LENGTH + headerLength, payload);
            ip.computeAndSetChecksum();
            if (corruptChecksum)
            {
                ip.headerChecksum(ip.headerChecksum() ^ 0x0101);
            }
            return buffer.byteArray();
        }
    }

    static Frame frame()
    {
        return new Frame();
    }

    /** Bytes 0, 1, 2, ... of a given length, with a seed so datagrams differ. */
    static byte[] pattern(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 7 + seed);
        }
        return bytes;
    }

    /** Decodes a frame's IPv4 header (checks it as untrusted input). */
    static Ipv4Header ipOf(final byte[] frame)
    {
        final Ipv4Header ip = new Ipv4Header();
        if (!ip.tryWrap(new UnsafeBuffer(frame), EthernetFrame.HEADER_LENGTH,
            frame.length - EthernetFrame.HEADER_LENGTH))
        {
            throw new AssertionError("not a valid IPv4 packet: " + ip.failure());
        }
        return ip;
    }

    static byte[] payloadOf(final byte[] frame)
    {
        final Ipv4Header ip = ipOf(frame);
        return Arrays.copyOfRange(frame, ip.payloadOffset(), ip.payloadOffset() + ip.payloadLength());
    }

    // ---- fakes ----------------------------------------------------------------------------------------------------

    /** Resolves every next hop to {@link #PEER_MAC}, or holds packets when {@link #hold} is set. */
    final class FakeResolver implements NeighbourResolver
    {
        boolean hold;
        /** Frees every packet as a full ARP queue or cache would, answering {@link NeighbourResolver#DROPPED}. */
        boolean drop;
        final List<int[]> held = new ArrayList<>();
        final List<Integer> nextHops = new ArrayList<>();
        UnresolvedPacketHandler handler;

        @Override
        public long resolveOrHold(final int interfaceIndex, final int nextHop, final int bufferId,
            final int frameLength, final long nowNs)
        {
            nextHops.add(nextHop);
            if (drop)
            {
                pool.release(bufferId);
                return NeighbourResolver.DROPPED;
            }
            if (hold)
            {
                held.add(new int[]{bufferId, frameLength});
                return NeighbourResolver.HELD;
            }
            return PEER_MAC;
        }

        /** Known unless {@link #hold} or {@link #drop} is set (a neighbour still being asked for). */
        @Override
        public long knownMac(final int interfaceIndex, final int nextHop, final long nowNs)
        {
            nextHops.add(nextHop);
            return hold || drop ? NeighbourResolver.UNKNOWN : PEER_MAC;
        }

        @Override
        public void onUnresolved(final UnresolvedPacketHandler unresolvedHandler)
        {
            handler = unresolvedHandler;
        }

        /** Gives up on every held packet. */
        void giveUp(final long nowNs)
        {
            for (final int[] packet : held)
            {
                handler.onUnresolved(packet[0], packet[1], nowNs);
            }
            held.clear();
        }
    }

    /** What a transport got: a copy of each datagram and each ICMP error. */
    static final class RecordingTransport implements TransportProtocol
    {
        record Datagram(int source, int destination, int ttl, int interfaceIndex, boolean linkBroadcast,
            boolean fragment, byte[] header, byte[] payload)
        {
        }

        record Error(int type, int code, int info, int quotedSource, int quotedDestination, int quotedProtocol,
            byte[] quotedPayload)
        {
        }

        final int protocol;
        final List<Datagram> datagrams = new ArrayList<>();
        final List<Error> errors = new ArrayList<>();
        Ipv4Sender sender;
        IcmpErrors icmpErrors;
        int duties;

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
        public void onAttach(final Ipv4Sender ipv4Sender, final IcmpErrors errors)
        {
            sender = ipv4Sender;
            icmpErrors = errors;
        }

        @Override
        public void onDatagram(final ReceivedDatagram d, final long nowNs)
        {
            final byte[] header = new byte[d.headerLength()];
            d.buffer().getBytes(d.headerOffset(), header);
            final byte[] payload = new byte[d.payloadLength()];
            d.buffer().getBytes(d.payloadOffset(), payload);
            datagrams.add(new Datagram(d.sourceAddress(), d.destinationAddress(), d.ttl(), d.interfaceIndex(),
                d.linkBroadcast(), d.fragment(), header, payload));
        }

        @Override
        public void onIcmpError(final int icmpType, final int icmpCode, final int info, final ReceivedDatagram q,
            final long nowNs)
        {
            final byte[] payload = new byte[q.payloadLength()];
            q.buffer().getBytes(q.payloadOffset(), payload);
            errors.add(new Error(icmpType, icmpCode, info, q.sourceAddress(), q.destinationAddress(), q.protocol(),
                payload));
        }

        @Override
        public int doWork(final long nowNs)
        {
            duties++;
            return 0;
        }
    }

    /** Records the ICMP errors the module asks for. */
    static final class RecordingIcmpErrors implements IcmpErrors
    {
        record Call(String kind, int code, int source, int destination, int protocol, int payloadLength,
            boolean fragment)
        {
        }

        final List<Call> calls = new ArrayList<>();

        @Override
        public boolean destinationUnreachable(final int code, final int info, final ReceivedDatagram original,
            final long nowNs)
        {
            return record("unreachable", code, original);
        }

        @Override
        public boolean timeExceeded(final int code, final ReceivedDatagram original, final long nowNs)
        {
            return record("time-exceeded", code, original);
        }

        @Override
        public boolean parameterProblem(final int pointer, final ReceivedDatagram original, final long nowNs)
        {
            return record("parameter-problem", pointer, original);
        }

        private boolean record(final String kind, final int code, final ReceivedDatagram d)
        {
            calls.add(new Call(kind, code, d.sourceAddress(), d.destinationAddress(), d.protocol(), d.payloadLength(),
                d.fragment()));
            return true;
        }
    }
}
