package io.ustack.tcp.ack;

import io.ustack.api.tcp.AckPolicy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImmediateAndQuickAckPolicyTest
{
    @Test
    @DisplayName("RFC 9293 §3.8.6.3: without delayed ACK every segment is acknowledged at once")
    void immediate()
    {
        for (final AckPolicy p : new AckPolicy[]{new ImmediateAckPolicy(), new ImmediateAckPolicy(ImmediateAckPolicy.QUICKACK_NAME)})
        {
            for (int i = 0; i < 50; i++)
            {
                assertEquals(AckPolicy.ACK_NOW, p.onSegmentReceived(i * 10, false, (i & 1) == 0, 1460, i), p.name());
                p.onAckSent(i);
            }
        }
        assertEquals("immediate", new ImmediateAckPolicy().name());
        assertEquals("quickack", new ImmediateAckPolicy(ImmediateAckPolicy.QUICKACK_NAME).name());
    }
}
