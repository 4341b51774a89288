package io.ustack.bench.driver;

import io.ustack.link.packet.AfPacketConfig;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends test frames from the peer namespace towards the interface under test: with {@link #start} as fast as
 * {@code threads} senders can (each its own AF_PACKET socket and transmit ring, batches of 256 per kick), or
 * with {@link #sendExactly} a counted burst. The frames carry the IEEE 802 local experimental EtherType, which no
 * kernel protocol handler takes.
 */
final class FrameGenerator implements AutoCloseable
{
    static final short ETHERTYPE = (short)0x88B5;
    private static final int BATCH = 256;

    private final List<UstackDriver> senders = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong offered = new AtomicLong();
    private final UnsafeBuffer frame;
    private final int size;

    FrameGenerator(final String namespace, final String iface, final int threads, final long dstMac, final int size)
        throws IOException
    {
        this.size = size;
        try
        {
            for (int i = 0; i < threads; i++)
            {
                senders.add(new UstackDriver(AfPacketConfig.builder(iface).namespace(namespace).frameCount(4096)
                    .build()));
            }
        }
        catch (final IOException e)
        {
            close();
            throw e;
        }
        this.frame = frame(dstMac, senders.get(0).macAddress(), size);
    }

    /** Starts every sender thread; {@link #offered()} counts the frames they handed to the kernel. */
    void start()
    {
        running.set(true);
        for (int i = 0; i < senders.size(); i++)
        {
            final UstackDriver sender = senders.get(i);
            final Thread thread = new Thread(() ->
            {
                while (running.get())
                {
                    offered.addAndGet(sender.send(frame, size, BATCH));
                }
            }, "frame-gen-" + i);
            threads.add(thread);
            thread.start();
        }
    }

    /** Frames the senders handed to the kernel so far. */
    long offered()
    {
        return offered.get();
    }

    /** Sends exactly {@code count} frames from the first sender, retrying while its ring is full. */
    void sendExactly(final long count)
    {
        long sent = 0;
        while (sent < count)
        {
            sent += senders.get(0).send(frame, size, (int)Math.min(BATCH, count - sent));
        }
    }

    /** Stops and joins the sender threads, then closes the sockets. */
    @Override
    public void close()
    {
        running.set(false);
        for (final Thread thread : threads)
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        senders.forEach(UstackDriver::close);
    }

    /** A frame of {@code size} bytes from {@code src} to {@code dst} with the experimental EtherType. */
    static UnsafeBuffer frame(final long dst, final long src, final int size)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[size]);
        for (int i = 0; i < 6; i++)
        {
            frame.putByte(i, (byte)(dst >>> (40 - 8 * i)));
            frame.putByte(6 + i, (byte)(src >>> (40 - 8 * i)));
        }
        frame.putShort(12, ETHERTYPE, ByteOrder.BIG_ENDIAN);
        for (int i = 14; i < size; i++)
        {
            frame.putByte(i, (byte)i);
        }
        return frame;
    }
}
