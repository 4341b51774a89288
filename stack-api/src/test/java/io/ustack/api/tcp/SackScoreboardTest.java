package io.ustack.api.tcp;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SackScoreboardTest
{
    /** Close to 2^32, so that ranges cross the wrap. */
    private static final int UNA = 0xFFFF_F000;

    private static int at(final int offset)
    {
        return UNA + offset;
    }

    @Test
    @DisplayName("RFC 6675 §3: blocks merge into sorted disjoint ranges; only new bytes count as newly SACKed")
    void mergesAndCountsNewBytes()
    {
        final SackScoreboard s = new SackScoreboard();
        assertEquals(1000, s.onBlock(at(3000), at(4000), UNA, at(10_000)));
        assertEquals(1000, s.onBlock(at(1000), at(2000), UNA, at(10_000)));
        assertEquals(1000, s.onBlock(at(2000), at(3000), UNA, at(10_000)), "adjacent: one range");
        assertEquals(1, s.rangeCount());
        assertEquals(at(1000), s.left(0));
        assertEquals(at(4000), s.right(0));
        assertEquals(500, s.onBlock(at(3500), at(4500), UNA, at(10_000)), "overlap adds only the new part");
        assertEquals(3500, s.sackedBytes());
        assertEquals(1000, s.onBlock(at(6000), at(7000), UNA, at(10_000)));
        assertEquals(2, s.rangeCount());
        assertTrue(s.isSacked(at(1000)) && s.isSacked(at(4499)) && s.isSacked(at(6999)));
        assertFalse(s.isSacked(at(999)) || s.isSacked(at(4500)) || s.isSacked(at(7000)));
        assertEquals(at(4500), s.skipSacked(at(1200)));
        assertEquals(at(5000), s.skipSacked(at(5000)));
        assertEquals(at(6000), s.nextSackedAtOrAfter(at(4500), at(10_000)));
        assertEquals(at(5500), s.nextSackedAtOrAfter(at(4500), at(5500)));
        assertEquals(1000, s.sackedBetween(at(4000), at(6500)));
    }

    @Test
    @DisplayName("RFC 2883 §4: a D-SACK below SND.UNA or inside a SACKed range changes nothing and is counted")
    void dsackDoesNotConfuse()
    {
        final SackScoreboard s = new SackScoreboard();
        s.onBlock(at(2000), at(3000), UNA, at(10_000));
        assertEquals(0, s.onBlock(at(-1000), at(0), UNA, at(10_000)), "duplicate below the cumulative ACK");
        assertEquals(0, s.onBlock(at(2200), at(2400), UNA, at(10_000)), "duplicate inside a SACKed range");
        assertEquals(2, s.duplicateReports());
        assertEquals(1, s.rangeCount());
        assertEquals(1000, s.sackedBytes());
        assertFalse(s.isSacked(UNA));
    }

    @Test
    @DisplayName("RFC 2018 §8: blocks about unsent data or inverted are ignored; a block straddling SND.UNA is clipped")
    void invalidBlocksIgnored()
    {
        final SackScoreboard s = new SackScoreboard();
        assertEquals(0, s.onBlock(at(9000), at(11_000), UNA, at(10_000)), "beyond SND.MAX");
        assertEquals(0, s.onBlock(at(3000), at(2000), UNA, at(10_000)), "inverted");
        assertEquals(0, s.onBlock(at(3000), at(3000), UNA, at(10_000)), "empty");
        assertEquals(500, s.onBlock(at(-500), at(500), UNA, at(10_000)));
        assertEquals(UNA, s.left(0));
    }

    @Test
    @DisplayName("RFC 6675 §3: the cumulative ACK removes what it covers and clips a range it enters")
    void cumulativeAckTrims()
    {
        final SackScoreboard s = new SackScoreboard();
        s.onBlock(at(1000), at(2000), UNA, at(10_000));
        s.onBlock(at(3000), at(4000), UNA, at(10_000));
        s.onCumulativeAck(at(3500));
        assertEquals(1, s.rangeCount());
        assertEquals(at(3500), s.left(0));
        assertEquals(500, s.sackedBytes());
        s.onCumulativeAck(at(4000));
        assertEquals(0, s.rangeCount());
        assertEquals(0, s.sackedBytes());
    }

    @Test
    @DisplayName("RFC 2018 §8: when full, the highest ranges are forgotten, never a lower one")
    void fullForgetsHighest()
    {
        final SackScoreboard s = new SackScoreboard(4);
        for (int i = 1; i <= 4; i++)
        {
            s.onBlock(at(i * 2000), at(i * 2000 + 100), UNA, at(100_000));
        }
        assertEquals(0, s.onBlock(at(20_000), at(20_100), UNA, at(100_000)), "above all: not kept");
        assertEquals(100, s.onBlock(at(500), at(600), UNA, at(100_000)), "below: kept, the highest goes");
        assertEquals(4, s.rangeCount());
        assertEquals(at(500), s.left(0));
        assertEquals(at(6100), s.right(3));
        assertEquals(400, s.sackedBytes());
        assertThrows(IllegalArgumentException.class, () -> new SackScoreboard(3));
    }

    @Test
    @DisplayName("RFC 6675 §3: random blocks agree with a byte-by-byte model of what was SACKed")
    void agreesWithByteModel()
    {
        final Random random = new Random(42);
        for (int round = 0; round < 200; round++)
        {
            final SackScoreboard s = new SackScoreboard(8);
            final boolean[] model = new boolean[4000];
            int una = 0;
            for (int step = 0; step < 30; step++)
            {
                if (random.nextInt(5) == 0)
                {
                    una = Math.min(model.length, una + random.nextInt(400));
                    s.onCumulativeAck(at(una));
                }
                if (s.rangeCount() == 8)
                {
                    break; // at capacity the scoreboard may forget ranges: the model no longer applies
                }
                final int l = random.nextInt(model.length);
                final int r = l + 1 + random.nextInt(300);
                final int added = s.onBlock(at(l), at(r), at(una), at(model.length));
                int expected = 0;
                if (r <= model.length && r > una)
                {
                    for (int i = Math.max(l, una); i < r; i++)
                    {
                        expected += model[i] ? 0 : 1;
                        model[i] = true;
                    }
                }
                assertEquals(expected, added, "newly SACKed by [" + l + ", " + r + ")");
                long sacked = 0;
                for (int i = una; i < model.length; i++)
                {
                    assertEquals(model[i], s.isSacked(at(i)), "byte " + i + " in " + s);
                    sacked += model[i] ? 1 : 0;
                }
                assertEquals(sacked, s.sackedBytes(), s.toString());
            }
        }
    }
}
