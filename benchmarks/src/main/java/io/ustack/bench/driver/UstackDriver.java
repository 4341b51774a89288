package io.ustack.bench.driver;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;

/** ustack's AF_PACKET endpoint: frames read in the ring, sends queued in the ring and kicked once per batch. */
final class UstackDriver implements FrameDriver, RxFrameHandler
{
    private final AfPacketEndpoint endpoint;
    private long checksum;
    private long drops;

    UstackDriver(final AfPacketConfig config) throws IOException
    {
        this.endpoint = AfPacketEndpoint.open(config);
    }

    long macAddress()
    {
        return endpoint.macAddress();
    }

    @Override
    public int receive(final int limit)
    {
        return endpoint.receive(this, limit);
    }

    @Override
    public int send(final UnsafeBuffer frame, final int length, final int count)
    {
        int queued = 0;
        while (queued < count && endpoint.transmit(frame, 0, length))
        {
            queued++;
        }
        endpoint.flush();
        return queued;
    }

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        // Touch the frame as a parser would: its last byte and EtherType.
        checksum += buffer.getByte(offset + length - 1) + buffer.getShort(offset + 12);
    }

    @Override
    public void onDrop(final DropReason reason)
    {
        drops++;
    }

    /** Sum of bytes read from received frames (keeps the reads from being optimised away). */
    long checksum()
    {
        return checksum;
    }

    long drops()
    {
        return drops;
    }

    @Override
    public void close()
    {
        endpoint.close();
    }
}
