package io.ustack.tcp.ack;

import io.ustack.api.tcp.AckPolicy;
import io.ustack.api.tcp.TcpPolicies;
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

class StretchAckPolicyTest
{
    private static final int MSS = 1448;
    private static final long MS = 1_000_000L;

    /** Stretch ACK with the quick-ACK start turned off, so each test sees the steady state. */
    private static StretchAckPolicy steady(final int maxSegments)
    {
        return new StretchAckPolicy(maxSegments, StretchAckPolicy.DEFAULT_DELAY_NS, 0);
    }

    @Test
    @DisplayName("in-order full-sized segments are acknowledged once per maxSegments, not every second one")
    void oneAckPerMaxSegments()
    {
        final AckPolicy p = steady(8);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 1; i < 8; i++)
            {
                assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, round * MS), "segment " + i);
            }
            assertEquals(ACK_NOW, p.onSegmentReceived(MSS, false, false, MSS, round * MS), "segment 8");
            p.onAckSent(round * MS);
        }
    }

    @Test
    @DisplayName("an ACK that left early (riding on data) starts the count again")
    void ackSentResetsCount()
    {
        final AckPolicy p = steady(4);
        p.onSegmentReceived(MSS, false, false, MSS, 0);
        p.onSegmentReceived(MSS, false, false, MSS, 0);
        p.onAckSent(0);
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 0));
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 0));
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 0));
        assertEquals(ACK_NOW, p.onSegmentReceived(MSS, false, false, MSS, 0));
    }

    @Test
    @DisplayName("the held ACK is due delayMs after the first unacknowledged segment; later ones do not move it")
    void boundedDelayFromFirstSegment()
    {
        final AckPolicy p = steady(8);
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 5 * MS));
        assertEquals(6 * MS, p.ackDeadlineNs());
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 5 * MS + MS / 2));
        assertEquals(6 * MS, p.ackDeadlineNs(), "a later segment must not push the deadline out");
        p.onAckSent(6 * MS);
        p.onSegmentReceived(MSS, false, false, MSS, 9 * MS);
        assertEquals(10 * MS, p.ackDeadlineNs(), "after an ACK the next segment starts a new delay");

        final AckPolicy slower = new StretchAckPolicy.Factory().create(TcpPolicySettings.parse("delayMs=30"));
        slower.onQuickAckRequest();
        for (int i = 0; i < DelayedAckPolicy.DEFAULT_QUICK_ACKS; i++)
        {
            slower.onAckSent(0);
        }
        assertEquals(ACK_DELAYED, slower.onSegmentReceived(MSS, false, false, MSS, 0));
        assertEquals(30 * MS, slower.ackDeadlineNs());
    }

    @Test
    @DisplayName("RFC 5681 §4.2: out of order or gap filling is acknowledged at once, even with nothing else owed")
    void outOfOrderAtOnce()
    {
        final AckPolicy p = steady(8);
        assertEquals(ACK_NOW, p.onSegmentReceived(MSS, true, false, MSS, 0));
        p.onAckSent(0);
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 0));
        assertEquals(ACK_NOW, p.onSegmentReceived(100, true, false, MSS, 0));
    }

    @Test
    @DisplayName("PSH or FIN is acknowledged at once: the sender has nothing more queued for now")
    void pushOrFinAtOnce()
    {
        final AckPolicy p = steady(8);
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 0));
        assertEquals(ACK_NOW, p.onSegmentReceived(MSS, false, true, MSS, 0));
        p.onAckSent(0);
        assertEquals(ACK_NOW, p.onSegmentReceived(0, false, true, MSS, 0), "a bare FIN");
    }

    @Test
    @DisplayName("the first quickAcks segments, and those after a quick-ACK request, are acknowledged at once")
    void quickAcks()
    {
        final AckPolicy p = new StretchAckPolicy.Factory().create();
        for (int i = 0; i < DelayedAckPolicy.DEFAULT_QUICK_ACKS; i++)
        {
            assertEquals(ACK_NOW, p.onSegmentReceived(MSS, false, false, MSS, i), "quick ACK " + i);
            p.onAckSent(i);
        }
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 100));
        p.onQuickAckRequest();
        assertEquals(ACK_NOW, p.onSegmentReceived(MSS, false, false, MSS, 101));
    }

    @Test
    @DisplayName("small segments are counted in bytes: maxSegments·MSS of them draw the ACK")
    void smallSegmentsCountBytes()
    {
        final AckPolicy p = steady(2);
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS, false, false, MSS, 0));
        assertEquals(ACK_DELAYED, p.onSegmentReceived(MSS - 1, false, false, MSS, 0));
        assertEquals(ACK_NOW, p.onSegmentReceived(1, false, false, MSS, 0));
    }

    @Property(tries = 200)
    @Label("never more than maxSegments·MSS bytes held, never past the deadline, never a deadline beyond 500 ms")
    void boundsHold(@ForAll @IntRange(min = 2, max = 64) final int maxSegments,
        @ForAll @IntRange(min = 1, max = 499) final int delayMs,
        @ForAll @Size(max = 200) final List<@IntRange(min = 0, max = MSS) Integer> sizes)
    {
        final StretchAckPolicy p = new StretchAckPolicy(maxSegments, delayMs * MS, 0);
        long held = 0;
        long firstHeldNs = -1;
        long nowNs = 0;
        for (final int size : sizes)
        {
            nowNs += 10_000;
            final int decision = p.onSegmentReceived(size, false, false, MSS, nowNs);
            held += size;
            if (decision == ACK_NOW)
            {
                p.onAckSent(nowNs);
                held = 0;
                firstHeldNs = -1;
                continue;
            }
            firstHeldNs = firstHeldNs < 0 ? nowNs : firstHeldNs;
            assertTrue(held < (long)maxSegments * MSS, "held " + held + " bytes");
            assertEquals(firstHeldNs + delayMs * MS, p.ackDeadlineNs());
            assertTrue(p.ackDeadlineNs() - firstHeldNs < DelayedAckPolicy.MAX_DELAY_NS_EXCLUSIVE);
        }
    }

    @Test
    @DisplayName("bad settings are refused with what to fix")
    void badSettings()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new StretchAckPolicy(1, MS, 0))
            .getMessage().contains("2 to 64"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new StretchAckPolicy(8, 500 * MS, 0))
            .getMessage().contains("below 500 ms"));
        assertThrows(IllegalArgumentException.class, () -> new StretchAckPolicy(8, MS, -1));
        assertThrows(IllegalArgumentException.class,
            () -> new StretchAckPolicy.Factory().create(TcpPolicySettings.parse("maxSegments=65")));
        assertThrows(IllegalArgumentException.class,
            () -> new StretchAckPolicy.Factory().create(TcpPolicySettings.parse("ackPushOrFinNow=true")));
    }

    @Test
    @DisplayName("installed under the name 'stretch'")
    void installedByName()
    {
        final AckPolicy p = TcpPolicies.installed().ackPolicy(StretchAckPolicy.NAME);
        assertEquals("stretch", p.name());
        assertTrue(p instanceof StretchAckPolicy);
    }
}
