package io.ustack.tcp.socket;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("SpscByteRing: the byte queue between an application thread and the stack thread")
class SpscByteRingTest
{
    @Test
    @DisplayName("capacity rounds up to a power of two; offer takes only what fits")
    void offerTakesWhatFits()
    {
        final SpscByteRing ring = new SpscByteRing(100);
        assertEquals(128, ring.capacity());
        final ByteBuffer from = ByteBuffer.wrap(new byte[200]);
        assertEquals(128, ring.offer(from));
        assertEquals(72, from.remaining());
        assertEquals(0, ring.offer(from));
        assertEquals(0, ring.producerSpan());
        assertEquals(128, ring.size());
    }

    @Test
    @DisplayName("bytes come out in order across the wrap, in pieces of any size")
    void orderAcrossWrap()
    {
        final SpscByteRing ring = new SpscByteRing(64);
        final SplittableRandom random = new SplittableRandom(3);
        int nextIn = 0;
        int nextOut = 0;
        for (int round = 0; round < 10_000; round++)
        {
            final byte[] in = new byte[random.nextInt(100)];
            for (int i = 0; i < in.length; i++)
            {
                in[i] = (byte)(nextIn + i);
            }
            final ByteBuffer from = ByteBuffer.wrap(in);
            nextIn += ring.offer(from);
            final ByteBuffer into = ByteBuffer.allocate(random.nextInt(100));
            final int n = ring.poll(into);
            for (int i = 0; i < n; i++)
            {
                assertEquals((byte)(nextOut + i), into.get(i), "byte " + (nextOut + i));
            }
            nextOut += n;
            assertEquals(nextIn - nextOut, ring.size());
        }
    }

    @Test
    @DisplayName("the stack side reads and writes in place: spans end at the buffer's end, the rest comes next")
    void spansInPlace()
    {
        final SpscByteRing ring = new SpscByteRing(64);
        ring.produced(60);
        ring.consumed(60);
        assertEquals(4, ring.producerSpan(), "up to the end of the buffer");
        ring.buffer().putInt(ring.producerIndex(), 0x01020304);
        ring.produced(4);
        assertEquals(60, ring.producerSpan(), "then from the start, up to the consumer");
        assertEquals(4, ring.consumerSpan());
        assertEquals(0x01020304, ring.buffer().getInt(ring.consumerIndex()));
        ring.consumed(4);
        assertEquals(0, ring.consumerSpan());
        ring.produced(10);
        ring.discard();
        assertEquals(0, ring.size());
    }

    @Test
    @DisplayName("one producer thread and one consumer thread move 64 MiB without losing or reordering a byte")
    void twoThreads() throws Exception
    {
        final SpscByteRing ring = new SpscByteRing(1 << 12);
        final long total = 64L << 20;
        final Thread producer = new Thread(() ->
        {
            final ByteBuffer from = ByteBuffer.allocateDirect(1000);
            long sent = 0;
            while (sent < total)
            {
                if (!from.hasRemaining() || sent == 0)
                {
                    from.clear();
                    from.limit((int)Math.min(from.capacity(), total - sent));
                    for (int i = 0; i < from.limit(); i++)
                    {
                        from.put(i, (byte)((sent + i) * 31));
                    }
                }
                final int n = ring.offer(from);
                sent += n;
                if (n == 0)
                {
                    Thread.onSpinWait();
                }
            }
        });
        producer.start();
        final ByteBuffer into = ByteBuffer.allocateDirect(777);
        long received = 0;
        boolean ok = true;
        while (received < total)
        {
            into.clear();
            final int n = ring.poll(into);
            for (int i = 0; i < n; i++)
            {
                ok &= into.get(i) == (byte)((received + i) * 31);
            }
            received += n;
        }
        producer.join();
        assertEquals(total, received);
        assertTrue(ok, "bytes corrupted");
    }
}
