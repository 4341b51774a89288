package io.ustack.runtime;

import io.ustack.api.config.RingKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.MacAddress;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every frame the link and network agents refuse is counted under exactly one named reason. */
@DisplayName("Link and plumbing drops: one named reason per dropped frame")
class DropReasonAccountingTest
{
    private static final int TEST_ETHER_TYPE = EthernetFrame.ETHER_TYPE_LOCAL_EXPERIMENTAL;

    private final ScriptedEndpoint endpoint = new ScriptedEndpoint();
    private final RecordingModule module = new RecordingModule(TEST_ETHER_TYPE);
    private Stack stack;
    private long nowNs;

    private Stack start(final StackConfig.Builder config)
    {
        stack = Stack.builder(config.threadingMode(ThreadingMode.INVOKER).build(), endpoint).module(module).build();
        return stack.start();
    }

    @AfterEach
    void noLeaks()
    {
        if (stack != null)
        {
            stack.shutdown();
            assertEquals(0, stack.bufferPool().inUse(), "buffers leaked: " + stack.bufferPool().leakedSlots());
            assertEquals(0, stack.agentErrors());
        }
    }

    private static byte[] frame(final long destination, final int etherType, final int length)
    {
        final byte[] bytes = new byte[length];
        new EthernetFrame().wrapForWrite(new UnsafeBuffer(bytes), 0).destination(destination).source(0x0200_0000_0BBBL)
            .etherType(etherType);
        return bytes;
    }

    private void pollUntilIdle()
    {
        for (int i = 0; i < 100 && stack.poll(nowNs += 1000) > 0; i++)
        {
            // keep going
        }
    }

    private Map<DropReason, Long> nonZeroDrops()
    {
        final StackCounters counters = stack.counters();
        final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (final DropReason r : DropReason.values())
        {
            if (counters.drops(r) != 0)
            {
                drops.put(r, counters.drops(r));
            }
        }
        return drops;
    }

    @Test
    @DisplayName("frames for us, for broadcast, and for other hosts, with known and unknown EtherTypes")
    void addressAndEtherTypeChecks()
    {
        start(StackConfig.builder());
        endpoint.deliver(frame(ScriptedEndpoint.MAC, TEST_ETHER_TYPE, 60));     // delivered
        endpoint.deliver(frame(MacAddress.BROADCAST, TEST_ETHER_TYPE, 60));     // delivered
        endpoint.deliver(frame(0x0200_0000_0CCCL, TEST_ETHER_TYPE, 60));       // another host's
        endpoint.deliver(frame(0x0100_5E00_0001L, TEST_ETHER_TYPE, 60));       // a multicast group we never joined
        endpoint.deliver(frame(ScriptedEndpoint.MAC, 0x86DD, 60));             // IPv6: no module
        endpoint.deliver(frame(ScriptedEndpoint.MAC, 0x0100, 60));             // an 802.3 length, not an EtherType
        endpoint.deliver(new byte[13]);                                         // shorter than a header
        endpoint.deliver(frame(ScriptedEndpoint.MAC, TEST_ETHER_TYPE, 1515));  // one byte past MTU + header
        endpoint.reportDrop(DropReason.LINK_BAD_FCS);                          // the device's own drop
        pollUntilIdle();

        assertEquals(2, module.received.size());
        assertEquals(Map.of(
            DropReason.LINK_NOT_FOR_US, 2L,
            DropReason.LINK_UNKNOWN_ETHERTYPE, 2L,
            DropReason.LINK_FRAME_TOO_SHORT, 1L,
            DropReason.LINK_FRAME_TOO_LONG, 1L,
            DropReason.LINK_BAD_FCS, 1L), nonZeroDrops());
        assertEquals(6, stack.counters().get(CounterDescriptor.FRAMES_RECEIVED));
        assertEquals(2, stack.counters().get(CounterDescriptor.FRAMES_DISPATCHED));
    }

    @Test
    @DisplayName("a full receive pool and a full ring upwards each drop under their own reason")
    void receiveSideExhaustion()
    {
        start(StackConfig.builder().bufferSlots(16).ringCapacity(8).linkBatchSize(64));
        for (int i = 0; i < 40; i++)
        {
            endpoint.deliver(frame(ScriptedEndpoint.MAC, TEST_ETHER_TYPE, 60));
        }
        stack.poll(nowNs += 1000); // one link batch of 40 against 8 ring slots and 16 buffers
        final Map<DropReason, Long> drops = nonZeroDrops();
        final long ringFull = drops.getOrDefault(DropReason.RING_FULL_UP, 0L);
        final long accepted = stack.counters().get(CounterDescriptor.FRAMES_RECEIVED);
        assertTrue(ringFull > 0, "ring of 8 must overflow: " + drops);
        assertEquals(40, accepted + ringFull + drops.getOrDefault(DropReason.POOL_EXHAUSTED_RX, 0L),
            "each of the 40 frames is delivered or dropped once: " + drops);
        pollUntilIdle();
        assertEquals(accepted, module.received.size());
    }

    @Test
    @DisplayName("no free buffer to send and a full ring downwards are counted; frames a device refuses are held, " +
        "not dropped, and leave in order once it takes them")
    void transmitSideExhaustion()
    {
        start(StackConfig.builder().bufferSlots(16).ringCapacity(4).linkBatchSize(1));
        module.destinationMac = 0x0200_0000_0BBBL;
        module.framesToSend = 30;
        stack.poll(nowNs += 1000);
        final Map<DropReason, Long> drops = nonZeroDrops();
        assertTrue(drops.containsKey(DropReason.RING_FULL_DOWN), drops.toString());
        assertEquals(30, stack.counters().get(CounterDescriptor.DESCRIPTORS_DOWN) +
            drops.getOrDefault(DropReason.RING_FULL_DOWN, 0L) + drops.getOrDefault(DropReason.POOL_EXHAUSTED_TX, 0L));
        pollUntilIdle();

        endpoint.refuseTransmit = true;
        final int before = endpoint.transmitted.size();
        module.payloadLength = 47; // told apart from the frames above
        module.framesToSend = 3;
        pollUntilIdle();
        assertEquals(before, endpoint.transmitted.size(), "the device took nothing");
        assertEquals(0L, stack.counters().drops(DropReason.LINK_TX_REFUSED), "a refused frame is no drop");
        assertTrue(stack.counters().get(CounterDescriptor.LINK_TX_HELD) >= 1, "the refused frame is held");
        assertEquals(3, stack.counters().get(CounterDescriptor.DESCRIPTORS_DOWN) - before, "all three queued below");

        endpoint.refuseTransmit = false;
        pollUntilIdle();
        assertEquals(before + 3, endpoint.transmitted.size(), "all three left once the device took frames again");
        for (int i = before; i < before + 3; i++)
        {
            assertEquals(14 + 47, endpoint.transmitted.get(i).length);
        }

        endpoint.refuseTransmit = true;
        module.framesToSend = 2;
        pollUntilIdle();
        final ShutdownReport report = stack.shutdown(java.time.Duration.ZERO);
        assertEquals(0, report.buffersStillHeld(), "held frames are freed at shutdown: " + report);
        assertEquals(2, report.discardedDescriptors(), "and counted as discarded: " + report);
    }

    @Test
    @DisplayName("packets still queued between layers at shutdown are freed and counted as discarded")
    void shutdownDiscardsAndCounts()
    {
        start(StackConfig.builder().ringCapacity(64));
        module.destinationMac = 0x0200_0000_0BBBL;
        module.framesToSend = 20;
        // run only the network agent's side: the link agent never drains, so frames wait in the ring
        endpoint.refuseTransmit = false;
        stack.poll(nowNs += 1000);
        final ShutdownReport report = stack.shutdown(java.time.Duration.ZERO);
        assertEquals(0, report.buffersStillHeld());
        assertEquals(report.discardedDescriptors(), stack.counters().drops(DropReason.SHUTDOWN_DISCARDED));
        assertEquals(20, endpoint.transmitted.size() + report.discardedDescriptors());
        assertTrue(endpoint.closed);
    }

    @Test
    @DisplayName("the ring kind does not change what is counted")
    void sameCountsWithDisruptorRings()
    {
        start(StackConfig.builder().ringKind(RingKind.DISRUPTOR));
        endpoint.deliver(frame(ScriptedEndpoint.MAC, TEST_ETHER_TYPE, 60));
        endpoint.deliver(frame(0x0200_0000_0CCCL, TEST_ETHER_TYPE, 60));
        pollUntilIdle();
        assertEquals(1, module.received.size());
        assertEquals(Map.of(DropReason.LINK_NOT_FOR_US, 1L), nonZeroDrops());
    }
}
