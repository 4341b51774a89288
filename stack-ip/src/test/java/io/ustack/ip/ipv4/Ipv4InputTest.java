package io.ustack.ip.ipv4;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.MacAddress;
import io.ustack.api.ring.DescriptorFlags;
import io.ustack.ip.wire.Ipv4Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_ADDRESS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_SECOND_ADDRESS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.TEST_PROTOCOL;
import static io.ustack.ip.ipv4.Ipv4TestHarness.frame;
import static io.ustack.ip.ipv4.Ipv4TestHarness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4InputTest
{
    private final Ipv4TestHarness h = new Ipv4TestHarness();

    @AfterEach
    void everyBufferFreed()
    {
        assertEquals(0, h.inUse(), "packet buffers still held");
    }

    private void assertDroppedOnly(final DropReason reason)
    {
        assertEquals(1, h.counters.drops(reason), reason.name());
        assertEquals(1, h.counters.totalDrops(), h.counters.describeNonZero());
        assertTrue(h.udp.datagrams.isEmpty(), "nothing delivered");
        assertEquals(0, h.counters.get(CounterDescriptor.IPV4_DELIVERED));
    }

    @Test
    @DisplayName("RFC 791 §3.1: a valid datagram to our address reaches its transport with addresses and payload")
    void deliversToTransport()
    {
        final byte[] payload = pattern(100, 3);
        h.inject(frame().payload(payload).ttl(17).build());
        assertEquals(1, h.udp.datagrams.size());
        final var d = h.udp.datagrams.get(0);
        assertEquals(PEER, d.source());
        assertEquals(OUR_ADDRESS, d.destination());
        assertEquals(17, d.ttl());
        assertEquals(0, d.interfaceIndex());
        assertFalse(d.linkBroadcast());
        assertFalse(d.fragment());
        assertArrayEquals(payload, d.payload());
        assertEquals(1, h.counters.get(CounterDescriptor.IPV4_DELIVERED));
        assertEquals(0, h.counters.totalDrops());
    }

    @Test
    @DisplayName("RFC 1122 §3.2.1.8: options are checked and skipped; the payload starts after them")
    void optionsAreSkipped()
    {
        final byte[] payload = pattern(12, 1);
        h.inject(frame().options(new byte[]{1, 1, 1, 0}).payload(payload).build());
        assertEquals(24, h.udp.datagrams.get(0).header().length);
        assertArrayEquals(payload, h.udp.datagrams.get(0).payload());
    }

    @Test
    @DisplayName("RFC 1122 §3.2.1.1: a version other than 4 is dropped as IPV4_BAD_VERSION")
    void badVersion()
    {
        final byte[] bytes = frame().build();
        bytes[14] = 0x65;
        h.inject(bytes);
        assertDroppedOnly(DropReason.IPV4_BAD_VERSION);
    }

    @Test
    @DisplayName("RFC 791 §3.1: IHL below 5 is dropped as IPV4_BAD_HEADER_LENGTH")
    void badHeaderLength()
    {
        final byte[] bytes = frame().build();
        bytes[14] = 0x44;
        h.inject(bytes);
        assertDroppedOnly(DropReason.IPV4_BAD_HEADER_LENGTH);
    }

    @Test
    @DisplayName("RFC 1122 §3.2.1.1: a frame too short for an IPv4 header is dropped as IPV4_TRUNCATED")
    void truncated()
    {
        h.inject(Arrays.copyOf(frame().build(), 14 + 19));
        assertDroppedOnly(DropReason.IPV4_TRUNCATED);
    }

    @Test
    @DisplayName("RFC 791 §3.1: a total length past the frame end is dropped as IPV4_BAD_TOTAL_LENGTH")
    void totalLengthPastFrame()
    {
        final byte[] bytes = frame().payload(new byte[8]).build();
        h.inject(Arrays.copyOf(bytes, bytes.length - 1));
        assertDroppedOnly(DropReason.IPV4_BAD_TOTAL_LENGTH);
    }

    @Test
    @DisplayName("RFC 791 §3.1: an option whose length runs past the header is dropped as IPV4_BAD_OPTIONS")
    void malformedOptions()
    {
        h.inject(frame().options(new byte[]{7, 9, 0, 0}).build());
        assertDroppedOnly(DropReason.IPV4_BAD_OPTIONS);
    }

    @Test
    @DisplayName("RFC 1122 §3.2.1.2: a bad header checksum is silently discarded as IPV4_BAD_CHECKSUM")
    void badChecksum()
    {
        h.inject(frame().corruptChecksum().build());
        assertDroppedOnly(DropReason.IPV4_BAD_CHECKSUM);
        assertTrue(h.icmp.calls.isEmpty());
    }

    @Test
    @DisplayName("RFC 1122 §3.2.1.7: a datagram arriving with TTL 0 is dropped as IPV4_TTL_EXPIRED")
    void ttlZero()
    {
        h.inject(frame().ttl(0).build());
        assertDroppedOnly(DropReason.IPV4_TTL_EXPIRED);
    }

    @ParameterizedTest(name = "source {0}")
    @ValueSource(strings = {"0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.1", "239.255.255.250", "240.0.0.1",
        "255.255.255.255", "198.18.0.255", "198.18.0.1", "10.1.0.1"})
    @DisplayName("RFC 1122 §3.2.1.3: sources that are not a unicast host elsewhere are dropped as IPV4_BAD_SOURCE")
    void badSources(final String source)
    {
        h.inject(frame().source(Ipv4Address.parse(source)).build());
        assertDroppedOnly(DropReason.IPV4_BAD_SOURCE);
    }

    @Test
    @DisplayName("RFC 1122 §3.3.4.2 weak host model: our second interface's address is accepted on the first")
    void weakHostModel()
    {
        h.inject(frame().destination(OUR_SECOND_ADDRESS).build());
        assertEquals(1, h.udp.datagrams.size());
        assertEquals(OUR_SECOND_ADDRESS, h.udp.datagrams.get(0).destination());
        assertEquals(0, h.udp.datagrams.get(0).interfaceIndex(), "arrival interface");
    }

    @ParameterizedTest(name = "destination {0}")
    @ValueSource(strings = {"198.18.0.3", "10.1.0.2", "10.1.0.255", "224.0.0.1", "0.0.0.0"})
    @DisplayName("RFC 1122 §3.3.1: a host does not forward — other destinations are dropped as IPV4_NOT_FOR_US")
    void notForUs(final String destination)
    {
        h.inject(frame().destination(Ipv4Address.parse(destination)).build());
        assertDroppedOnly(DropReason.IPV4_NOT_FOR_US);
    }

    @Test
    @DisplayName("RFC 1122 §3.3.6: limited and directed broadcasts in a link broadcast frame are accepted")
    void broadcastsAccepted()
    {
        h.inject(0, frame().destination(0xFFFF_FFFF).destinationMac(MacAddress.BROADCAST).build(),
            DescriptorFlags.LINK_GROUP_ADDRESS, 0);
        h.inject(0, frame().destination(Ipv4Address.parse("198.18.0.255")).destinationMac(MacAddress.BROADCAST)
            .build(), DescriptorFlags.LINK_GROUP_ADDRESS, 0);
        assertEquals(2, h.udp.datagrams.size());
        assertTrue(h.udp.datagrams.get(0).linkBroadcast());
        assertTrue(h.udp.datagrams.get(1).linkBroadcast());
        assertEquals(0, h.counters.totalDrops());
    }

    @Test
    @DisplayName("RFC 1122 §3.3.6: a unicast destination in a link-level broadcast frame is dropped")
    void unicastInLinkBroadcastDropped()
    {
        h.inject(0, frame().destinationMac(MacAddress.BROADCAST).build(), DescriptorFlags.LINK_GROUP_ADDRESS, 0);
        assertDroppedOnly(DropReason.IPV4_NOT_FOR_US);
    }

    @Test
    @DisplayName("RFC 791 §3.1: datagrams are dispatched by protocol number to their transport")
    void dispatchByProtocol()
    {
        final var other = new Ipv4TestHarness.RecordingTransport(TEST_PROTOCOL);
        h.module.register(other);
        assertTrue(other.sender == h.module && other.icmpErrors == h.icmp, "attached at once after icmpErrors");
        h.inject(frame().protocol(TEST_PROTOCOL).payload(pattern(5, 9)).build());
        h.inject(frame().build());
        assertEquals(1, other.datagrams.size());
        assertArrayEquals(pattern(5, 9), other.datagrams.get(0).payload());
        assertEquals(1, h.udp.datagrams.size());
        assertTrue(h.module.transportFor(TEST_PROTOCOL) == other);
        h.module.doWork(0);
        assertEquals(1, other.duties, "doWork reaches every transport");
        assertEquals(1, h.udp.duties);
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2.1: an unknown protocol draws protocol unreachable and IPV4_UNKNOWN_PROTOCOL")
    void protocolUnreachable()
    {
        h.inject(frame().protocol(TEST_PROTOCOL).payload(pattern(16, 0)).build());
        assertDroppedOnly(DropReason.IPV4_UNKNOWN_PROTOCOL);
        assertEquals(1, h.icmp.calls.size());
        final var call = h.icmp.calls.get(0);
        assertEquals("unreachable", call.kind());
        assertEquals(IcmpErrors.CODE_PROTOCOL_UNREACHABLE, call.code());
        assertEquals(PEER, call.source());
        assertEquals(TEST_PROTOCOL, call.protocol());
        assertEquals(16, call.payloadLength());
    }

    @Test
    @DisplayName("a second transport for one protocol number is refused")
    void duplicateTransportRefused()
    {
        assertThrows(IllegalArgumentException.class,
            () -> h.module.register(new Ipv4TestHarness.RecordingTransport(Ipv4Header.PROTOCOL_UDP)));
    }

    @Test
    @DisplayName("transports registered before icmpErrors are attached when it is set; never set fails loudly")
    void attachOrder()
    {
        final Ipv4TestHarness other = new Ipv4TestHarness();
        final var resolverless = new Ipv4Module(other.config, other.routes, other.resolver, other.counters);
        final var transport = new Ipv4TestHarness.RecordingTransport(TEST_PROTOCOL);
        resolverless.register(transport);
        assertTrue(transport.sender == null);
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolverless.doWork(0));
        assertTrue(e.getMessage().contains("icmpErrors"), e.getMessage());
        resolverless.icmpErrors(other.icmp);
        assertTrue(transport.sender == resolverless);
        resolverless.doWork(0);
    }
}
