package io.ustack.udp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.socket.UdpSocket;
import io.ustack.udp.wire.UdpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static io.ustack.udp.UdpHarness.LOCAL;
import static io.ustack.udp.UdpHarness.PEER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UdpConcurrencyTest
{
    private static final int PER_THREAD = 100_000;
    private final UdpHarness h = new UdpHarness();

    @AfterEach
    void noLeaks()
    {
        h.close();
        assertEquals(0, h.pool.inUse(), "packet buffers leaked: " + h.pool.leakedSlots());
    }

    @Test
    @Timeout(120)
    @DisplayName("two application threads send 100k datagrams each through the MPSC ring; all arrive intact, in order")
    void twoSendersThroughTheRing() throws Exception
    {
        final UdpSocket[] sockets = {h.module.open(), h.module.open()};
        sockets[0].bind(0, 20_000);
        sockets[1].bind(0, 20_001);
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] senders = new Thread[2];
        for (int t = 0; t < 2; t++)
        {
            final UdpSocket socket = sockets[t];
            final int thread = t;
            senders[t] = new Thread(() ->
            {
                final ByteBuffer payload = ByteBuffer.allocate(64);
                try
                {
                    start.await();
                    for (int seq = 0; seq < PER_THREAD; seq++)
                    {
                        final int length = 8 + seq % 57;
                        payload.clear().limit(length);
                        payload.putInt(0, thread).putInt(4, seq);
                        for (int i = 8; i < length; i++)
                        {
                            payload.put(i, (byte)(seq + i));
                        }
                        while (!socket.sendTo(payload, PEER, 9))
                        {
                            Thread.onSpinWait();
                        }
                    }
                }
                catch (final Throwable e)
                {
                    failure.compareAndSet(null, e);
                }
            }, "app-sender-" + t);
            senders[t].start();
        }
        start.countDown();

        final int[] next = new int[2];
        final UdpHeader header = new UdpHeader();
        int received = 0;
        while (received < 2 * PER_THREAD && failure.get() == null)
        {
            h.module.doWork(0);
            FakeIpv4Sender.Sent sent;
            while ((sent = h.sender.sent.poll()) != null)
            {
                final UnsafeBuffer bytes = new UnsafeBuffer(sent.bytes());
                if (!header.tryWrap(bytes, 0, sent.bytes().length) || !header.checksumValid(LOCAL, PEER))
                {
                    throw new AssertionError("malformed datagram " + header);
                }
                final int thread = bytes.getInt(8, java.nio.ByteOrder.BIG_ENDIAN);
                final int seq = bytes.getInt(12, java.nio.ByteOrder.BIG_ENDIAN);
                assertEquals(20_000 + thread, header.sourcePort());
                assertEquals(next[thread], seq, "per-sender order is kept by the ring");
                assertEquals(8 + seq % 57, header.payloadLength());
                for (int i = 8; i < header.payloadLength(); i++)
                {
                    assertEquals((byte)(seq + i), bytes.getByte(8 + i));
                }
                next[thread]++;
                received++;
            }
        }
        for (final Thread s : senders)
        {
            s.join();
        }
        assertNull(failure.get());
        assertEquals(PER_THREAD, next[0]);
        assertEquals(PER_THREAD, next[1]);
        assertEquals(2L * PER_THREAD, h.counters.get(CounterDescriptor.UDP_SENT));
        sockets[0].close();
        sockets[1].close();
    }
}
