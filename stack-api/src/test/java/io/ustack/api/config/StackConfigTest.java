package io.ustack.api.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Stack configuration")
class StackConfigTest
{
    @Test
    @DisplayName("defaults build: SHARED threads, Disruptor rings (the faster in RingHopBenchmark), MTU 1500")
    void defaultsBuild()
    {
        final StackConfig config = StackConfig.builder().build();
        assertEquals(ThreadingMode.SHARED, config.threadingMode());
        assertEquals(RingKind.DISRUPTOR, config.ringKind());
        assertEquals(1500, config.mtu());
        assertEquals(SegmentationOffload.LINK, config.segmentationOffload());
    }

    @Test
    @DisplayName("every bad setting is named in one message, with what would be accepted")
    void everyProblemNamed()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StackConfig.builder()
            .name("bad name").ringCapacity(1000).bufferSlots(1).bufferSlotSize(100).mtu(100).linkBatchSize(0)
            .threadingMode(null).largeBufferSlots(-1).segmentationOffload(null).build());
        final String message = e.getMessage();
        for (final String expected : new String[]{
            "name 'bad name'", "ringCapacity 1000: use a power of two", "bufferSlots 1", "bufferSlotSize 100",
            "mtu 100", "linkBatchSize 0", "threadingMode is not set", "largeBufferSlots -1: use 0",
            "segmentationOffload is not set"})
        {
            assertTrue(message.contains(expected), "missing '" + expected + "' in: " + message);
        }
    }

    @Test
    @DisplayName("an MTU that does not fit the buffer slot says how large the slot must be")
    void mtuMustFitSlot()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> StackConfig.builder().mtu(9000).bufferSlotSize(2048).build());
        assertTrue(e.getMessage().contains("raise bufferSlotSize to at least 9088"), e.getMessage());
        assertEquals(9000, StackConfig.builder().mtu(9000).bufferSlotSize(9088).build().mtu());
    }
}
