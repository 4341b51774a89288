package io.ustack.tcp.buffer;

import io.ustack.tcp.wire.SeqNum;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The receive buffer against a plain model (one boolean per stream byte): whatever the segmentation, overlap,
 * duplication, order and window trimming, the reader gets exactly the stream, RCV.NXT is exact, each byte is counted
 * once, the out-of-order ranges match the model, and the advertised right edge never moves left.
 */
class ReceiveBufferPropertiesTest
{
    private static final byte SENTINEL = (byte)0xA5;

    /** A segment's text as stream offsets {@code [start, end)}. */
    private record Segment(int start, int end)
    {
    }

    @Property(tries = 300)
    @Label("RFC 9293 §3.10.7.4: any cut, overlap, duplication, order and window trim reads back exactly the stream")
    void reassemblesExactly(
        @ForAll final long seed,
        @ForAll final int irs,
        @ForAll @IntRange(min = 3, max = 10) final int capacityLog,
        @ForAll @IntRange(min = 1, max = 12_000) final int streamLength,
        @ForAll @IntRange(min = 1, max = 2_000) final int maxSegment,
        @ForAll @IntRange(min = 1, max = 64) final int maxRanges)
    {
        final Random random = new Random(seed);
        final int capacity = 1 << capacityLog;
        final byte[] stream = new byte[streamLength];
        random.nextBytes(stream);
        final UnsafeBuffer source = new UnsafeBuffer(stream);
        final List<Segment> segments = cut(random, streamLength, maxSegment);

        final ReceiveBuffer buffer = new ReceiveBuffer(capacity, maxRanges);
        buffer.start(irs);
        final int base = irs + 1;
        final boolean[] received = new boolean[streamLength];
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[capacity + 1]);
        int modelNxt = 0; // stream offset of RCV.NXT; streamLength + 1 once past the FIN
        int bytesRead = 0;
        long accepted = 0;
        boolean finKnown = false;
        int edge = base;
        int low = 0; // segments before this one end before RCV.NXT (the one here covers RCV.NXT)

        for (int step = 0; low < segments.size(); step++)
        {
            if (step > 3_000_000)
            {
                fail("no progress: RCV.NXT at stream offset " + modelNxt);
            }
            final int action = random.nextInt(100);
            if (action < 25)
            {
                bytesRead += read(random, buffer, dst, stream, bytesRead);
            }
            else if (action < 30)
            {
                final int mss = 1 + random.nextInt(2 * capacity);
                final int window = buffer.windowToAdvertise(mss);
                assertTrue(window >= 0 && window <= buffer.window(), "advertised " + window);
                assertTrue(SeqNum.geq(buffer.advertisedRightEdge(), edge), "RFC 9293 §3.8.6: right edge moved left");
                edge = buffer.advertisedRightEdge();
            }
            else
            {
                final Segment segment = segments.get(pick(random, segments.size(), low));
                final int rightEdge = Math.min(bytesRead + capacity, streamLength);
                final int result = buffer.offer(base + segment.start, source, segment.start, segment.end - segment.start);
                if (result == ReceiveBuffer.REFUSED)
                {
                    assertEquals(ReceiveOutcome.TOO_MANY_RANGES, buffer.lastOutcome());
                    assertEquals(maxRanges, buffer.outOfOrderRangeCount());
                }
                else
                {
                    int fresh = 0;
                    for (int i = Math.max(segment.start, modelNxt); i < Math.min(segment.end, rightEdge); i++)
                    {
                        fresh += received[i] ? 0 : 1;
                        received[i] = true;
                    }
                    assertEquals(fresh, result, "bytes newly accepted, each counted once");
                    accepted += result;
                    final int before = modelNxt;
                    while (modelNxt < streamLength && received[modelNxt])
                    {
                        modelNxt++;
                    }
                    final boolean advanced = modelNxt != before;
                    final ReceiveOutcome outcome = buffer.lastOutcome();
                    assertEquals(advanced, outcome == ReceiveOutcome.IN_ORDER || outcome == ReceiveOutcome.FILLED_HOLE);
                }
                if (segment.end == streamLength)
                {
                    // The FIN rides on the last segment; it fits only when the window reaches past the text.
                    final boolean fits = finKnown || streamLength <= bytesRead + capacity;
                    assertEquals(fits, buffer.onFin(base + streamLength));
                    finKnown |= fits;
                }
                if (finKnown && modelNxt == streamLength)
                {
                    modelNxt++;
                }
            }
            assertEquals(base + modelNxt, buffer.rcvNxt(), "RCV.NXT");
            assertEquals(Math.min(modelNxt, streamLength) - bytesRead, buffer.readable());
            assertEquals(modelNxt > streamLength, buffer.finReached());
            if ((step & 7) == 0)
            {
                assertRangesMatch(buffer, received, modelNxt, base);
            }
            while (low < segments.size() && segments.get(low).end + (segments.get(low).end == streamLength ? 1 : 0) <= modelNxt)
            {
                low++;
            }
        }
        while (bytesRead < streamLength)
        {
            bytesRead += read(random, buffer, dst, stream, bytesRead);
        }
        assertEquals(streamLength, accepted, "every byte accepted exactly once");
        assertTrue(buffer.eof());
        assertEquals(0, buffer.read(dst, 0, capacity));
        assertEquals(base + streamLength + 1, buffer.rcvNxt());
    }

    /** Covers the stream with segments of random size and overlap, adds random duplicates, sorts them by start. */
    private static List<Segment> cut(final Random random, final int streamLength, final int maxSegment)
    {
        final List<Segment> segments = new ArrayList<>();
        int covered = 0;
        while (covered < streamLength)
        {
            final int start = random.nextInt(4) == 0 ? Math.max(0, covered - random.nextInt(maxSegment)) : covered;
            final int end = Math.min(streamLength, Math.max(covered + 1, start + 1 + random.nextInt(maxSegment)));
            segments.add(new Segment(start, end));
            covered = end;
            if (random.nextInt(5) == 0)
            {
                final int dupStart = random.nextInt(streamLength);
                segments.add(new Segment(dupStart, Math.min(streamLength, dupStart + 1 + random.nextInt(maxSegment))));
            }
        }
        segments.sort(Comparator.comparingInt(Segment::start));
        return segments;
    }

    /** Mostly near RCV.NXT, reordered; sometimes an old duplicate; sometimes anywhere (often beyond the window). */
    private static int pick(final Random random, final int count, final int low)
    {
        final int kind = random.nextInt(100);
        if (kind < 8 && low > 0)
        {
            return random.nextInt(low);
        }
        if (kind < 14)
        {
            return low + random.nextInt(count - low);
        }
        return low + random.nextInt(Math.min(24, count - low));
    }

    /** Reads a random amount, by copy or zero-copy, checking every byte and that nothing past the data is touched. */
    private static int read(
        final Random random, final ReceiveBuffer buffer, final UnsafeBuffer dst, final byte[] stream, final int bytesRead)
    {
        final int readable = buffer.readable();
        if (random.nextBoolean())
        {
            final int want = random.nextInt(dst.capacity());
            dst.setMemory(0, dst.capacity(), SENTINEL);
            final int n = buffer.read(dst, 0, want);
            assertEquals(Math.min(want, readable), n);
            for (int i = 0; i < n; i++)
            {
                assertEquals(stream[bytesRead + i], dst.getByte(i), "stream byte " + (bytesRead + i));
            }
            if (n < dst.capacity())
            {
                assertEquals(SENTINEL, dst.getByte(n), "read wrote past the bytes it returned");
            }
            return n;
        }
        final int contiguous = buffer.readableContiguous();
        assertTrue(contiguous <= readable && (readable == 0 || contiguous > 0));
        final int n = random.nextInt(contiguous + 1);
        for (int i = 0; i < n; i++)
        {
            assertEquals(stream[bytesRead + i], buffer.buffer().getByte(buffer.readOffset() + i));
        }
        buffer.consume(n);
        return n;
    }

    private static void assertRangesMatch(
        final ReceiveBuffer buffer, final boolean[] received, final int modelNxt, final int base)
    {
        final List<int[]> model = new ArrayList<>();
        int i = modelNxt;
        while (i < received.length)
        {
            if (received[i])
            {
                final int start = i;
                while (i < received.length && received[i])
                {
                    i++;
                }
                model.add(new int[] {base + start, base + i});
            }
            i++;
        }
        final int[] left = new int[64];
        final int[] right = new int[64];
        final int n = buffer.sackBlocks(left, right, 64);
        assertEquals(model.size(), n, "out-of-order ranges");
        assertEquals(model.size(), buffer.outOfOrderRangeCount());
        final List<int[]> blocks = new ArrayList<>();
        for (int k = 0; k < n; k++)
        {
            blocks.add(new int[] {left[k], right[k]});
        }
        blocks.sort((a, b) -> SeqNum.diff(a[0], b[0]));
        for (int k = 0; k < n; k++)
        {
            assertArrayEquals(model.get(k), blocks.get(k), "range " + k);
        }
        assertFalse(n > 0 && SeqNum.leq(blocks.get(0)[0], base + modelNxt), "a range at RCV.NXT was not pulled in");
    }
}
