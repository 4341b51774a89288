package io.ustack.tcp.buffer;

import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendBufferTest
{
    private static UnsafeBuffer bytes(final int from, final int count)
    {
        final byte[] b = new byte[count];
        for (int i = 0; i < count; i++)
        {
            b[i] = (byte)(from + i);
        }
        return new UnsafeBuffer(b);
    }

    private static byte[] copyOut(final SendBuffer buffer, final int seq, final int length)
    {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[length]);
        final int n = buffer.copyOut(seq, dst, 0, length);
        return Arrays.copyOf(dst.byteArray(), Math.max(n, 0));
    }

    @Test
    @DisplayName("RFC 9293 §3.3.1: writes take what fits, free() shrinks, a full buffer takes 0")
    void writeTakesWhatFits()
    {
        final SendBuffer buffer = new SendBuffer(16);
        buffer.start(1000);
        assertEquals(16, buffer.free());
        assertEquals(10, buffer.write(bytes(0, 10), 0, 10));
        assertEquals(6, buffer.free());
        assertEquals(6, buffer.write(bytes(10, 10), 0, 10));
        assertEquals(0, buffer.write(bytes(0, 10), 0, 10));
        assertEquals(16, buffer.size());
        assertEquals(1001, buffer.seqOfFirstByte());
        assertEquals(1017, buffer.endSeq());
    }

    @Test
    @DisplayName("RFC 9293 §3.4: the first data byte is ISN + 1 (the SYN takes the ISN); acking it frees nothing")
    void firstByteAfterSyn()
    {
        final SendBuffer buffer = new SendBuffer(64);
        buffer.start(7);
        assertEquals(8, buffer.seqOfFirstByte());
        assertEquals(8, buffer.endSeq());
        assertEquals(0, buffer.acknowledge(8));
    }

    @Test
    @DisplayName("RFC 9293 §3.3.1: write, partial ACK and copyOut of any held range across the ring wrap")
    void copyOutAcrossRingWrap()
    {
        final SendBuffer buffer = new SendBuffer(16);
        buffer.start(99); // first byte 100
        assertEquals(12, buffer.write(bytes(0, 12), 0, 12));
        assertEquals(10, buffer.acknowledge(110));
        assertEquals(12, buffer.write(bytes(12, 12), 0, 12)); // stored at ring 12..15 then 0..7
        assertEquals(14, buffer.size());
        assertEquals(110, buffer.seqOfFirstByte());
        assertArrayEquals(bytes(10, 14).byteArray(), copyOut(buffer, 110, 100));
        assertArrayEquals(bytes(13, 5).byteArray(), copyOut(buffer, 113, 5), "retransmission from the middle");
        assertArrayEquals(bytes(20, 4).byteArray(), copyOut(buffer, 120, 100));
        assertEquals(0, buffer.copyOut(124, new UnsafeBuffer(new byte[4]), 0, 4), "nothing after the end");
        assertEquals(-1, buffer.copyOut(109, new UnsafeBuffer(new byte[4]), 0, 4), "already acknowledged");
        assertEquals(-1, buffer.copyOut(125, new UnsafeBuffer(new byte[4]), 0, 4), "never written");
    }

    @Test
    @DisplayName("RFC 9293 §3.4: sequence numbers wrap at 2^32 (ISN 0xFFFFFF00): mapping, ACK and copyOut still exact")
    void sequenceWrap()
    {
        final SendBuffer buffer = new SendBuffer(1024);
        buffer.start(0xFFFF_FF00);
        assertEquals(0xFFFF_FF01, buffer.seqOfFirstByte());
        assertEquals(0x200, buffer.write(bytes(0, 0x200), 0, 0x200));
        assertEquals(0x101, buffer.endSeq());
        assertEquals(0xF0, buffer.bytesAfter(0x11));
        assertArrayEquals(bytes(0xEF, 0x20).byteArray(), copyOut(buffer, 0xFFFF_FFF0, 0x20), "across 2^32");
        assertEquals(0x14F, buffer.acknowledge(0x50));
        assertEquals(0x50, buffer.seqOfFirstByte());
        assertEquals(-1, buffer.acknowledge(0xFFFF_FFF0), "before SND.UNA, across the wrap");
        assertEquals(0xB1, buffer.acknowledge(0x101));
        assertEquals(0, buffer.size());
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.4: an ACK outside [SND.UNA, end of data] is refused with -1 and changes nothing")
    void badAcksRefused()
    {
        final SendBuffer buffer = new SendBuffer(64);
        buffer.start(499); // 500..
        buffer.write(bytes(0, 40), 0, 40); // 500..539
        assertEquals(10, buffer.acknowledge(510));
        assertEquals(-1, buffer.acknowledge(509), "old ACK below SND.UNA");
        assertEquals(-1, buffer.acknowledge(541), "ACK of bytes never written");
        assertEquals(-1, buffer.acknowledge(540 + 0x4000_0000), "far ahead");
        assertEquals(-1, buffer.acknowledge(510 + 0x8000_0000), "half the space away");
        assertEquals(30, buffer.size());
        assertEquals(510, buffer.seqOfFirstByte());
        assertEquals(0, buffer.acknowledge(510), "duplicate ACK frees nothing");
        assertEquals(30, buffer.acknowledge(540));
    }

    @Test
    @DisplayName("RFC 9293 §3.4: the FIN takes the sequence number after the data; its ACK is finSeq + 1")
    void finSequence()
    {
        final SendBuffer buffer = new SendBuffer(64);
        buffer.start(0xFFFF_FFF0);
        buffer.write(bytes(0, 20), 0, 20); // 0xFFFFFFF1 .. 0x4
        assertFalse(buffer.finQueued());
        assertThrows(IllegalStateException.class, buffer::finSeq);
        buffer.markFin();
        assertTrue(buffer.finQueued());
        assertEquals(0x5, buffer.finSeq());
        assertEquals(0, buffer.free());
        assertThrows(IllegalStateException.class, () -> buffer.write(bytes(0, 1), 0, 1));
        assertEquals(0, buffer.bytesAfter(0x5), "SND.NXT at the FIN: no data left");
        assertEquals(0, buffer.bytesAfter(0x6), "SND.NXT past the FIN");
        assertEquals(-1, buffer.bytesAfter(0x7));
        assertEquals(-1, buffer.acknowledge(0x7), "beyond the FIN");
        assertEquals(20, buffer.acknowledge(0x5), "all data but not the FIN");
        assertFalse(buffer.finAcked());
        assertEquals(0, buffer.acknowledge(0x6));
        assertTrue(buffer.finAcked());
        assertEquals(0, buffer.acknowledge(0x6), "duplicate ACK of the FIN");
        assertEquals(-1, buffer.acknowledge(0x5), "older than the FIN's ACK");
    }

    @Test
    @DisplayName("RFC 9293 §3.4: one ACK can cover the last data and the FIN at once")
    void ackCoversDataAndFin()
    {
        final SendBuffer buffer = new SendBuffer(64);
        buffer.start(0);
        buffer.write(bytes(0, 5), 0, 5);
        buffer.markFin();
        assertEquals(5, buffer.acknowledge(7));
        assertTrue(buffer.finAcked());
        assertEquals(0, buffer.size());
    }

    @Test
    @DisplayName("RFC 9293 §3.8.6.2.1: bytesAfter(SND.NXT) is what is left to send")
    void bytesAfter()
    {
        final SendBuffer buffer = new SendBuffer(64);
        buffer.start(9);
        buffer.write(bytes(0, 30), 0, 30); // 10..39
        assertEquals(30, buffer.bytesAfter(10));
        assertEquals(5, buffer.bytesAfter(35));
        assertEquals(0, buffer.bytesAfter(40));
        assertEquals(-1, buffer.bytesAfter(41));
        assertEquals(-1, buffer.bytesAfter(9));
    }

    @Test
    @DisplayName("capacity must be a power of two")
    void capacityValidated()
    {
        assertThrows(IllegalArgumentException.class, () -> new SendBuffer(1000));
        assertThrows(IllegalArgumentException.class, () -> new SendBuffer(0));
        assertThrows(IllegalArgumentException.class, () -> new SendBuffer(1 << 31));
    }

    @Property(tries = 300)
    @Label("RFC 9293 §3.3.1: random writes, ACKs and copyOuts at any ISN match a plain byte-stream model exactly")
    void matchesModel(
        @ForAll final long seed,
        @ForAll final int isn,
        @ForAll @IntRange(min = 0, max = 10) final int capacityLog)
    {
        final Random random = new Random(seed);
        final int capacity = 1 << capacityLog;
        final SendBuffer buffer = new SendBuffer(capacity);
        buffer.start(isn);
        final byte[] stream = new byte[20_000];
        random.nextBytes(stream);
        final UnsafeBuffer source = new UnsafeBuffer(stream);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[capacity + 8]);
        int written = 0;
        int acked = 0;
        for (int step = 0; step < 2_000; step++)
        {
            final int action = random.nextInt(3);
            if (action == 0)
            {
                final int want = Math.min(random.nextInt(capacity + 1), stream.length - written);
                final int took = buffer.write(source, written, want);
                assertEquals(Math.min(want, capacity - (written - acked)), took);
                written += took;
            }
            else if (action == 1)
            {
                final int ack = acked + random.nextInt(written - acked + 1);
                assertEquals(ack - acked, buffer.acknowledge(isn + 1 + ack));
                acked = ack;
            }
            else
            {
                final int from = acked + random.nextInt(written - acked + 1);
                final int length = random.nextInt(capacity + 1);
                final int n = buffer.copyOut(isn + 1 + from, dst, 4, length);
                assertEquals(Math.min(length, written - from), n);
                for (int i = 0; i < n; i++)
                {
                    assertEquals(stream[from + i], dst.getByte(4 + i), "byte at stream offset " + (from + i));
                }
            }
            assertEquals(written - acked, buffer.size());
            assertEquals(isn + 1 + acked, buffer.seqOfFirstByte());
            assertEquals(isn + 1 + written, buffer.endSeq());
            assertEquals(-1, buffer.acknowledge(isn + 1 + written + 1));
        }
    }
}
