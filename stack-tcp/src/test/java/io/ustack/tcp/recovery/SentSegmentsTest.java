package io.ustack.tcp.recovery;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("RACK's per-segment record (RFC 8985 §6.1) and its count of bytes in flight")
class SentSegmentsTest
{
    /** What the record should count: bytes of segments neither SACKed nor lost, recomputed from scratch. */
    private static long recount(final SentSegments s)
    {
        long bytes = 0;
        for (int i = 0; i < s.size(); i++)
        {
            if (!s.is(i, SentSegments.SACKED | SentSegments.LOST))
            {
                bytes += s.end(i) - s.start(i);
            }
        }
        return bytes;
    }

    @Test
    @DisplayName("RFC 8985 §6.1: in-flight bytes stay equal to a recount through random sends, SACKs, losses, "
        + "resends and ACKs, across sequence wrap and growth past the first capacity")
    void inFlightMatchesRecount_rfc8985s6_1()
    {
        final Random random = new Random(42);
        final SentSegments s = new SentSegments();
        int next = -5_000_000; // wraps through zero
        long nowNs = 0;
        for (int step = 0; step < 200_000; step++)
        {
            final int op = random.nextInt(10);
            if (op < 4 && s.size() < 3000)
            {
                final int length = 1 + random.nextInt(1448);
                s.append(next, next + length, nowNs);
                next += length;
            }
            else if (op < 6 && s.size() > 0)
            {
                s.flags(random.nextInt(s.size()), SentSegments.SACKED, SentSegments.LOST);
            }
            else if (op < 7 && s.size() > 0)
            {
                final int i = random.nextInt(s.size());
                if (!s.is(i, SentSegments.SACKED))
                {
                    s.flags(i, SentSegments.LOST, 0);
                }
            }
            else if (op < 8 && s.size() > 0)
            {
                final int i = random.nextInt(s.size());
                s.resent(i, nowNs);
                assertTrue(s.is(i, SentSegments.RETRANSMITTED));
                assertFalse(s.is(i, SentSegments.LOST));
            }
            else if (s.size() > 0)
            {
                s.removeOldest();
            }
            nowNs += 1000;
            if (step % 997 == 0)
            {
                assertEquals(recount(s), s.inFlightBytes(), "after step " + step);
            }
        }
        assertEquals(recount(s), s.inFlightBytes());
        while (s.size() > 0)
        {
            s.removeOldest();
        }
        assertEquals(0, s.inFlightBytes(), "nothing left in flight once all is acknowledged");
    }

    @Test
    @DisplayName("a segment is found by any sequence number inside it, in send order")
    void indexAfterFindsTheSegmentHoldingASequenceNumber()
    {
        final SentSegments s = new SentSegments();
        s.append(100, 200, 1);
        s.append(200, 300, 2);
        assertTrue(s.endsAt(300));
        assertEquals(0, s.indexAfter(100));
        assertEquals(0, s.indexAfter(199));
        assertEquals(1, s.indexAfter(200));
        assertEquals(2, s.indexAfter(300), "past the last: size");
        assertEquals(2, s.xmitNs(1));
    }
}
