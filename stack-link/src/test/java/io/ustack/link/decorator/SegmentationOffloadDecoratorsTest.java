package io.ustack.link.decorator;

import io.ustack.api.time.VirtualClock;
import io.ustack.link.SilentEndpoint;
import io.ustack.link.memory.Impairments;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ustack.link.packet.TcpFrames.ACK;
import static io.ustack.link.packet.TcpFrames.segmentToCut;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A decorator passes the inner endpoint's segmentation offload through only where it honours it. */
@DisplayName("Decorators and segmentation offload")
class SegmentationOffloadDecoratorsTest
{
    private static final int LIMIT = 60_000;
    private static final int MSS = 1448;

    private final OffloadingEndpoint inner = new OffloadingEndpoint();
    private final byte[] frame = segmentToCut(1000, 7, 4 * MSS, ACK);
    private final UnsafeBuffer buffer = new UnsafeBuffer(frame);

    @TempDir
    Path directory;

    @Test
    @DisplayName("the tracer passes the offload through and traces a frame to cut as one line")
    void tracerPassesThrough()
    {
        final List<String> lines = new ArrayList<>();
        final TracingEndpoint traced = new TracingEndpoint(inner, lines::add);
        assertEquals(LIMIT, traced.segmentationOffloadLimit());
        assertTrue(traced.transmitSegmented(buffer, 0, frame.length, MSS));
        inner.room = false;
        assertFalse(traced.transmitSegmented(buffer, 0, frame.length, MSS));
        assertEquals(List.of(frame.length + " " + MSS), inner.cuts);
        assertEquals(List.of(
            "inner TX cut 1448 5858 bytes 20:21:22:23:24:25 > 10:11:12:13:14:15 type 0x0800 IPv4",
            "inner TX cut refused 1448 5858 bytes 20:21:22:23:24:25 > 10:11:12:13:14:15 type 0x0800 IPv4"), lines);
    }

    @Test
    @DisplayName("the fault injector passes it through only while its transmit direction is not impaired")
    void faultInjectorOnlyWithoutTransmitImpairments()
    {
        final VirtualClock clock = new VirtualClock();
        final Impairments lossy = Impairments.builder().lossProbability(0.5).build();
        final FaultInjectingEndpoint receiveOnly = FaultInjectingEndpoint.wrap(inner, clock).receive(lossy).build();
        assertEquals(LIMIT, receiveOnly.segmentationOffloadLimit());
        assertTrue(receiveOnly.transmitSegmented(buffer, 0, frame.length, MSS));
        assertEquals(List.of(frame.length + " " + MSS), inner.cuts);

        final FaultInjectingEndpoint transmitToo = FaultInjectingEndpoint.wrap(inner, clock).transmit(lossy).build();
        assertEquals(0, transmitToo.segmentationOffloadLimit());
        assertThrows(UnsupportedOperationException.class,
            () -> transmitToo.transmitSegmented(buffer, 0, frame.length, MSS));
        assertEquals(1, inner.cuts.size(), "nothing more reached the inner endpoint");
    }

    @Test
    @DisplayName("the pcap writer claims no offload: a capture shows what goes on the wire")
    void pcapWriterClaimsNone() throws Exception
    {
        try (PcapWriterEndpoint captured = new PcapWriterEndpoint(inner,
            new PcapWriter(directory.resolve("cut.pcap"), PcapWriter.epochClock(new VirtualClock(), 0))))
        {
            assertEquals(0, captured.segmentationOffloadLimit());
            assertThrows(UnsupportedOperationException.class,
                () -> captured.transmitSegmented(buffer, 0, frame.length, MSS));
        }
        assertTrue(inner.cuts.isEmpty());
    }

    /** An endpoint with segmentation offload that records what it was asked to cut. */
    private static final class OffloadingEndpoint extends SilentEndpoint
    {
        final List<String> cuts = new ArrayList<>();
        boolean room = true;

        OffloadingEndpoint()
        {
            super("inner");
        }

        @Override
        public int segmentationOffloadLimit()
        {
            return LIMIT;
        }

        @Override
        public boolean transmitSegmented(final DirectBuffer buffer, final int offset, final int length,
            final int segmentSize)
        {
            if (room)
            {
                cuts.add(length + " " + segmentSize);
            }
            return room;
        }

        @Override
        public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
        {
            return true;
        }
    }
}
