package io.ustack.tcp.ack;

import io.ustack.api.tcp.AckPolicy;
import io.ustack.api.tcp.TcpPolicySettings;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ustack.api.tcp.AckPolicy.ACK_DELAYED;
import static io.ustack.api.tcp.AckPolicy.ACK_NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelayedAckPolicyTest
{
    private static final int MSS = 1460;
    private static final long MS = 1_000_000L;

    /** Delayed ACK with the quick-ACK start turned off, so each test sees the steady state. */
    private static DelayedAckPolicy steady()
    {
        return new DelayedAckPolicy(DelayedAckPolicy.DEFAULT_DELAY_NS, 0, false);
    }

    @Test
    @DisplayName("RFC 5681 §4.2: the second full-sized segment is acknowledged at once")
    void everySecondSegment()
    {
        final AckPolicy p = steady();
        for (int pair = 0; pair < 5; pair++)
        {
            assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, pair * 10 * MS));
            assertEquals(ACK_NOW, p.onSegmentReceived(MSS, false, false, MSS, pair * 10 * MS + 1));
            p.onAckSent(pair * 10 * MS + 1);
        }
    }

    @Test
    @DisplayName("RFC 1122 §4.2.3.2: a lone segment waits at most the configured delay (40 ms default), < 500 ms")
    void singleSegmentDeadline()
    {
        final AckPolicy p = steady();
        assertEquals(ACK_DELAYED, p.onSegmentReceived(100, false, false, MSS, 7 * MS));
        assertEquals(47 * MS, p.ackDeadlineNs());

        final AckPolicy slow = new DelayedAckPolicy.Factory().create(TcpPolicySettings.parse("delayMs=200,quickAcks=0"));
        assertEquals(ACK_DELAYED, slow.onSegmentReceived(100, false, false, MSS, 0));
        assertEquals(200 * MS, slow.ackDeadlineNs());
    }

    @Test
    @DisplayName("RFC 5681 §4.2: the deadline runs from the first unacknowledged segment; later ones do not extend it")
    void deadlineFromFirstSegment()
    {
        final AckPolicy p = steady();
        p.onSegmentReceived(100, false, false, MSS, 0);
        assertEquals(ACK_DELAYED, p.onSegmentReceived(100, false, false, MSS, 30 * MS));
        assertEquals(40 * MS, p.ackDeadlineNs());
        p.onAckSent(40 * MS);
        p.onSegmentReceived(100, false, false, MSS, 50 * MS);
        assertEquals(90 * MS, p.ackDeadlineNs(), "after an ACK the next segment starts a new delay");
    }

    @Test
    @DisplayName("RFC 5681 §4.2: an out-of-order segment, or one filling a gap, is acknowledged at once")
    void outOfOrder()
    {
        final AckPolicy p = steady();
        assertEquals(ACK_NOW, p.onSegmentReceived(MSS, true, false, MSS, 0));
    }

    @Test
    @DisplayName("RFC 1122 §4.2.3.2: small segments are acknowledged once 2·MSS bytes are unacknowledged")
    void smallSegmentsAddUp()
    {
        final AckPolicy p = steady();
        int decisions = 0;
        int bytes = 0;
        while (p.onSegmentReceived(500, false, false, MSS, 0) == ACK_DELAYED)
        {
            decisions++;
            bytes += 500;
        }
        assertEquals(5, decisions);
        assertTrue(bytes + 500 >= 2 * MSS);
    }

    @Test
    @DisplayName("Linux quick-ACK: the first 16 segments are acknowledged at once, then delaying starts")
    void quickAckStart()
    {
        final AckPolicy p = new DelayedAckPolicy.Factory().create();
        for (int i = 0; i < DelayedAckPolicy.DEFAULT_QUICK_ACKS; i++)
        {
            assertEquals(ACK_NOW, p.onSegmentReceived(MSS, false, false, MSS, i), "segment " + i);
            p.onAckSent(i);
        }
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 100));
        p.onQuickAckRequest();
        assertEquals(ACK_NOW, p.onSegmentReceived(100, false, false, MSS, 101));
    }

    @Test
    @DisplayName("delayed ACK: PSH/FIN forces an ACK only when ackPushOrFinNow=true")
    void pushOrFin()
    {
        assertEquals(ACK_DELAYED, steady().onSegmentReceived(10, false, true, MSS, 0));
        final AckPolicy eager = new DelayedAckPolicy.Factory().create(
            TcpPolicySettings.parse("quickAcks=0,ackPushOrFinNow=true"));
        assertEquals(ACK_NOW, eager.onSegmentReceived(10, false, true, MSS, 0));
    }

    @Test
    @DisplayName("RFC 9293 MUST-40: a delay of 500 ms or more is refused")
    void halfSecondRefused()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new DelayedAckPolicy.Factory().create(TcpPolicySettings.parse("delayMs=500")));
        assertThrows(IllegalArgumentException.class, () -> new DelayedAckPolicy(500 * MS, 0, false));
        new DelayedAckPolicy(499 * MS, 0, false);
    }

    @Property(tries = 500)
    @Label("RFC 1122 §4.2.3.2: no segment waits longer than the delay, and 2·MSS unacked bytes always draw an ACK")
    void neverLate(@ForAll @Size(max = 100) final List<@IntRange(min = 1, max = 1460) Integer> sizes,
        @ForAll @IntRange(min = 1, max = 499) final int delayMs)
    {
        final AckPolicy p = new DelayedAckPolicy(delayMs * MS, 0, false);
        long now = 0;
        long firstUnacked = -1;
        long unacked = 0;
        for (final int size : sizes)
        {
            now += size * 1000L; // arrivals spread out a little
            if (firstUnacked >= 0 && now - p.ackDeadlineNs() >= 0)
            {
                p.onAckSent(p.ackDeadlineNs()); // the timer fired
                firstUnacked = -1;
                unacked = 0;
            }
            final int decision = p.onSegmentReceived(size, false, false, MSS, now);
            unacked += size;
            if (decision == ACK_NOW)
            {
                p.onAckSent(now);
                firstUnacked = -1;
                unacked = 0;
                continue;
            }
            assertTrue(unacked < 2 * MSS, "2·MSS unacknowledged but no immediate ACK");
            firstUnacked = firstUnacked < 0 ? now : firstUnacked;
            assertTrue(p.ackDeadlineNs() - firstUnacked <= delayMs * MS);
            assertTrue(p.ackDeadlineNs() - firstUnacked < 500 * MS);
        }
    }
}
