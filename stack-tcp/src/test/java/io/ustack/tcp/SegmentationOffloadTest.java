package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.tcp.wire.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
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

    @Test
    void aSendThatEmptiesTheBufferCarriesPshOnItsLastSegmentOnly()
    {
        final List<byte[]> alone = writeWholeSegmentsThenClose(0, 6);
        final List<byte[]> offloaded = writeWholeSegmentsThenClose(LIMIT, 6);

        assertSameDatagrams(alone, offloaded);
        final List<byte[]> data = offloaded.stream().filter(d -> d.length > 40).toList();
        assertEquals(6, data.size());
        for (int i = 0; i < data.size(); i++)
        {
            assertEquals(i == data.size() - 1, (data.get(i)[13] & TcpHeader.PSH) != 0, "PSH on segment " + i);
        }
    }

    @Test
    void wholeSegmentsWrittenJustBeforeCloseLeaveAsOneByOne()
    {
        final LoopbackNet alone = TransferPropertiesTest.transferDeliversExactly(9, 0, 0, 0, 8 * 1448, 0, 65_536);
        final LoopbackNet offloaded =
            TransferPropertiesTest.transferDeliversExactly(9, 0, 0, 0, 8 * 1448, LIMIT, 65_536);

        assertTrue(offloaded.ipA.segmentedSends > 0);
        assertSameDatagrams(alone.sentByA, offloaded.sentByA);
    }

    /** Connects, writes {@code segments} whole segments, waits until the peer has read them, then closes. */
    private static List<byte[]> writeWholeSegmentsThenClose(final int limit, final int segments)
    {
        final LoopbackNet net = new LoopbackNet(21, 0, 0, 0,
            TcpSettings.builder().sendBufferBytes(65_536).receiveBufferBytes(65_536).build(), limit);
        final int listener = net.b.listen(LoopbackNet.B, 7, 4);
        final int client = net.a.connect(LoopbackNet.B, 7, 0, net.nowNs);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[65_536]);
        final int[] state = {-1, 0, 0}; // server id, bytes written, bytes read
        final boolean done = net.run(now ->
        {
            boolean progress = false;
            if (state[1] == 0 && net.a.state(client) == TcpState.ESTABLISHED)
            {
                final int mss = net.a.stats(client).mss();
                state[1] = net.a.write(client, scratch, 0, segments * mss, now);
                assertEquals(segments * mss, state[1]);
                progress = true;
            }
            if (state[0] < 0)
            {
                state[0] = net.b.accept(listener);
            }
            if (state[0] >= 0)
            {
                final int n = net.b.read(state[0], scratch, 0, scratch.capacity(), now);
                if (n > 0)
                {
                    state[2] += n;
                    progress = true;
                    if (state[2] == state[1])
                    {
                        net.a.close(client, now);
                    }
                }
            }
            return progress;
        }, () -> state[1] > 0 && state[2] == state[1] && net.a.state(client) != TcpState.ESTABLISHED,
            10_000_000_000L);
        assertTrue(done, "stalled after " + state[2] + " bytes");
        return net.sentByA;
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
