package io.ustack.runtime.ring;

import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;
import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * A {@link DescriptorRing} over Agrona's {@link OneToOneRingBuffer}: each descriptor is a 32-byte record encoded in
 * place with claim/commit, so offering allocates nothing and copies nothing but the four ints.
 */
public final class AgronaDescriptorRing implements DescriptorRing
{
    private static final int MSG_TYPE_DESCRIPTOR = 1;
    private static final int BUFFER_ID_OFFSET = 0;
    private static final int OFFSET_OFFSET = 4;
    private static final int LENGTH_OFFSET = 8;
    private static final int FLAGS_OFFSET = 12;
    /**
     * 16 bytes of descriptor padded to 24, so that with Agrona's 8-byte record header each record is exactly 32
     * bytes: records then tile the power-of-two buffer and the ring never needs a padding record at the wrap,
     * which would make a ring with free slots refuse an offer.
     */
    private static final int DESCRIPTOR_LENGTH = 24;
    private static final int RECORD_LENGTH =
        BitUtil.align(RecordDescriptor.HEADER_LENGTH + DESCRIPTOR_LENGTH, RecordDescriptor.ALIGNMENT);

    private final OneToOneRingBuffer ring;
    private final MutableDirectBuffer buffer;
    private final int capacity;
    private final Forwarder forwarder = new Forwarder();

    /** @param capacity descriptors the ring must hold at least (a power of two) */
    public AgronaDescriptorRing(final int capacity)
    {
        if (Integer.bitCount(RECORD_LENGTH) != 1)
        {
            throw new IllegalStateException("record length must be a power of two: " + RECORD_LENGTH);
        }
        // Agrona's ring keeps one record's worth of space free, so size it for one more than asked.
        final int dataLength = BitUtil.findNextPositivePowerOfTwo((capacity + 1) * RECORD_LENGTH);
        this.ring = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(dataLength + RingBufferDescriptor.TRAILER_LENGTH)));
        this.buffer = ring.buffer();
        this.capacity = dataLength / RECORD_LENGTH - 1;
    }

    @Override
    public boolean offer(final int bufferId, final int offset, final int length, final int flags)
    {
        final int index = ring.tryClaim(MSG_TYPE_DESCRIPTOR, DESCRIPTOR_LENGTH);
        if (index < 0)
        {
            return false;
        }
        buffer.putInt(index + BUFFER_ID_OFFSET, bufferId);
        buffer.putInt(index + OFFSET_OFFSET, offset);
        buffer.putInt(index + LENGTH_OFFSET, length);
        buffer.putInt(index + FLAGS_OFFSET, flags);
        ring.commit(index);
        return true;
    }

    @Override
    public int drain(final DescriptorHandler handler, final int limit)
    {
        if (forwarder.handler != handler)
        {
            forwarder.handler = handler; // drains normally pass the same handler: no write per drain
        }
        return ring.read(forwarder, limit);
    }

    @Override
    public int capacity()
    {
        return capacity;
    }

    @Override
    public int size()
    {
        return ring.size() / RECORD_LENGTH;
    }

    @Override
    public String name()
    {
        return "agrona";
    }

    /**
     * Reused adapter from Agrona's message callback to ours: no lambda captured per drain. Padded so the consumer's
     * writes to it do not share a cache line with the ring fields the producer reads.
     */
    private static final class Forwarder extends CacheLinePadding implements MessageHandler
    {
        private DescriptorHandler handler;

        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            handler.onDescriptor(
                buffer.getInt(index + BUFFER_ID_OFFSET),
                buffer.getInt(index + OFFSET_OFFSET),
                buffer.getInt(index + LENGTH_OFFSET),
                buffer.getInt(index + FLAGS_OFFSET));
        }
    }
}
