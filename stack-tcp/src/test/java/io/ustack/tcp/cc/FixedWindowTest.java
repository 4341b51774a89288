package io.ustack.tcp.cc;

import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.TcpPolicySettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FixedWindowTest
{
    @Test
    @DisplayName("fixed window: cwnd is the setting and no event moves it")
    void neverMoves()
    {
        final CongestionControl cc = new FixedWindow.Factory().create(TcpPolicySettings.parse("cwndBytes=50000"));
        final TestContext ctx = new TestContext();
        cc.init(ctx);
        assertEquals(50_000, cc.cwnd());
        cc.onAck(new AckSample().bytesAcked(1000));
        cc.onCongestionEvent(0);
        cc.onRetransmitTimeout(0);
        cc.onRecoveryExit(0);
        assertEquals(50_000, cc.cwnd());
        assertEquals(50_000, cc.ssthresh());
        assertEquals("fixed", cc.name());
    }

    @Test
    @DisplayName("fixed window: by default ten segments of SMSS; cwndSegments changes that")
    void segments()
    {
        final TestContext ctx = new TestContext();
        ctx.smss = 1460;
        final CongestionControl byDefault = new FixedWindow.Factory().create();
        byDefault.init(ctx);
        assertEquals(14_600, byDefault.cwnd());
        final CongestionControl four = new FixedWindow.Factory().create(TcpPolicySettings.parse("cwndSegments=4"));
        four.init(ctx);
        assertEquals(4 * 1460, four.cwnd());
    }

    @Test
    @DisplayName("fixed window: a misspelt setting is an error naming the known ones")
    void unknownSetting()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new FixedWindow.Factory().create(TcpPolicySettings.parse("cwnd=5")));
        assertEquals("policy 'fixed' has no setting 'cwnd'; its settings are cwndBytes, cwndSegments", ex.getMessage());
    }
}
