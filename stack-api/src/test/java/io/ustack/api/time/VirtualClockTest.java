package io.ustack.api.time;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@DisplayName("Virtual clock")
class VirtualClockTest
{
    @Test
    @DisplayName("moves only when told, and never backwards")
    void movesOnlyForward()
    {
        final VirtualClock clock = new VirtualClock(100);
        assertEquals(100, clock.nanoTime());
        assertEquals(1_000_100, clock.advanceMs(1));
        clock.setNs(2_000_000);
        assertEquals(2_000_000, clock.nanoTime());
        assertThrows(IllegalArgumentException.class, () -> clock.advanceNs(-1));
        assertThrows(IllegalArgumentException.class, () -> clock.setNs(5));
    }

    @Test
    @DisplayName("deadline arithmetic survives the wrap of a 64-bit nanosecond counter")
    void deadlinesCompareAcrossWrap()
    {
        final VirtualClock clock = new VirtualClock(Long.MAX_VALUE - 10);
        final long deadlineNs = clock.nanoTime() + 20; // wraps negative
        clock.advanceNs(15);
        assertEquals(true, deadlineNs - clock.nanoTime() > 0, "not yet due");
        clock.advanceNs(10);
        assertEquals(true, deadlineNs - clock.nanoTime() < 0, "due");
    }
}
