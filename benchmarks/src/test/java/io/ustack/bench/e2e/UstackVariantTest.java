package io.ustack.bench.e2e;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.SegmentationOffload;
import io.ustack.link.packet.AfPacketConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("End-to-end harness variants (--variants)")
class UstackVariantTest
{
    private static final AfPacketConfig HARNESS_LINK = AfPacketConfig.builder("ua").build();

    @Test
    @DisplayName("the first spec is the unlabelled reference; the others are labelled with their spec")
    void firstIsTheReference()
    {
        final List<UstackVariant> variants = UstackVariant.parseList("base, threads=1");
        assertEquals("", variants.get(0).label());
        assertEquals(" [threads=1]", variants.get(1).label());
        assertFalse(variants.get(0).runToCompletion());
        assertTrue(variants.get(1).runToCompletion());
    }

    @Test
    @DisplayName("keys combine with '/', and what a spec does not name keeps the harness's default")
    void keysCombine()
    {
        final UstackVariant v =
            UstackVariant.parse("threads=1/tx=ring_copy/ingress-drop=1/socket-ring=4194304/tso=never", "x");
        final UstackVariant base = UstackVariant.base();
        assertTrue(v.runToCompletion());
        assertEquals(SegmentationOffload.NEVER, v.tso());
        assertEquals(SegmentationOffload.LINK, base.tso());
        assertEquals(AfPacketConfig.TxMode.RING_COPY, v.txMode());
        assertTrue(v.ingressDrop());
        assertEquals(4194304, v.socketRing());
        assertEquals(base.bufferBytes(), v.bufferBytes());
        assertEquals(base.ackPolicy(), v.ackPolicy());
        assertEquals(base.linkBatch(), v.linkBatch());
        assertEquals(IdleStrategyKind.BACKOFF, v.idle());
    }

    @Test
    @DisplayName("tx= and ingress-drop= change only those of the harness's link; without them it is used as it is")
    void txModeOverridesTheLink()
    {
        assertSame(HARNESS_LINK, UstackVariant.base().link(HARNESS_LINK));
        final AfPacketConfig copy = UstackVariant.parse("tx=RING_COPY", "").link(HARNESS_LINK);
        assertEquals(AfPacketConfig.TxMode.RING_COPY, copy.txMode());
        assertEquals(HARNESS_LINK.interfaceName(), copy.interfaceName());
        assertEquals(HARNESS_LINK.rxRingVersion(), copy.rxRingVersion());
        final AfPacketConfig dropping = UstackVariant.parse("ingress-drop=1", "").link(HARNESS_LINK);
        assertTrue(dropping.kernelIngressDrop());
        assertEquals(HARNESS_LINK.txMode(), dropping.txMode());
    }

    @Test
    @DisplayName("an unknown key, a part without '=' and an out-of-range switch are refused with what to write")
    void badSpecsAreExplained()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UstackVariant.parse("thread=1", ""))
            .getMessage().contains("keys: ack, buffer, socket-ring, idle, rings, link-batch, threads, tx"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UstackVariant.parse("threads", ""))
            .getMessage().contains("is not key=value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UstackVariant.parse("threads=3", ""))
            .getMessage().contains("threads must be 1 or 2, not 3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UstackVariant.parse("ingress-drop=yes", ""))
            .getMessage().contains("ingress-drop must be 1 or 0"));
    }
}
