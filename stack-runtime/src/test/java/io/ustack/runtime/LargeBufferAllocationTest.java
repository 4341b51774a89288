package io.ustack.runtime;

import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A stack sets large buffers aside for segmentation offload only when some link will use them. */
@DisplayName("Large packet buffers for segmentation offload")
class LargeBufferAllocationTest
{
    @Test
    @DisplayName("LINK: only with a link whose device cuts segments; ALWAYS: always; NEVER: never")
    void largeBuffersOnlyWhereSegmentationOffloadIsUsed()
    {
        assertEquals(0, largeSlots(SegmentationOffload.LINK, 0));
        assertEquals(32, largeSlots(SegmentationOffload.LINK, 65_494));
        assertEquals(32, largeSlots(SegmentationOffload.ALWAYS, 0));
        assertEquals(0, largeSlots(SegmentationOffload.NEVER, 65_494));
    }

    private static int largeSlots(final SegmentationOffload offload, final int deviceLimit)
    {
        final ScriptedEndpoint endpoint = new ScriptedEndpoint();
        endpoint.segmentationOffloadLimit = deviceLimit;
        final Stack stack = Stack.builder(StackConfig.builder().name("large").threadingMode(ThreadingMode.INVOKER)
            .segmentationOffload(offload).build()).iface(endpoint, "198.18.0.1/24").build();
        final int largeSlots = stack.bufferPool().largeSlots();
        stack.start().shutdown();
        return largeSlots;
    }
}
