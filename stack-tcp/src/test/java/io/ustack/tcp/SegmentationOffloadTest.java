package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP segmentation offload: full segments of new data go down as one datagram the device cuts, and what reaches the
 * wire is byte for byte what TCP sends one segment at a time.
 */
class SegmentationOffloadTest
{
    private static final int LIMIT = 65_535 - 20;

    @Test
    void theDeviceCutsExactlyTheSegmentsTcpWouldHaveSentOneByOne()
    {
        final LoopbackNet alone = TransferPropertiesTest.transferDeliversExactly(7, 0, 0, 0, 3_000_000, 0, 262_144);
        final LoopbackNet offloaded =
            TransferPropertiesTest.transferDeliversExactly(7, 0, 0, 0, 3_000_000, LIMIT, 262_144);

        assertTrue(offloaded.ipA.segmentedSends > 0, "nothing went down segmented");
        assertTrue(offloaded.ipA.segmentsCut > offloaded.ipA.segmentedSends * 10,
            "segmented sends carried few segments: " + offloaded.ipA.segmentsCut + " in " +
                offloaded.ipA.segmentedSends);
        assertEquals(0, offloaded.ipA.badPartialChecksums);
        assertSameDatagrams(alone.sentByA, offloaded.sentByA);
    }

    @Test
    void underLossTheOffloadedTransferStillMatchesSegmentBySegment()
    {
        // Retransmissions and SACK-carrying segments go one at a time, new data after them segmented again.
        final LoopbackNet alone = TransferPropertiesTest.transferDeliversExactly(11, 3, 0, 0, 1_000_000, 0, 131_072);
        final LoopbackNet offloaded =
            TransferPropertiesTest.transferDeliversExactly(11, 3, 0, 0, 1_000_000, LIMIT, 131_072);

        assertTrue(offloaded.ipA.segmentedSends > 0);
        assertTrue(offloaded.countersA.get(CounterDescriptor.TCP_RETRANSMITS) > 0, "no loss to recover from");
        assertSameDatagrams(alone.sentByA, offloaded.sentByA);
    }

    @Test
    void aSmallLimitCutsFewerSegmentsPerSend()
    {
        final LoopbackNet offloaded =
            TransferPropertiesTest.transferDeliversExactly(5, 0, 0, 0, 500_000, 3 * 1460 + 32, 131_072);

        assertTrue(offloaded.ipA.segmentedSends > 0);
        assertTrue(offloaded.ipA.segmentsCut <= offloaded.ipA.segmentedSends * 3,
            "a send exceeded the limit of three segments");
    }

    @Test
    void withNoLargeBufferFreeSegmentsGoOneByOne()
    {
        final LoopbackNet net = new LoopbackNet(3, 0, 0, 0,
            TcpSettings.builder().sendBufferBytes(131_072).receiveBufferBytes(131_072).build(), LIMIT);
        while (net.ipA.claimLarge() >= 0)
        {
            // hold every large buffer: TCP falls back to regular segments
        }
        TransferPropertiesTest.transferDeliversExactly(net, 3, 500_000);
        final LoopbackNet reference = TransferPropertiesTest.transferDeliversExactly(3, 0, 0, 0, 500_000, 0, 131_072);

        assertEquals(0, net.ipA.segmentedSends);
        assertSameDatagrams(reference.sentByA, net.sentByA);
    }

    private static void assertSameDatagrams(final List<byte[]> expected, final List<byte[]> actual)
    {
        assertEquals(expected.size(), actual.size(), "datagram count");
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), "datagram " + i);
        }
    }
}
