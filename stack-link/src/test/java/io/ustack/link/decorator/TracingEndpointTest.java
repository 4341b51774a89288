package io.ustack.link.decorator;

import io.ustack.api.time.VirtualClock;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.TestFrames;
import io.ustack.link.memory.WireConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.ustack.link.decorator.UdpFrames.testAddress;
import static io.ustack.link.decorator.UdpFrames.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Tracing decorator")
class TracingEndpointTest
{
    private final VirtualClock clock = new VirtualClock();

    @Test
    @DisplayName("one line per frame: endpoint, direction, length, source > destination MAC, EtherType")
    void linePerFrame()
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final List<String> lines = new ArrayList<>();
        final TracingEndpoint tracedA = new TracingEndpoint(wire.endpointA(), lines::add);
        final TracingEndpoint tracedB = new TracingEndpoint(wire.endpointB(), lines::add);
        final UnsafeBuffer frame = udp(
            WireConfig.DEFAULT_MAC_A, WireConfig.DEFAULT_MAC_B, testAddress(1), testAddress(2), 1, 2, 18);
        assertTrue(tracedA.transmit(frame, 0, frame.capacity()));
        assertEquals(1, tracedB.receive(new TestFramesIgnoring(), 10));
        assertEquals(List.of(
            "wire-a TX 60 bytes 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800 IPv4",
            "wire-b RX 60 bytes 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800 IPv4"), lines);
    }

    @Test
    @DisplayName("refused transmissions and FCS drops are traced too, to a PrintStream")
    void refusalsAndDrops()
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().queueDepth(1)
            .impairmentsAToB(Impairments.builder().corruptionProbability(1.0).build()).build(), clock);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final TracingEndpoint tracedA = new TracingEndpoint(wire.endpointA(), out);
        final TracingEndpoint tracedB = new TracingEndpoint(wire.endpointB(), out);
        final UnsafeBuffer frame = TestFrames.sequenced(1, 64, WireConfig.DEFAULT_MAC_A, WireConfig.DEFAULT_MAC_B);
        assertTrue(tracedA.transmit(frame, 0, 64));
        assertFalse(tracedA.transmit(frame, 0, 64));
        assertEquals(1, tracedB.receive(new TestFramesIgnoring(), 10));
        final String[] lines = bytes.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("wire-a TX 64 bytes"), lines[0]);
        assertTrue(lines[1].startsWith("wire-a TX refused 64 bytes") && lines[1].endsWith("type 0x88b5 unknown"),
            lines[1]);
        assertEquals("wire-b RX drop LINK_BAD_FCS (frame check sequence mismatch)", lines[2]);
    }

    /** Accepts and ignores everything. */
    private static final class TestFramesIgnoring implements io.ustack.api.link.RxFrameHandler
    {
        @Override
        public void onFrame(final org.agrona.DirectBuffer buffer, final int offset, final int length)
        {
        }

        @Override
        public void onDrop(final io.ustack.api.counter.DropReason reason)
        {
        }
    }
}
