package io.ustack.ip.ipv4;

import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.ring.DescriptorFlags;
import io.ustack.ip.offload.TcpDatagrams;
import io.ustack.ip.offload.TcpSegmenter;
import io.ustack.ip.wire.Ipv4Header;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ustack.ip.ipv4.Ipv4TestHarness.FAR_HOST;
import static io.ustack.ip.ipv4.Ipv4TestHarness.LARGE_BUFFERS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_ADDRESS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_MAC;
import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER_MAC;
import static io.ustack.ip.ipv4.Ipv4TestHarness.SECOND_SUBNET_PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.ipOf;
import static io.ustack.ip.ipv4.Ipv4TestHarness.payloadOf;
import static io.ustack.ip.offload.TcpDatagrams.ACK;
import static io.ustack.ip.offload.TcpDatagrams.CWR;
import static io.ustack.ip.offload.TcpDatagrams.FIN;
import static io.ustack.ip.offload.TcpDatagrams.PSH;
import static io.ustack.ip.offload.TcpDatagrams.TIMESTAMP_OPTIONS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TCP segmentation offload through IPv4: the device cuts one large datagram, or IPv4 cuts it in software. */
@DisplayName("IPv4 sends a large TCP datagram as segments: whole to a device that cuts it, or cut in software")
class SegmentedSendTest
{
    /** What a device taking 64 KiB IPv4 datagrams reports: Ethernet header included. */
    private static final int DEVICE_LIMIT = 14 + 65_535;
    private static final int TCP = 6;
    private static final int SEGMENT = 1448;

    private Ipv4TestHarness h = harness(SegmentationOffload.LINK, DEVICE_LIMIT);
    private final byte[] header = TcpDatagrams.header(0x1000_0000, CWR | ACK | PSH | FIN, TIMESTAMP_OPTIONS);
    private final byte[] data = TcpDatagrams.pattern(2 * SEGMENT + 100, 4);

    private static Ipv4TestHarness harness(final SegmentationOffload mode, final int deviceLimit)
    {
        return harness(mode, deviceLimit, true, LARGE_BUFFERS);
    }

    private static Ipv4TestHarness harness(final SegmentationOffload mode, final int deviceLimit,
        final boolean defaultRoute, final int largeBuffers)
    {
        return new Ipv4TestHarness(StackConfig.builder().randomSeed(42).segmentationOffload(mode).build(), 1500,
            defaultRoute, deviceLimit, largeBuffers);
    }

    @AfterEach
    void noBufferLeaked()
    {
        h.resolver.giveUp(0);
        h.sent(0);
        h.sent(1);
        assertEquals(List.of(), h.pool.leakedSlots(), "packet buffers still held");
    }

    private record Descriptor(int flags, byte[] frame)
    {
    }

    private List<Descriptor> descriptors(final int ring)
    {
        final List<Descriptor> found = new ArrayList<>();
        h.rings[ring].drain((bufferId, offset, length, flags) ->
        {
            final byte[] bytes = new byte[length];
            h.pool.buffer(bufferId).getBytes(offset, bytes);
            found.add(new Descriptor(flags, bytes));
            h.pool.release(bufferId);
        }, Integer.MAX_VALUE);
        return found;
    }

    /** The TCP bytes as TCP hands them over: the checksum field holds the partial pseudo-header sum. */
    private byte[] handedOver(final int destination)
    {
        return TcpDatagrams.datagram(header, data, TcpSegmenter.partialChecksum(OUR_ADDRESS, destination,
            header.length + data.length));
    }

    private int sendSegmented(final int destination, final int segmentSize)
    {
        final int id = h.module.claimLarge();
        assertTrue(id >= h.pool.slots(), "a large buffer: " + id);
        final byte[] tcp = handedOver(destination);
        h.module.buffer(id).putBytes(Ipv4Sender.PAYLOAD_OFFSET, tcp);
        return h.module.sendSegmented(id, tcp.length, segmentSize, 0, destination, 0);
    }

    private List<byte[]> expectedSegments(final int destination)
    {
        return TcpDatagrams.segmentsSentOneByOne(header, data, SEGMENT, OUR_ADDRESS, destination);
    }

    @Test
    @DisplayName("a device that cuts gets one frame: IPv4 header for the whole datagram, DF, the segment size in " +
        "the descriptor, the TCP bytes untouched")
    void deviceGetsOneFrame()
    {
        assertEquals(Ipv4Sender.SENT, sendSegmented(PEER, SEGMENT));
        final List<Descriptor> down = descriptors(0);
        assertEquals(1, down.size());
        assertEquals(DescriptorFlags.segmented(SEGMENT), down.get(0).flags());
        assertEquals(SEGMENT, DescriptorFlags.segmentSize(down.get(0).flags()));
        final byte[] frame = down.get(0).frame();
        assertEquals(14 + 20 + header.length + data.length, frame.length);
        final EthernetFrame ethernet = new EthernetFrame();
        assertTrue(ethernet.tryWrap(new UnsafeBuffer(frame), 0, frame.length));
        assertEquals(PEER_MAC, ethernet.destination());
        assertEquals(OUR_MAC, ethernet.source());
        assertEquals(EthernetFrame.ETHER_TYPE_IPV4, ethernet.etherType());
        final Ipv4Header ip = ipOf(frame);
        assertEquals(20 + header.length + data.length, ip.totalLength());
        assertTrue(ip.dontFragment(), "RFC 1191: every segment goes with DF");
        assertFalse(ip.isFragment());
        assertEquals(TCP, ip.protocol());
        assertEquals(64, ip.timeToLive());
        assertEquals(OUR_ADDRESS, ip.sourceAddress());
        assertEquals(PEER, ip.destinationAddress());
        assertTrue(ip.checksumValid());
        assertArrayEquals(handedOver(PEER), payloadOf(frame), "the device completes the TCP checksum, not IPv4");
        assertEquals(1, h.counters.get(CounterDescriptor.IPV4_SEGMENTED_SENT));
        assertEquals(3, h.counters.get(CounterDescriptor.IPV4_SENT), "three datagrams reach the wire");
        assertEquals(0, h.counters.get(CounterDescriptor.IPV4_SEGMENTED_SOFTWARE));
    }

    @Test
    @DisplayName("RFC 6864 §4.1: the device's segments take consecutive identifications, reserved so the flow's " +
        "next datagram does not reuse one")
    void identificationsReservedPerSegment()
    {
        assertEquals(Ipv4Sender.SENT, sendSegmented(PEER, SEGMENT));
        final int first = ipOf(descriptors(0).get(0).frame()).identification();
        assertEquals(Ipv4Sender.SENT, h.send(TcpDatagrams.header(1, ACK, new byte[0]), PEER, TCP,
            Ipv4Sender.DONT_FRAGMENT, 0));
        final int next = ipOf(h.sent(0).get(0)).identification();
        assertEquals((first + 3) & 0xFFFF, next, "segments took first, first + 1, first + 2");
    }

    @Test
    @DisplayName("a link whose device cannot cut (mode ALWAYS): IPv4 cuts in software, each segment a datagram " +
        "of its own, byte for byte what TCP sends alone, consecutive identifications")
    void softwareCutWithoutDevice()
    {
        h = harness(SegmentationOffload.ALWAYS, 0);
        assertEquals(Ipv4Sender.SENT, sendSegmented(PEER, SEGMENT));
        final List<Descriptor> down = descriptors(0);
        final List<byte[]> expected = expectedSegments(PEER);
        assertEquals(expected.size(), down.size());
        int previousId = -1;
        for (int i = 0; i < down.size(); i++)
        {
            assertEquals(0, down.get(i).flags(), "a regular frame");
            final byte[] frame = down.get(i).frame();
            final Ipv4Header ip = ipOf(frame);
            assertEquals(20 + expected.get(i).length, ip.totalLength());
            assertTrue(ip.dontFragment());
            assertEquals(TCP, ip.protocol());
            assertTrue(ip.checksumValid());
            assertArrayEquals(expected.get(i), payloadOf(frame), "segment " + i);
            if (previousId >= 0)
            {
                assertEquals((previousId + 1) & 0xFFFF, ip.identification());
            }
            previousId = ip.identification();
        }
        assertEquals(1, h.counters.get(CounterDescriptor.IPV4_SEGMENTED_SOFTWARE));
        assertEquals(0, h.counters.get(CounterDescriptor.IPV4_SEGMENTED_SENT));
        assertEquals(3, h.counters.get(CounterDescriptor.IPV4_SENT));
    }

    @Test
    @DisplayName("RFC 826: a next hop not resolved yet is not made to hold the large frame: the segments are cut " +
        "and wait for ARP one by one, and are freed if it never answers")
    void unresolvedNeighbourCutsInSoftware()
    {
        h.resolver.hold = true;
        assertEquals(Ipv4Sender.QUEUED_FOR_RESOLUTION, sendSegmented(PEER, SEGMENT));
        assertEquals(0, h.rings[0].size(), "nothing to the link yet");
        final List<byte[]> expected = expectedSegments(PEER);
        assertEquals(expected.size(), h.resolver.held.size());
        for (int i = 0; i < expected.size(); i++)
        {
            final int[] held = h.resolver.held.get(i);
            assertTrue(held[0] < h.pool.slots(), "a regular buffer");
            final byte[] frame = new byte[held[1]];
            h.pool.buffer(held[0]).getBytes(0, frame);
            assertArrayEquals(expected.get(i), payloadOf(frame));
        }
        assertEquals(1, h.counters.get(CounterDescriptor.IPV4_SEGMENTED_SOFTWARE));
    }

    @Test
    @DisplayName("RFC 1191: segments larger than the path MTU with DF are refused whole (TOO_BIG); smaller ones go")
    void segmentOverPathMtuIsTooBig()
    {
        h.module.learnPathMtu(PEER, 1200, 0);
        assertEquals(Ipv4Sender.TOO_BIG, sendSegmented(PEER, SEGMENT));
        assertTrue(descriptors(0).isEmpty());
        assertEquals(1, h.counters.drops(DropReason.IPV4_TOO_BIG_DONT_FRAGMENT));

        final int fits = 1200 - 20 - header.length;
        assertEquals(Ipv4Sender.SENT, sendSegmented(PEER, fits));
        final List<Descriptor> down = descriptors(0);
        assertEquals(1, down.size());
        assertEquals(fits, DescriptorFlags.segmentSize(down.get(0).flags()));
    }

    @Test
    @DisplayName("too few regular buffers to cut into: nothing is sent, every one claimed is freed, counted as a " +
        "pool shortage")
    void bufferShortageSendsNothing()
    {
        h = harness(SegmentationOffload.ALWAYS, 0);
        final List<Integer> taken = new ArrayList<>();
        while (h.pool.slots() - h.pool.inUse() > 2)
        {
            taken.add(h.pool.acquire());
        }
        assertEquals(Ipv4Sender.NO_BUFFER, sendSegmented(PEER, SEGMENT));
        assertTrue(descriptors(0).isEmpty());
        assertEquals(1, h.counters.drops(DropReason.POOL_EXHAUSTED_TX));
        assertEquals(taken.size(), h.pool.inUse(), "the two claimed for cutting and the large one are free again");
        taken.forEach(h.pool::release);
    }

    @Test
    @DisplayName("to one of our own addresses the datagram is cut and looped back, each segment delivered alone")
    void localDestinationLoopsBackInSegments()
    {
        final Ipv4TestHarness.RecordingTransport tcp = new Ipv4TestHarness.RecordingTransport(TCP);
        h.module.register(tcp);
        assertEquals(Ipv4Sender.SENT, sendSegmented(OUR_ADDRESS, SEGMENT));
        h.module.doWork(0);
        final List<byte[]> expected = expectedSegments(OUR_ADDRESS);
        assertEquals(expected.size(), tcp.datagrams.size());
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), tcp.datagrams.get(i).payload(), "segment " + i);
        }
        assertTrue(descriptors(0).isEmpty(), "never on a link");
    }

    @Test
    @DisplayName("no route: NO_ROUTE, counted, the large buffer freed")
    void noRoute()
    {
        h = harness(SegmentationOffload.LINK, DEVICE_LIMIT, false, LARGE_BUFFERS);
        assertEquals(Ipv4Sender.NO_ROUTE, sendSegmented(FAR_HOST, SEGMENT));
        assertEquals(1, h.counters.drops(DropReason.IPV4_NO_ROUTE));
    }

    @Test
    @DisplayName("a caller's mistake (segment size 0, data offset below 5) is refused with a message, buffer freed")
    void callerMistakesRefused()
    {
        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> sendSegmented(PEER, 0));
        assertTrue(zero.getMessage().contains("segment size 0"), zero.getMessage());
        header[12] = 0x40;
        final IllegalArgumentException offset = assertThrows(IllegalArgumentException.class,
            () -> sendSegmented(PEER, SEGMENT));
        assertTrue(offset.getMessage().contains("header length 16"), offset.getMessage());
    }

    @Test
    @DisplayName("segmentation limit: device limit less Ethernet and IPv4 headers, bounded by a large buffer and " +
        "65,515; 0 for NEVER, our own addresses, no route, no large buffers, and (LINK) links that cannot cut")
    void segmentationLimits()
    {
        assertEquals(65_515, h.module.segmentationLimit(PEER));
        assertEquals(65_515, h.module.segmentationLimit(FAR_HOST), "through the gateway on the same link");
        assertEquals(0, h.module.segmentationLimit(SECOND_SUBNET_PEER), "LINK: if1's device cuts nothing");
        assertEquals(0, h.module.segmentationLimit(OUR_ADDRESS), "our own address");

        h = harness(SegmentationOffload.LINK, 14 + 9000);
        assertEquals(9000 - 20, h.module.segmentationLimit(PEER));

        h = harness(SegmentationOffload.ALWAYS, 0);
        assertEquals(65_515, h.module.segmentationLimit(PEER), "cut in software");
        assertEquals(65_515, h.module.segmentationLimit(SECOND_SUBNET_PEER));
        assertEquals(0, h.module.segmentationLimit(OUR_ADDRESS));

        h = harness(SegmentationOffload.NEVER, DEVICE_LIMIT);
        assertEquals(0, h.module.segmentationLimit(PEER));

        h = harness(SegmentationOffload.ALWAYS, DEVICE_LIMIT, true, 0);
        assertEquals(0, h.module.segmentationLimit(PEER), "no large buffers");
        assertEquals(-1, h.module.claimLarge());

        h = harness(SegmentationOffload.LINK, DEVICE_LIMIT, false, LARGE_BUFFERS);
        assertEquals(0, h.module.segmentationLimit(FAR_HOST), "no route");
    }

    @Test
    @DisplayName("RFC 6864 §4.1: reserving k identifications moves the flow's counter by k, wrapping at 2^16")
    void reserveMovesCounter()
    {
        final IpIdGenerator ids = new IpIdGenerator(3);
        final int first = ids.reserve(OUR_ADDRESS, PEER, TCP, 5);
        assertEquals((first + 5) & 0xFFFF, ids.next(OUR_ADDRESS, PEER, TCP));
        final int wrapStart = ids.reserve(OUR_ADDRESS, PEER, TCP, 0xFFFF);
        assertEquals((wrapStart + 0xFFFF) & 0xFFFF, ids.next(OUR_ADDRESS, PEER, TCP));
        assertThrows(IllegalArgumentException.class, () -> ids.reserve(OUR_ADDRESS, PEER, TCP, 0));
    }
}
