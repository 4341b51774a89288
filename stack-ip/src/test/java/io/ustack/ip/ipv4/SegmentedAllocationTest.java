package io.ustack.ip.ipv4;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.Ipv4Prefix;
import io.ustack.api.ring.DescriptorHandler;
import io.ustack.ip.ArrayRing;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.arp.ArpModule;
import io.ustack.ip.offload.TcpDatagrams;
import io.ustack.ip.offload.TcpSegmenter;
import io.ustack.ip.route.RouteTable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_ADDRESS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_MAC;
import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("sending a segmented datagram allocates nothing per datagram (DESIGN.md 'Data path' MUST)")
class SegmentedAllocationTest
{
    private static final int SEGMENT = 1448;

    private static void assertNoAllocation(final SegmentationOffload mode, final int deviceLimit,
        final CounterDescriptor path)
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean &&
            ((com.sun.management.ThreadMXBean)bean).isThreadAllocatedMemorySupported(), "needs allocation counters");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;

        final StackConfig config = StackConfig.builder().randomSeed(1).segmentationOffload(mode).build();
        final PacketBufferPool pool = new PacketBufferPool(32, 2048, 2, StackConfig.LARGE_BUFFER_SLOT_SIZE);
        final StackCounters counters = StackCounters.inMemory("alloc");
        final ArrayRing ring = new ArrayRing();
        final NetworkInterfaces interfaces = new NetworkInterfaces(List.of(new NetworkInterface(0, "a", OUR_MAC,
            new Ipv4Prefix(OUR_ADDRESS, 24), 1500, new EthernetOutput(pool, ring, counters, OUR_MAC), deviceLimit)));
        final ArpModule arp = new ArpModule(config, counters, 64);
        arp.addStaticEntry(0, PEER, PEER_MAC);
        arp.onAttach(interfaces);
        final Ipv4Module ipv4 = new Ipv4Module(config, new RouteTable(interfaces, List.of()), arp, counters);
        ipv4.onAttach(interfaces);
        final byte[] header = TcpDatagrams.header(1, TcpDatagrams.ACK, TcpDatagrams.TIMESTAMP_OPTIONS);
        final byte[] data = TcpDatagrams.pattern(3 * SEGMENT, 1);
        final byte[] tcp = TcpDatagrams.datagram(header, data,
            TcpSegmenter.partialChecksum(OUR_ADDRESS, PEER, header.length + data.length));
        final DescriptorHandler release = (bufferId, offset, length, flags) -> pool.release(bufferId);

        for (int round = 0; round < 2; round++)
        {
            final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 5_000; i++)
            {
                final int id = ipv4.claimLarge();
                ipv4.buffer(id).putBytes(Ipv4Sender.PAYLOAD_OFFSET, tcp);
                assertEquals(Ipv4Sender.SENT, ipv4.sendSegmented(id, tcp.length, SEGMENT, 0, PEER, i));
                ring.drain(release, 64);
            }
            final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (round == 1)
            {
                // Round 0 warms up (JIT); a few hundred bytes of measurement noise are allowed.
                assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 5,000 datagrams");
            }
        }
        assertEquals(10_000, counters.get(path));
        assertEquals(0, pool.inUse());
    }

    @Test
    @DisplayName("handed whole to a device that cuts")
    void devicePath()
    {
        assertNoAllocation(SegmentationOffload.LINK, 14 + 65_535, CounterDescriptor.IPV4_SEGMENTED_SENT);
    }

    @Test
    @DisplayName("cut in software")
    void softwarePath()
    {
        assertNoAllocation(SegmentationOffload.ALWAYS, 0, CounterDescriptor.IPV4_SEGMENTED_SOFTWARE);
    }
}
