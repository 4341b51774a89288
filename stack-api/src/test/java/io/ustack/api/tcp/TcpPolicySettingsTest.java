package io.ustack.api.tcp;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpPolicySettingsTest
{
    @Test
    @DisplayName("policy settings: key=value,key=value parses, trims, and prints back sorted")
    void parse()
    {
        final TcpPolicySettings s = TcpPolicySettings.parse(" delayMs = 100 ,quickAcks=0");
        assertEquals(Map.of("delayMs", "100", "quickAcks", "0"), s.asMap());
        assertEquals(100, s.longValue("delayMs", 40, 1, 499));
        assertEquals(7, s.longValue("missing", 7, 0, 10));
        assertEquals("delayMs=100,quickAcks=0", s.toString());
        assertEquals(s, TcpPolicySettings.of(Map.of("quickAcks", "0", "delayMs", "100")));
        assertSame(TcpPolicySettings.EMPTY, TcpPolicySettings.parse("  "));
        assertEquals(1_000_000, TcpPolicySettings.parse("n=1_000_000").longValue("n", 0, 0, Long.MAX_VALUE));
    }

    @Test
    @DisplayName("policy settings: bad values say which setting and why")
    void badValues()
    {
        assertEquals("policy setting delayMs=abc is not a whole number", assertThrows(IllegalArgumentException.class,
            () -> TcpPolicySettings.parse("delayMs=abc").longValue("delayMs", 40, 1, 499)).getMessage());
        assertEquals("policy setting delayMs=900 is outside 1..499", assertThrows(IllegalArgumentException.class,
            () -> TcpPolicySettings.parse("delayMs=900").longValue("delayMs", 40, 1, 499)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TcpPolicySettings.parse("novalue"));
        assertThrows(IllegalArgumentException.class, () -> TcpPolicySettings.parse("=3"));
        assertThrows(IllegalArgumentException.class, () -> TcpPolicySettings.parse("b=yes").booleanValue("b", false));
        assertTrue(TcpPolicySettings.parse("b=TRUE").booleanValue("b", false));
        assertFalse(TcpPolicySettings.EMPTY.booleanValue("b", false));
    }

    @Test
    @DisplayName("policy settings: a key the policy does not know is refused, listing the known ones")
    void requireOnly()
    {
        final TcpPolicySettings s = TcpPolicySettings.parse("delay=5");
        assertEquals("policy 'delayed' has no setting 'delay'; its settings are delayMs, quickAcks",
            assertThrows(IllegalArgumentException.class, () -> s.requireOnly("delayed", "delayMs", "quickAcks"))
                .getMessage());
        TcpPolicySettings.parse("delayMs=5").requireOnly("delayed", "delayMs", "quickAcks");
    }
}
