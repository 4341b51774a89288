package io.ustack.link.packet;

import io.ustack.jni.AfPacket;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Staging for {@code sendmmsg}: the slot layout the native side reads, and frames kept across refused sends. */
@DisplayName("sendmmsg staging")
class StagedBatchSenderTest
{
    private static final int SLOT = 128;

    /** Stands in for the kernel: takes up to {@code accept} frames per call and records their first byte. */
    private final List<Integer> sent = new ArrayList<>();
    private int accept = Integer.MAX_VALUE;

    private final StagedBatchSender sender = new StagedBatchSender(SLOT, 4, this::kernelTakes);

    private int kernelTakes(final ByteBuffer staging, final int slotSize, final int first, final int count)
    {
        if (accept == 0)
        {
            return -11;
        }
        final int taken = Math.min(count, accept);
        for (int i = first; i < first + taken; i++)
        {
            final int length = staging.order(ByteOrder.nativeOrder()).getInt(i * slotSize);
            assertTrue(length > 0 && length <= slotSize - AfPacket.STAGING_DATA_OFFSET);
            sent.add((int)staging.get(i * slotSize + AfPacket.STAGING_DATA_OFFSET) * 1000 + length);
        }
        return taken;
    }

    private static UnsafeBuffer frame(final int fill)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
        frame.setMemory(0, 100, (byte)fill);
        return frame;
    }

    @Test
    @DisplayName("staged frames go out in order with their lengths, all in one flush")
    void flushSendsInOrder()
    {
        assertTrue(sender.offer(frame(1), 0, 60));
        assertTrue(sender.offer(frame(2), 0, 100));
        assertEquals(2, sender.flush());
        assertEquals(List.of(1060, 2100), sent);
        assertEquals(0, sender.flush(), "nothing staged, nothing sent");
    }

    @Test
    @DisplayName("a full staging area and an oversized frame are refused")
    void refusesWhenFullOrTooLong()
    {
        assertFalse(sender.offer(frame(1), 0, SLOT - AfPacket.STAGING_DATA_OFFSET + 1));
        for (int i = 0; i < 4; i++)
        {
            assertTrue(sender.offer(frame(i), 0, 50));
        }
        assertFalse(sender.offer(frame(9), 0, 50));
    }

    @Test
    @DisplayName("frames the kernel refuses for now stay staged in order and go with the next flush")
    void refusedFramesStayInOrder()
    {
        for (int i = 1; i <= 4; i++)
        {
            sender.offer(frame(i), 0, 60 + i);
        }
        accept = 1;
        assertEquals(1, sender.flush());
        assertEquals(3, sender.staged());
        accept = 0;
        assertEquals(0, sender.flush(), "an errno means none taken");
        assertTrue(sender.offer(frame(5), 0, 65));
        accept = Integer.MAX_VALUE;
        assertEquals(4, sender.flush());
        assertEquals(List.of(1061, 2062, 3063, 4064, 5065), sent);
        assertEquals(2, sender.refusedFlushes());
    }
}
