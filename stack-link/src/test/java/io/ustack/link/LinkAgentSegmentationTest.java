package io.ustack.link;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.ring.DescriptorFlags;
import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.api.config.StackConfig;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static io.ustack.link.packet.TcpFrames.ACK;
import static io.ustack.link.packet.TcpFrames.HEADERS;
import static io.ustack.link.packet.TcpFrames.segment;
import static io.ustack.link.packet.TcpFrames.segmentToCut;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The link agent hands a descriptor carrying a segment size to {@link LinkEndpoint#transmitSegmented}, keeps the
 * size while the frame is held, and drops (counted) a frame the endpoint cannot cut instead of failing.
 */
@DisplayName("Link agent: frames for the device to cut into segments")
class LinkAgentSegmentationTest
{
    private static final int MSS = 1448;
    private static final int BATCH = 8;

    private final PacketBufferPool pool = new PacketBufferPool(8, 2048, 4, StackConfig.LARGE_BUFFER_SLOT_SIZE);
    private final Ring fromNetwork = new Ring();
    private final StackCounters counters = StackCounters.inMemory("test");
    private final RecordingEndpoint endpoint = new RecordingEndpoint();
    private final LinkAgent agent = new LinkAgent(endpoint, pool, new Ring(), fromNetwork, counters, BATCH);

    @Test
    @DisplayName("a descriptor with a segment size goes to transmitSegmented with it, the others to transmit")
    void segmentedDescriptorsReachTransmitSegmented()
    {
        endpoint.limit = 60_000;
        queuePlain(1);
        queueSegmented(2, 5 * MSS, MSS);
        queuePlain(3);
        agent.doWork();

        assertEquals(List.of("transmit 1", "cut 2 size 1448", "transmit 3"), endpoint.calls);
        assertEquals(3, counters.get(CounterDescriptor.FRAMES_SENT));
        assertEquals(1, counters.get(CounterDescriptor.LINK_SEGMENTED_FRAMES_SENT));
        assertEquals(2 * (HEADERS + 100) + HEADERS + 5 * MSS, counters.get(CounterDescriptor.BYTES_SENT));
        assertEquals(0, pool.inUse(), "every buffer released");
        assertEquals(0, counters.totalDrops());
    }

    @Test
    @DisplayName("a segmented frame held behind a refused one, or refused itself, keeps its segment size")
    void heldFramesKeepTheirSegmentSize()
    {
        endpoint.limit = 60_000;
        endpoint.refusals = 1;
        queuePlain(1);
        queueSegmented(2, 3 * MSS, MSS);
        queueSegmented(3, 2 * MSS, 1000);
        agent.doWork();
        assertEquals(List.of("refused transmit 1"), endpoint.calls);
        assertEquals(3, agent.heldFrames());
        assertEquals(3, counters.get(CounterDescriptor.LINK_TX_HELD));

        endpoint.calls.clear();
        endpoint.refusals = 1;
        endpoint.refuseAfter = 1;
        agent.doWork();
        assertEquals(List.of("transmit 1", "refused cut 2 size 1448"), endpoint.calls);
        assertEquals(2, agent.heldFrames());

        endpoint.calls.clear();
        agent.doWork();
        assertEquals(List.of("cut 2 size 1448", "cut 3 size 1000"), endpoint.calls);
        assertEquals(0, agent.heldFrames());
        assertEquals(2, counters.get(CounterDescriptor.LINK_SEGMENTED_FRAMES_SENT));
        assertEquals(0, pool.inUse());
    }

    @Test
    @DisplayName("an endpoint without the offload never sees the frame: it is dropped, counted, and the rest go on")
    void noOffloadDropsAndCounts()
    {
        queueSegmented(2, 3 * MSS, MSS);
        queuePlain(3);
        agent.doWork();

        assertEquals(List.of("transmit 3"), endpoint.calls);
        assertEquals(1, counters.drops(DropReason.LINK_SEGMENTATION_UNSUPPORTED));
        assertEquals(1, counters.get(CounterDescriptor.FRAMES_SENT));
        assertEquals(0, counters.get(CounterDescriptor.LINK_SEGMENTED_FRAMES_SENT));
        assertEquals(0, pool.inUse(), "the dropped frame's buffer released");
    }

    @Test
    @DisplayName("a frame over the endpoint's limit, one not TCP/IPv4, and one cut into segments over the MTU drop")
    void framesTheEndpointCannotCutDrop()
    {
        endpoint.limit = 10_000;
        queueSegmented(1, 10_000 - HEADERS + 1, MSS);
        final int notTcp = queueSegmented(2, 3 * MSS, MSS);
        pool.buffer(notTcp).putByte(23, (byte)17);
        queueSegmented(3, 3 * MSS, 1500 - 20 - 32 + 1);
        queueSegmented(4, 10_000 - HEADERS, 1500 - 20 - 32);
        agent.doWork();

        assertEquals(List.of("cut 4 size 1448"), endpoint.calls);
        assertEquals(3, counters.drops(DropReason.LINK_SEGMENTATION_UNSUPPORTED));
        assertEquals(0, pool.inUse());
    }

    private void queuePlain(final int sequence)
    {
        final int id = pool.acquire();
        final byte[] frame = segment(sequence, 1, 100, ACK);
        pool.buffer(id).putBytes(0, frame);
        fromNetwork.offer(id, 0, frame.length, 0);
    }

    private int queueSegmented(final int sequence, final int data, final int segmentSize)
    {
        final int id = pool.acquireLarge();
        final byte[] frame = segmentToCut(sequence, 1, data, ACK);
        pool.buffer(id).putBytes(0, frame);
        fromNetwork.offer(id, 0, frame.length, DescriptorFlags.segmented(segmentSize));
        return id;
    }

    /** Records each transmit call by the frame's TCP sequence number; refuses as told. */
    private static final class RecordingEndpoint extends SilentEndpoint
    {
        final List<String> calls = new ArrayList<>();
        int limit;
        int refuseAfter;
        int refusals;

        RecordingEndpoint()
        {
            super("recording");
        }

        @Override
        public int segmentationOffloadLimit()
        {
            return limit;
        }

        @Override
        public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
        {
            return record("transmit " + buffer.getInt(offset + 38, ByteOrder.BIG_ENDIAN));
        }

        @Override
        public boolean transmitSegmented(final DirectBuffer buffer, final int offset, final int length,
            final int segmentSize)
        {
            return record("cut " + buffer.getInt(offset + 38, ByteOrder.BIG_ENDIAN) + " size " + segmentSize);
        }

        private boolean record(final String call)
        {
            if (refuseAfter > 0)
            {
                refuseAfter--;
            }
            else if (refusals > 0)
            {
                refusals--;
                calls.add("refused " + call);
                return false;
            }
            calls.add(call);
            return true;
        }
    }

    /** A single-threaded descriptor ring over a deque. */
    private static final class Ring implements DescriptorRing
    {
        private final ArrayDeque<int[]> queue = new ArrayDeque<>();

        @Override
        public boolean offer(final int bufferId, final int offset, final int length, final int flags)
        {
            return queue.add(new int[]{bufferId, offset, length, flags});
        }

        @Override
        public int drain(final DescriptorHandler handler, final int limit)
        {
            int count = 0;
            while (count < limit && !queue.isEmpty())
            {
                final int[] d = queue.poll();
                handler.onDescriptor(d[0], d[1], d[2], d[3]);
                count++;
            }
            return count;
        }

        @Override
        public int capacity()
        {
            return Integer.MAX_VALUE;
        }

        @Override
        public int size()
        {
            return queue.size();
        }

        @Override
        public String name()
        {
            return "test-deque";
        }
    }
}
