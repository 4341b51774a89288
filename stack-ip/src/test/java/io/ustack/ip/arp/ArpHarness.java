package io.ustack.ip.arp;

import io.ustack.ip.QueueRing;
import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.Ipv4Prefix;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.wire.ArpPacket;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two interfaces (198.18.0.1/24 and 198.18.1.1/24) whose outputs write into {@link QueueRing}s, a real pool, an
 * {@link ArpModule} under a virtual time, and an unresolved-packet handler that records and frees.
 */
final class ArpHarness implements AutoCloseable
{
    static final long MAC0 = 0x0200_0000_0001L;
    static final long MAC1 = 0x0200_0000_0002L;
    static final int IP0 = Ipv4Address.parse("198.18.0.1");
    static final int IP1 = Ipv4Address.parse("198.18.1.1");
    static final long PEER_MAC = 0x0200_0000_00AAL;
    static final int PEER_IP = Ipv4Address.parse("198.18.0.2");
    static final long OTHER_MAC = 0x0200_0000_00BBL;
    static final int OTHER_IP = Ipv4Address.parse("198.18.0.3");
    static final int FRAME_LENGTH = 60;

    final PacketBufferPool pool = new PacketBufferPool(128, 2048);
    final StackCounters counters = StackCounters.inMemory("arp-test");
    final QueueRing[] rings = {new QueueRing(256), new QueueRing(256)};
    final NetworkInterfaces interfaces;
    final ArpModule arp;
    final StackConfig config;
    final List<int[]> unresolved = new ArrayList<>();
    long nowNs = 5_000_000_000L;

    ArpHarness()
    {
        this(StackConfig.builder().build(), ArpModule.DEFAULT_CACHE_CAPACITY);
    }

    ArpHarness(final StackConfig config, final int cacheCapacity)
    {
        this.config = config;
        interfaces = new NetworkInterfaces(List.of(
            new NetworkInterface(0, "a", MAC0, new Ipv4Prefix(IP0, 24), 1500,
                new EthernetOutput(pool, rings[0], counters, MAC0)),
            new NetworkInterface(1, "b", MAC1, new Ipv4Prefix(IP1, 24), 1500,
                new EthernetOutput(pool, rings[1], counters, MAC1))));
        arp = new ArpModule(config, counters, cacheCapacity);
        arp.onAttach(interfaces);
        arp.onUnresolved((bufferId, frameLength, now) ->
        {
            unresolved.add(new int[]{marker(bufferId), frameLength});
            pool.release(bufferId);
        });
    }

    /** Starts the module and throws away the gratuitous ARPs of the first duty cycle. */
    ArpHarness started()
    {
        arp.doWork(nowNs);
        drainSent(0);
        drainSent(1);
        return this;
    }

    int doWork()
    {
        return arp.doWork(nowNs);
    }

    void advanceMs(final long ms)
    {
        nowNs += ms * 1_000_000L;
    }

    /** Feeds a frame to the module as the network agent would, then frees its buffer. */
    void receive(final int interfaceIndex, final byte[] frame)
    {
        final int bufferId = pool.acquire();
        final MutableDirectBuffer buffer = pool.buffer(bufferId);
        buffer.putBytes(0, frame);
        try
        {
            arp.onFrame(interfaceIndex, buffer, 0, frame.length, 0, nowNs);
        }
        finally
        {
            pool.release(bufferId);
        }
    }

    /** The next frame sent on an interface (its buffer freed), or null. */
    byte[] nextSent(final int interfaceIndex)
    {
        final byte[][] out = new byte[1][];
        rings[interfaceIndex].drain((bufferId, offset, length, flags) ->
        {
            out[0] = new byte[length];
            pool.buffer(bufferId).getBytes(offset, out[0]);
            pool.release(bufferId);
        }, 1);
        return out[0];
    }

    List<byte[]> drainSent(final int interfaceIndex)
    {
        final List<byte[]> frames = new ArrayList<>();
        byte[] frame;
        while ((frame = nextSent(interfaceIndex)) != null)
        {
            frames.add(frame);
        }
        return frames;
    }

    /**
     * Builds an outgoing IPv4 frame (destination MAC still zero, {@code marker} in the payload) and asks the module
     * to resolve {@code nextHop} for it; when the MAC is known at once, the frame is freed here as the caller would
     * send it.
     */
    long resolve(final int interfaceIndex, final int nextHop, final int marker)
    {
        final int bufferId = pool.acquire();
        final MutableDirectBuffer buffer = pool.buffer(bufferId);
        buffer.setMemory(0, FRAME_LENGTH, (byte)0);
        interfaces.get(interfaceIndex).output().writeHeader(bufferId, 0, EthernetFrame.ETHER_TYPE_IPV4);
        buffer.putInt(EthernetFrame.HEADER_LENGTH, marker, ByteOrder.BIG_ENDIAN);
        final long mac = arp.resolveOrHold(interfaceIndex, nextHop, bufferId, FRAME_LENGTH, nowNs);
        if (mac >= 0)
        {
            pool.release(bufferId);
        }
        return mac;
    }

    int marker(final int bufferId)
    {
        return pool.buffer(bufferId).getInt(EthernetFrame.HEADER_LENGTH, ByteOrder.BIG_ENDIAN);
    }

    static int markerOf(final byte[] frame)
    {
        return new UnsafeBuffer(frame).getInt(EthernetFrame.HEADER_LENGTH, ByteOrder.BIG_ENDIAN);
    }

    static long destinationOf(final byte[] frame)
    {
        return io.ustack.api.net.MacAddress.read(new UnsafeBuffer(frame), EthernetFrame.DESTINATION_OFFSET);
    }

    /** An Ethernet frame holding an ARP packet, padded to 60 bytes. */
    static byte[] arpFrame(final long ethernetDestination, final int operation, final long senderMac,
        final int senderIp, final long targetMac, final int targetIp)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FRAME_LENGTH]);
        new EthernetFrame().wrapForWrite(buffer, 0).destination(ethernetDestination).source(senderMac)
            .etherType(EthernetFrame.ETHER_TYPE_ARP);
        new ArpPacket().wrapForWrite(buffer, EthernetFrame.HEADER_LENGTH).ethernetIpv4().operation(operation)
            .senderHardwareAddress(senderMac).senderProtocolAddress(senderIp)
            .targetHardwareAddress(targetMac).targetProtocolAddress(targetIp);
        return buffer.byteArray();
    }

    /** Decodes a sent frame's ARP packet (asserting it is well formed). */
    static ArpPacket decode(final byte[] frame)
    {
        final ArpPacket packet = new ArpPacket();
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        assertEquals(EthernetFrame.ETHER_TYPE_ARP, buffer.getShort(EthernetFrame.ETHER_TYPE_OFFSET,
            ByteOrder.BIG_ENDIAN) & 0xFFFF, "EtherType");
        if (!packet.tryWrap(buffer, EthernetFrame.HEADER_LENGTH, frame.length - EthernetFrame.HEADER_LENGTH))
        {
            throw new AssertionError("sent ARP frame does not parse: " + packet.failure());
        }
        return packet;
    }

    /** Frees whatever is still queued or held and checks no buffer leaked. */
    @Override
    public void close()
    {
        drainSent(0);
        drainSent(1);
        assertEquals(0, pool.inUse(), "packet buffers leaked: " + pool.leakedSlots());
    }
}
