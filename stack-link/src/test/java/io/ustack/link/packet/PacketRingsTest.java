package io.ustack.link.packet;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TPACKET_V2 ring walks over a buffer laid out as the kernel lays out the mapping. */
@DisplayName("TPACKET_V2 rings walked in place")
class PacketRingsTest
{
    private static final int FRAME = 256;
    private static final int COUNT = 4;
    private static final int MAC = 66;

    private final UnsafeBuffer ring = new UnsafeBuffer(ByteBuffer.allocateDirect(2 * FRAME * COUNT));
    private final Recorder recorder = new Recorder();

    /** Fills slot {@code index} as the kernel does: data at tp_mac, lengths, then the status last. */
    private void kernelWrites(final int index, final int status, final int wireLength, final byte[] data)
    {
        final int slot = index * FRAME;
        ring.putBytes(slot + MAC, data);
        ring.putInt(slot + Tpacket2.LEN_OFFSET, wireLength);
        ring.putInt(slot + Tpacket2.SNAPLEN_OFFSET, data.length);
        ring.putShort(slot + Tpacket2.MAC_OFFSET, (short)MAC);
        ring.putIntOrdered(slot + Tpacket2.STATUS_OFFSET, status);
    }

    @Test
    @DisplayName("a filled slot is delivered where it lies and handed back to the kernel; an empty one stops the walk")
    void deliversAndReleases()
    {
        final PacketRxRing rx = new PacketRxRing(ring, 0, FRAME, COUNT);
        kernelWrites(0, Tpacket2.TP_STATUS_USER, 20, bytes(20, 1));
        kernelWrites(1, Tpacket2.TP_STATUS_USER, 30, bytes(30, 2));

        assertEquals(2, rx.receive(recorder, 10));
        assertEquals(List.of(20, 30), recorder.lengths);
        assertEquals(List.of(MAC, FRAME + MAC), recorder.offsets, "zero-copy: frames are read in the ring");
        assertEquals(Tpacket2.TP_STATUS_KERNEL, ring.getInt(0));
        assertEquals(Tpacket2.TP_STATUS_KERNEL, ring.getInt(FRAME));
        assertEquals(0, rx.receive(recorder, 10));
    }

    @Test
    @DisplayName("the walk wraps around the ring and honours the limit")
    void wrapsAndLimits()
    {
        final PacketRxRing rx = new PacketRxRing(ring, 0, FRAME, COUNT);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < COUNT; i++)
            {
                kernelWrites(i, Tpacket2.TP_STATUS_USER, 14 + i, bytes(14 + i, i));
            }
            assertEquals(3, rx.receive(recorder, 3));
            assertTrue(rx.hasFrame());
            assertEquals(1, rx.receive(recorder, 3));
            assertFalse(rx.hasFrame());
        }
        assertEquals(12, recorder.lengths.size());
    }

    @Test
    @DisplayName("a frame cut short by the slot (snaplen < len) is LINK_TRUNCATED_BY_RING, never delivered")
    void truncatedIsDropped()
    {
        final PacketRxRing rx = new PacketRxRing(ring, 0, FRAME, COUNT);
        kernelWrites(0, Tpacket2.TP_STATUS_USER | Tpacket2.TP_STATUS_CSUMNOTREADY, 9000, bytes(FRAME - MAC, 3));
        assertEquals(1, rx.receive(recorder, 10));
        assertEquals(List.of(DropReason.LINK_TRUNCATED_BY_RING), recorder.drops);
        assertTrue(recorder.lengths.isEmpty());
        assertEquals(Tpacket2.TP_STATUS_KERNEL, ring.getInt(0), "the slot goes back to the kernel all the same");
    }

    @Test
    @DisplayName("TP_STATUS_CSUMNOTREADY (peer offload) is LINK_CHECKSUM_PARTIAL, never delivered")
    void partialChecksumIsDropped()
    {
        final PacketRxRing rx = new PacketRxRing(ring, 0, FRAME, COUNT);
        kernelWrites(0, Tpacket2.TP_STATUS_USER | Tpacket2.TP_STATUS_CSUMNOTREADY, 60, bytes(60, 4));
        kernelWrites(1, Tpacket2.TP_STATUS_USER, 60, bytes(60, 5));
        assertEquals(2, rx.receive(recorder, 10));
        assertEquals(List.of(DropReason.LINK_CHECKSUM_PARTIAL), recorder.drops);
        assertEquals(List.of(60), recorder.lengths);
    }

    @Test
    @DisplayName("the slot is handed back even when the handler throws")
    void releasedOnHandlerFailure()
    {
        final PacketRxRing rx = new PacketRxRing(ring, 0, FRAME, COUNT);
        kernelWrites(0, Tpacket2.TP_STATUS_USER, 20, bytes(20, 1));
        final RxFrameHandler failing = new Recorder()
        {
            @Override
            public void onFrame(final DirectBuffer buffer, final int offset, final int length)
            {
                throw new IllegalStateException("boom");
            }
        };
        try
        {
            rx.receive(failing, 1);
        }
        catch (final IllegalStateException expected)
        {
            // the handler's own failure surfaces
        }
        assertEquals(Tpacket2.TP_STATUS_KERNEL, ring.getInt(0));
        assertFalse(rx.hasFrame());
    }

    @Test
    @DisplayName("transmit fills slots in order with data at offset 32 and SEND_REQUEST; a slot the kernel holds refuses")
    void transmitFillsSlots()
    {
        final int base = FRAME * COUNT;
        final PacketTxRing tx = new PacketTxRing(ring, base, FRAME, COUNT);
        final UnsafeBuffer frame = new UnsafeBuffer(bytes(60, 9));
        for (int i = 0; i < COUNT; i++)
        {
            assertTrue(tx.offer(frame, 0, 60 - i));
            assertEquals(Tpacket2.TP_STATUS_SEND_REQUEST, ring.getInt(base + i * FRAME));
            assertEquals(60 - i, ring.getInt(base + i * FRAME + Tpacket2.LEN_OFFSET));
            assertEquals(9, ring.getByte(base + i * FRAME + Tpacket2.TX_DATA_OFFSET));
        }
        assertFalse(tx.offer(frame, 0, 60), "ring full until the kernel sends");
        assertEquals(COUNT, tx.takePending());
        assertEquals(0, tx.takePending());

        ring.putIntOrdered(base, Tpacket2.TP_STATUS_AVAILABLE);
        assertTrue(tx.offer(frame, 0, 60), "slot 0 is free again after the kernel sent it");
        assertFalse(tx.offer(frame, 0, tx.maxFrameLength() + 1), "longer than a slot");
        assertEquals(FRAME - 32, tx.maxFrameLength());
    }

    @Test
    @DisplayName("a V3 transmit ring puts tp_len at 16, tp_status at 20 and the frame at offset 48")
    void transmitV3Layout()
    {
        final int base = FRAME * COUNT;
        final PacketTxRing tx = new PacketTxRing(ring, base, FRAME, COUNT, true);
        assertTrue(tx.offer(new UnsafeBuffer(bytes(60, 7)), 0, 60));
        assertEquals(Tpacket2.TP_STATUS_SEND_REQUEST, ring.getInt(base + Tpacket3.STATUS_OFFSET));
        assertEquals(60, ring.getInt(base + Tpacket3.LEN_OFFSET));
        assertEquals(0, ring.getInt(base + Tpacket3.NEXT_OFFSET), "tp_next_offset stays 0: fixed slots");
        assertEquals(7, ring.getByte(base + Tpacket3.TX_DATA_OFFSET));
        assertEquals(0, ring.getByte(base + Tpacket3.TX_DATA_OFFSET - 1));
        assertEquals(FRAME - 48, tx.maxFrameLength());
    }

    @Test
    @DisplayName("RING_COPY: a zeroed virtio_net_hdr with hdr_len = frame length, the frame after it, tp_len both")
    void transmitWithVnetHeader()
    {
        final int base = FRAME * COUNT;
        final PacketTxRing tx = new PacketTxRing(ring, base, FRAME, COUNT, false, true);
        ring.setMemory(base, FRAME, (byte)0x5A); // what an earlier, longer frame left behind
        ring.putInt(base + Tpacket2.STATUS_OFFSET, Tpacket2.TP_STATUS_AVAILABLE);
        assertTrue(tx.offer(new UnsafeBuffer(bytes(60, 7)), 0, 60));
        final int header = base + Tpacket2.TX_DATA_OFFSET;
        assertEquals(70, ring.getInt(base + Tpacket2.LEN_OFFSET), "tp_len covers header and frame");
        assertEquals(0, ring.getByte(header), "flags: no checksum to fill");
        assertEquals(0, ring.getByte(header + 1), "gso_type: none");
        assertEquals(60, ring.getShort(header + 2, java.nio.ByteOrder.LITTLE_ENDIAN), "hdr_len: all of it");
        assertEquals(0, ring.getShort(header + 4), "gso_size");
        assertEquals(0, ring.getInt(header + 6), "csum_start and csum_offset");
        assertEquals(7, ring.getByte(header + 10));
        assertEquals(7, ring.getByte(header + 69));
        assertEquals(0x5A, ring.getByte(header + 70), "nothing written past the frame");
        assertEquals(FRAME - 32 - 10, tx.maxFrameLength());
        final UnsafeBuffer longest = new UnsafeBuffer(bytes(FRAME, 1));
        assertFalse(tx.offer(longest, 0, FRAME - 32 - 9), "a frame that would fit only without the header");
        assertTrue(tx.offer(longest, 0, FRAME - 32 - 10));
        assertEquals(FRAME - 32, ring.getInt(base + FRAME + Tpacket2.LEN_OFFSET), "the slot exactly full");
    }

    private static byte[] bytes(final int length, final int fill)
    {
        final byte[] data = new byte[length];
        java.util.Arrays.fill(data, (byte)fill);
        return data;
    }

    private static class Recorder implements RxFrameHandler
    {
        final List<Integer> lengths = new ArrayList<>();
        final List<Integer> offsets = new ArrayList<>();
        final List<DropReason> drops = new ArrayList<>();

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            lengths.add(length);
            offsets.add(offset);
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            drops.add(reason);
        }
    }
}
