package io.ustack.link.packet;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("AfPacketConfig checks every value and says what to fix")
class AfPacketConfigTest
{
    @Test
    @DisplayName("defaults: 2048-byte frames hold MTU 1968, 1024 per ring, busy-poll, own namespace")
    void defaults()
    {
        final AfPacketConfig config = AfPacketConfig.builder("veth0").build();
        assertEquals(2048, config.frameSize());
        assertEquals(1968, config.maxMtu());
        assertEquals(1024, config.frameCount());
        assertEquals(AfPacketConfig.PollMode.BUSY_POLL, config.pollMode());
        assertNull(config.namespacePath());
        assertEquals(AfPacketConfig.NO_FANOUT, config.fanoutGroup());
    }

    @Test
    @DisplayName("RING_COPY puts a 10-byte virtio_net_hdr before received frames too: a slot holds MTU 1958")
    void ringCopyLeavesRoomForTheVnetHeader()
    {
        assertEquals(1958, AfPacketConfig.builder("veth0").txMode(AfPacketConfig.TxMode.RING_COPY).build().maxMtu());
        assertEquals(1968, AfPacketConfig.builder("veth0").txMode(AfPacketConfig.TxMode.SENDMMSG).build().maxMtu());
    }

    @Test
    @DisplayName("a namespace name is looked up under /var/run/netns; a path is taken as is")
    void namespaces()
    {
        assertEquals("/var/run/netns/ns1", AfPacketConfig.builder("a").namespace("ns1").build().namespacePath());
        assertEquals("/proc/1/ns/net", AfPacketConfig.builder("a").namespace("/proc/1/ns/net").build()
            .namespacePath());
    }

    @Test
    @DisplayName("bad geometry, timeout, fanout group, MAC and interface name are refused with the rule")
    void refusals()
    {
        assertRefused(AfPacketConfig.builder("a").frameSize(2040), "multiple of 16");
        assertRefused(AfPacketConfig.builder("a").blockSize(6000), "multiple of the page size 4096");
        assertRefused(AfPacketConfig.builder("a").frameSize(4096).blockSize(8192).frameCount(3), "multiple of 2");
        assertRefused(AfPacketConfig.builder("a").blocking(0), "at least 1");
        assertRefused(AfPacketConfig.builder("a").fanout(70_000, AfPacketConfig.FanoutMode.HASH), "0..65535");
        assertRefused(AfPacketConfig.builder("a").macAddress(0x0100_0000_0001L), "unicast");
        assertThrows(IllegalArgumentException.class, () -> AfPacketConfig.builder("eth/0").build());
        assertRefused(AfPacketConfig.builder("a").blockTimeoutMs(-1), "0..1000");
        assertRefused(AfPacketConfig.builder("a").blockTimeoutMs(1001), "whole ms");
    }

    @Test
    @DisplayName("receive ring version, V3 block timeout and transmit mode are kept and shown")
    void ringModes()
    {
        final AfPacketConfig config = AfPacketConfig.builder("a").rxRing(AfPacketConfig.RxRingVersion.V3)
            .blockTimeoutMs(2).txMode(AfPacketConfig.TxMode.SENDMMSG).build();
        assertEquals(AfPacketConfig.RxRingVersion.V3, config.rxRingVersion());
        assertEquals(2, config.blockTimeoutMs());
        assertEquals(AfPacketConfig.TxMode.SENDMMSG, config.txMode());
        assertTrue(config.toString().contains("rx V3 2 ms") && config.toString().contains("tx SENDMMSG"),
            config::toString);
    }

    private static void assertRefused(final AfPacketConfig.Builder builder, final String expected)
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(error.getMessage().contains(expected), error::getMessage);
    }
}
