package io.ustack.tcp.recovery;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("RACK's reordering window adapted by D-SACK, RFC 8985 §6.2 step 4")
class ReorderingWindowTest
{
    private static final long MIN_RTT_NS = 40_000_000L;
    private static final long SRTT_NS = 1_000_000_000L;

    private final ReorderingWindow window = new ReorderingWindow();

    @Test
    @DisplayName("RFC 8985 §6.2 step 4: one quarter of min_RTT to start; capped at SRTT; no cap while SRTT is unknown")
    void startsAtOneQuarterCappedAtSrtt_rfc8985s6_2()
    {
        assertEquals(MIN_RTT_NS / 4, window.windowNs(MIN_RTT_NS, SRTT_NS));
        assertEquals(3_000_000L, window.windowNs(MIN_RTT_NS, 3_000_000L));
        assertEquals(MIN_RTT_NS / 4, window.windowNs(MIN_RTT_NS, 0));
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 4: the first D-SACK of a round grows the multiplier; others in that round do not")
    void growsOncePerRound_rfc8985s6_2()
    {
        assertTrue(window.onDsack(1000, 5000));
        assertFalse(window.onDsack(4999, 6000), "SND.UNA has not reached the round's SND.NXT (5000)");
        assertEquals(2, window.multiplier());
        assertTrue(window.onDsack(5000, 9000), "the round is over once SND.UNA reaches it");
        assertEquals(3, window.multiplier());
        assertEquals(3 * (MIN_RTT_NS / 4), window.windowNs(MIN_RTT_NS, SRTT_NS));
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 4: rounds compare with sequence wrap-around")
    void roundsAcrossTheWrap_rfc8985s6_2()
    {
        assertTrue(window.onDsack(0xFFFF_F000, 0x0000_1000));
        assertFalse(window.onDsack(0xFFFF_FF00, 0x0000_2000));
        assertTrue(window.onDsack(0x0000_1000, 0x0000_3000));
    }

    @Test
    @DisplayName("RFC 8985 §6.2 step 4: 16 recoveries without D-SACK reset the multiplier to 1; a D-SACK restarts the count")
    void resetsAfterSixteenRecoveries_rfc8985s6_2()
    {
        window.onDsack(0, 100);
        window.onDsack(100, 200);
        assertEquals(3, window.multiplier());
        for (int i = 0; i < ReorderingWindow.PERSIST_RECOVERIES - 1; i++)
        {
            window.onRecoveryExit();
        }
        assertEquals(3, window.multiplier(), "15 recoveries: still widened");
        window.onDsack(200, 300);
        assertEquals(4, window.multiplier());
        for (int i = 0; i < ReorderingWindow.PERSIST_RECOVERIES - 1; i++)
        {
            window.onRecoveryExit();
        }
        assertEquals(4, window.multiplier(), "the D-SACK started the count again");
        window.onRecoveryExit();
        assertEquals(1, window.multiplier());
        window.onRecoveryExit();
        assertEquals(1, window.multiplier());
    }

    @Test
    @DisplayName("the multiplier stops at 255 (Linux's bound); SRTT caps the window long before")
    void multiplierBounded()
    {
        for (int i = 0; i < 300; i++)
        {
            window.onDsack(i * 10, i * 10 + 10);
        }
        assertEquals(ReorderingWindow.MAX_MULTIPLIER, window.multiplier());
        window.reset();
        assertEquals(1, window.multiplier());
    }

    @Test
    @DisplayName("AckedRetransmissions: touching ranges merge, the oldest of more than eight is forgotten")
    void ackedRetransmissionsRing()
    {
        final AckedRetransmissions ring = new AckedRetransmissions();
        ring.add(100, 200);
        ring.add(200, 300);
        assertTrue(ring.overlaps(250, 260));
        assertFalse(ring.overlaps(300, 400), "half-open ranges");
        assertFalse(ring.overlaps(0, 100));
        for (int i = 0; i < AckedRetransmissions.CAPACITY; i++)
        {
            ring.add(1000 + i * 100, 1050 + i * 100);
        }
        assertFalse(ring.overlaps(100, 300), "forgotten");
        assertTrue(ring.overlaps(1000, 1001));
        assertFalse(ring.overlaps(1050, 1100), "the gaps between remembered ranges");
        ring.clear();
        assertFalse(ring.overlaps(1000, 1001));
    }
}
