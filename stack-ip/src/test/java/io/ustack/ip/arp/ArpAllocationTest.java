package io.ustack.ip.arp;

import io.ustack.ip.QueueRing;
import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.Ipv4Prefix;
import io.ustack.api.net.MacAddress;
import io.ustack.api.ring.DescriptorHandler;
import io.ustack.ip.ArrayRing;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static io.ustack.ip.arp.ArpHarness.IP0;
import static io.ustack.ip.arp.ArpHarness.MAC0;
import static io.ustack.ip.arp.ArpHarness.PEER_IP;
import static io.ustack.ip.arp.ArpHarness.PEER_MAC;
import static io.ustack.ip.arp.ArpHarness.arpFrame;
import static io.ustack.ip.wire.ArpPacket.OPERATION_REQUEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("ARP allocates nothing per packet in steady state (DESIGN.md 'Data path' MUST)")
class ArpAllocationTest
{
    @Test
    @DisplayName("RFC 826: answering requests and resolving a known neighbour allocate no objects")
    void steadyStateAllocatesNothing()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean &&
            ((com.sun.management.ThreadMXBean)bean).isThreadAllocatedMemorySupported(), "needs allocation counters");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;

        final PacketBufferPool pool = new PacketBufferPool(16, 2048);
        final StackCounters counters = StackCounters.inMemory("alloc");
        final ArrayRing ring = new ArrayRing();
        final ArpModule arp = new ArpModule(StackConfig.builder().build(), counters, 64);
        arp.onAttach(new NetworkInterfaces(List.of(new NetworkInterface(0, "a", MAC0, new Ipv4Prefix(IP0, 24), 1500,
            new EthernetOutput(pool, ring, counters, MAC0)))));
        final byte[] request = arpFrame(MacAddress.BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, IP0);
        final int rxBuffer = pool.acquire();
        final MutableDirectBuffer rx = pool.buffer(rxBuffer);
        rx.putBytes(0, request);
        final int txBuffer = pool.acquire();
        final DescriptorHandler release = (bufferId, offset, length, flags) -> pool.release(bufferId);
        long nowNs = 1_000_000_000L;
        arp.doWork(nowNs);
        ring.drain(release, 64);

        for (int round = 0; round < 2; round++)
        {
            final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 20_000; i++)
            {
                nowNs += 1_000;
                arp.onFrame(0, rx, 0, request.length, 0, nowNs);
                assertEquals(PEER_MAC, arp.resolveOrHold(0, PEER_IP, txBuffer, 60, nowNs));
                arp.doWork(nowNs);
                ring.drain(release, 64);
            }
            final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (round == 1)
            {
                // Round 0 warms up (JIT, lazily built tables); a few hundred bytes of measurement noise are allowed.
                assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 20,000 packets");
            }
        }
        pool.release(rxBuffer);
        pool.release(txBuffer);
        assertEquals(0, pool.inUse());
    }
}
