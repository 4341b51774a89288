package io.ustack.ip.ipv4;

import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.ring.DescriptorFlags;
import io.ustack.ip.QueueRing;
import io.ustack.ip.handoff.TransportEnd;
import io.ustack.ip.handoff.TransportProxy;
import io.ustack.ip.offload.TcpDatagrams;
import io.ustack.ip.offload.TcpSegmenter;
import io.ustack.ip.wire.Ipv4Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ustack.ip.ipv4.Ipv4TestHarness.LARGE_BUFFERS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_ADDRESS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.ipOf;
import static io.ustack.ip.ipv4.Ipv4TestHarness.payloadOf;
import static io.ustack.ip.offload.TcpDatagrams.ACK;
import static io.ustack.ip.offload.TcpDatagrams.PSH;
import static io.ustack.ip.offload.TcpDatagrams.TIMESTAMP_OPTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TCP on its own agent hands a large datagram over like any other: a descriptor, the segment size in the headroom. */
@DisplayName("a segmented datagram crosses from a transport's own agent to IPv4")
class SegmentedHandoffTest
{
    private static final int TCP = 6;
    private static final int SEGMENT = 1000;

    private Ipv4TestHarness ip = new Ipv4TestHarness(StackConfig.builder().randomSeed(42)
        .segmentationOffload(SegmentationOffload.LINK).build(), 1500, true, 14 + 65_535, LARGE_BUFFERS);
    private final Ipv4TestHarness.RecordingTransport transport = new Ipv4TestHarness.RecordingTransport(TCP);
    private final byte[] tcp = TcpDatagrams.datagram(TcpDatagrams.header(42, ACK | PSH, TIMESTAMP_OPTIONS),
        TcpDatagrams.pattern(5 * SEGMENT, 8), TcpSegmenter.partialChecksum(OUR_ADDRESS, PEER, 32 + 5 * SEGMENT));
    private QueueRing fromTransport;
    private TransportProxy proxy;

    private Ipv4Sender wire(final int fromCapacity)
    {
        final QueueRing toTransport = new QueueRing(64);
        fromTransport = new QueueRing(fromCapacity);
        proxy = new TransportProxy(TCP, ip.pool, toTransport, fromTransport, ip.counters, 64);
        ip.module.register(proxy);
        new TransportEnd(ip.pool, toTransport, fromTransport, ip.counters, ip.module).attach(transport);
        return transport.sender;
    }

    @AfterEach
    void noBufferLeaked()
    {
        proxy.doWork(0);
        ip.sent(0);
        assertEquals(List.of(), ip.pool.leakedSlots(), "packet buffers still held");
    }

    private int sendSegmented(final Ipv4Sender sender, final int segmentSize)
    {
        final int id = sender.claimLarge();
        assertTrue(id >= ip.pool.slots(), "a large buffer: " + id);
        sender.buffer(id).putBytes(Ipv4Sender.PAYLOAD_OFFSET, tcp);
        return sender.sendSegmented(id, tcp.length, segmentSize, OUR_ADDRESS, PEER, 0);
    }

    @Test
    @DisplayName("the proxy answers the segmentation limit as IPv4 does, and the datagram reaches the device whole " +
        "on the network agent's next duty cycle")
    void crossesToTheDevice()
    {
        final Ipv4Sender sender = wire(64);
        assertEquals(ip.module.segmentationLimit(PEER), sender.segmentationLimit(PEER));
        assertEquals(65_515, sender.segmentationLimit(PEER));
        assertEquals(0, sender.segmentationLimit(OUR_ADDRESS));

        assertEquals(Ipv4Sender.SENT, sendSegmented(sender, SEGMENT));
        assertEquals(0, ip.rings[0].size(), "nothing leaves before the network agent runs");
        assertEquals(1, proxy.doWork(0));
        final List<int[]> flags = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();
        ip.rings[0].drain((bufferId, offset, length, descriptorFlags) ->
        {
            final byte[] frame = new byte[length];
            ip.pool.buffer(bufferId).getBytes(offset, frame);
            frames.add(frame);
            flags.add(new int[]{descriptorFlags});
            ip.pool.release(bufferId);
        }, Integer.MAX_VALUE);
        assertEquals(1, frames.size());
        assertEquals(DescriptorFlags.segmented(SEGMENT), flags.get(0)[0]);
        final Ipv4Header header = ipOf(frames.get(0));
        assertEquals(20 + tcp.length, header.totalLength());
        assertTrue(header.dontFragment());
        assertEquals(TCP, header.protocol());
        assertEquals(OUR_ADDRESS, header.sourceAddress());
        assertArrayEquals(tcp, payloadOf(frames.get(0)));
        assertEquals(1, ip.counters.get(CounterDescriptor.IPV4_SEGMENTED_SENT));
    }

    @Test
    @DisplayName("a caller's mistake is refused on the transport's own thread, before anything crosses")
    void mistakeRefusedBeforeCrossing()
    {
        final Ipv4Sender sender = wire(64);
        assertThrows(IllegalArgumentException.class, () -> sendSegmented(sender, 0));
        assertEquals(0, fromTransport.size());
    }

    /** IPv4 cutting in software (no device offload) onto links whose rings hold {@code ringCapacity} frames. */
    private void softwareCutWithRings(final int ringCapacity)
    {
        ip = new Ipv4TestHarness(StackConfig.builder().randomSeed(42)
            .segmentationOffload(SegmentationOffload.ALWAYS).build(), 1500, true, 0, LARGE_BUFFERS, ringCapacity);
    }

    private int sendSmall(final Ipv4Sender sender)
    {
        final int id = sender.claim();
        sender.buffer(id).putBytes(Ipv4Sender.PAYLOAD_OFFSET, new byte[8]);
        return sender.send(id, 8, 0, PEER, Ipv4TestHarness.TEST_PROTOCOL, 0, 0, 0);
    }

    @Test
    @DisplayName("a datagram IPv4 will cut waits until the link's ring has a place for every segment, and what the " +
        "transport sent after it waits behind it")
    void waitsForRoomForEverySegment()
    {
        softwareCutWithRings(8);
        final Ipv4Sender sender = wire(64);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(Ipv4Sender.SENT, ip.send(new byte[8], PEER, Ipv4TestHarness.UDP, 0, 0));
        }
        assertEquals(Ipv4Sender.SENT, sendSegmented(sender, SEGMENT));
        assertEquals(Ipv4Sender.SENT, sendSmall(sender));

        assertEquals(2, proxy.doWork(0), "both taken, both held: 5 segments, 4 places, and order is kept");
        assertEquals(4, ip.rings[0].size());
        assertEquals(2, proxy.pendingDescriptors(), "the held datagram and the one behind it");

        assertEquals(4, ip.sent(0).size());
        assertEquals(2, proxy.doWork(0));
        final List<byte[]> frames = ip.sent(0);
        assertEquals(6, frames.size());
        for (int i = 0; i < 5; i++)
        {
            assertEquals(TCP, ipOf(frames.get(i)).protocol(), "segment " + i);
        }
        assertEquals(Ipv4TestHarness.TEST_PROTOCOL, ipOf(frames.get(5)).protocol(), "in the order sent");
        assertEquals(0, ip.counters.drops(DropReason.RING_FULL_DOWN));
    }

    @Test
    @DisplayName("a datagram of more segments than the link's ring holds goes once that ring is empty; the segments " +
        "that find no place are counted as RING_FULL_DOWN")
    void moreSegmentsThanTheRingHolds()
    {
        softwareCutWithRings(4);
        final Ipv4Sender sender = wire(64);
        assertEquals(Ipv4Sender.SENT, sendSegmented(sender, SEGMENT));
        assertEquals(1, proxy.doWork(0));
        assertEquals(4, ip.sent(0).size());
        assertEquals(1, ip.counters.drops(DropReason.RING_FULL_DOWN));
    }

    @Test
    @DisplayName("a held datagram is freed and counted when the stack discards what is pending")
    void heldDatagramDiscarded()
    {
        softwareCutWithRings(4);
        final Ipv4Sender sender = wire(64);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(Ipv4Sender.SENT, ip.send(new byte[8], PEER, Ipv4TestHarness.UDP, 0, 0));
        }
        assertEquals(Ipv4Sender.SENT, sendSegmented(sender, SEGMENT));
        assertEquals(1, proxy.doWork(0), "taken, and held: 5 segments, 1 place");
        assertEquals(1, proxy.pendingDescriptors());
        assertEquals(1, proxy.discardPending());
        assertEquals(1, ip.counters.drops(DropReason.SHUTDOWN_DISCARDED));
        assertEquals(0, proxy.pendingDescriptors());
    }

    @Test
    @DisplayName("the ring to the network agent full: NO_BUFFER, counted, the large buffer freed")
    void ringFull()
    {
        final Ipv4Sender sender = wire(1);
        assertEquals(Ipv4Sender.SENT, sendSegmented(sender, SEGMENT));
        assertEquals(Ipv4Sender.NO_BUFFER, sendSegmented(sender, SEGMENT));
        assertEquals(1, ip.counters.drops(DropReason.RING_FULL_FROM_TRANSPORT));
    }
}
