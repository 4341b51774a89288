package io.ustack.ip.ipv4;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.net.MacAddress;
import io.ustack.ip.wire.Ipv4Header;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ustack.ip.ipv4.Ipv4TestHarness.FAR_HOST;
import static io.ustack.ip.ipv4.Ipv4TestHarness.GATEWAY;
import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_ADDRESS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_MAC;
import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_SECOND_ADDRESS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER_MAC;
import static io.ustack.ip.ipv4.Ipv4TestHarness.SECOND_SUBNET_PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.UDP;
import static io.ustack.ip.ipv4.Ipv4TestHarness.ipOf;
import static io.ustack.ip.ipv4.Ipv4TestHarness.pattern;
import static io.ustack.ip.ipv4.Ipv4TestHarness.payloadOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4OutputTest
{
    private Ipv4TestHarness h = new Ipv4TestHarness();

    @AfterEach
    void everyBufferFreed()
    {
        h.sent(0);
        h.sent(1);
        assertEquals(0, h.inUse(), "packet buffers still held: " + h.pool.leakedSlots());
    }

    @Test
    @DisplayName("RFC 791 §3.1: the header carries version 4, IHL 5, length, TTL, DF, protocol, addresses, checksum")
    void headerFields()
    {
        final byte[] payload = pattern(300, 5);
        assertEquals(Ipv4Sender.SENT, h.send(payload, PEER, UDP, Ipv4Sender.DONT_FRAGMENT, 0));
        final List<byte[]> frames = h.sent(0);
        assertEquals(1, frames.size());
        final byte[] frame = frames.get(0);
        final EthernetFrame ethernet = new EthernetFrame();
        assertTrue(ethernet.tryWrap(new UnsafeBuffer(frame), 0, frame.length));
        assertEquals(PEER_MAC, ethernet.destination());
        assertEquals(OUR_MAC, ethernet.source());
        assertEquals(0x0800, ethernet.etherType());
        final Ipv4Header ip = ipOf(frame);
        assertEquals(4, ip.version());
        assertEquals(5, ip.ihl());
        assertEquals(320, ip.totalLength());
        assertEquals(64, ip.timeToLive(), "RFC 1122 §3.2.1.7: the configured default TTL");
        assertTrue(ip.dontFragment());
        assertFalse(ip.isFragment());
        assertEquals(UDP, ip.protocol());
        assertEquals(OUR_ADDRESS, ip.sourceAddress(), "source from the route");
        assertEquals(PEER, ip.destinationAddress());
        assertTrue(ip.checksumValid());
        assertArrayEquals(payload, payloadOf(frame));
        assertEquals(List.of(PEER), h.resolver.nextHops, "a connected destination is its own next hop");
        assertEquals(1, h.counters.get(CounterDescriptor.IPV4_SENT));
        assertEquals(0, h.counters.get(CounterDescriptor.IPV4_FRAGMENTS_SENT));
    }

    @Test
    @DisplayName("RFC 1122 §3.3.1.2: off-subnet datagrams are framed for the gateway; explicit source and TTL are kept")
    void viaGatewayWithExplicitSourceAndTtl()
    {
        final int id = h.module.claim();
        assertEquals(Ipv4Sender.SENT,
            h.module.send(id, 10, OUR_SECOND_ADDRESS, FAR_HOST, UDP, 0, 9, 0));
        final Ipv4Header ip = ipOf(h.sent(0).get(0));
        assertEquals(OUR_SECOND_ADDRESS, ip.sourceAddress());
        assertEquals(FAR_HOST, ip.destinationAddress());
        assertEquals(9, ip.timeToLive());
        assertFalse(ip.dontFragment());
        assertEquals(List.of(GATEWAY), h.resolver.nextHops);
        assertEquals(OUR_ADDRESS, h.module.sourceAddressFor(FAR_HOST));
        assertEquals(OUR_SECOND_ADDRESS, h.module.sourceAddressFor(SECOND_SUBNET_PEER));
    }

    @Test
    @DisplayName("RFC 1122 §3.3.6: broadcasts go to ff:ff:ff:ff:ff:ff without asking ARP")
    void broadcastsSkipResolution()
    {
        assertEquals(Ipv4Sender.SENT, h.send(pattern(4, 0), 0xFFFF_FFFF, UDP, 0, 0));
        final int id = h.module.claim();
        assertEquals(Ipv4Sender.SENT, h.module.send(id, 4, OUR_SECOND_ADDRESS, 0xFFFF_FFFF, UDP, 0, 0, 0));
        assertEquals(Ipv4Sender.SENT, h.send(pattern(4, 0), 0xC6_12_00_FF, UDP, 0, 0));
        assertTrue(h.resolver.nextHops.isEmpty());
        final List<byte[]> out0 = h.sent(0);
        assertEquals(2, out0.size());
        assertEquals(MacAddress.BROADCAST, MacAddress.read(new UnsafeBuffer(out0.get(0)), 0));
        final List<byte[]> out1 = h.sent(1);
        assertEquals(1, out1.size(), "sending from if1's address picks if1 for the limited broadcast");
        assertEquals(OUR_SECOND_ADDRESS, ipOf(out1.get(0)).sourceAddress());
    }

    @Test
    @DisplayName("no route to host: NO_ROUTE, IPV4_NO_ROUTE counted, buffer freed")
    void noRoute()
    {
        final Ipv4TestHarness bare = withoutDefaultRoute();
        assertEquals(Ipv4Sender.NO_ROUTE, bare.send(pattern(4, 0), FAR_HOST, UDP, 0, 0));
        assertEquals(Ipv4Sender.NO_ROUTE, bare.module.sendFrom(new UnsafeBuffer(new byte[4]), 0, 4, 0, FAR_HOST, UDP,
            0, 0, 0));
        assertEquals(2, bare.counters.drops(DropReason.IPV4_NO_ROUTE));
        assertEquals(0, bare.module.sourceAddressFor(FAR_HOST));
        assertEquals(0, bare.module.pathMtu(FAR_HOST, 0));
        assertEquals(0, bare.inUse());
    }

    private static Ipv4TestHarness withoutDefaultRoute()
    {
        return new Ipv4TestHarness(StackConfig.builder().randomSeed(1).build(), 1500, false);
    }

    @Test
    @DisplayName("RFC 791 §3.2: DF set and larger than the path MTU gives TOO_BIG and IPV4_TOO_BIG_DONT_FRAGMENT")
    void dontFragmentTooBig()
    {
        final byte[] payload = new byte[1481];
        assertEquals(Ipv4Sender.TOO_BIG, h.module.sendFrom(new UnsafeBuffer(payload), 0, payload.length, 0, PEER,
            UDP, Ipv4Sender.DONT_FRAGMENT, 0, 0));
        assertEquals(1, h.counters.drops(DropReason.IPV4_TOO_BIG_DONT_FRAGMENT));
        assertEquals(Ipv4Sender.SENT, h.module.sendFrom(new UnsafeBuffer(payload), 0, 1480, 0, PEER, UDP,
            Ipv4Sender.DONT_FRAGMENT, 0, 0), "exactly the MTU fits");
        assertEquals(1500, h.module.pathMtu(PEER, 0));
    }

    @Test
    @DisplayName("a datagram past 65,535 bytes gives TOO_LONG")
    void tooLong()
    {
        final byte[] payload = new byte[65_516];
        assertEquals(Ipv4Sender.TOO_LONG, h.module.sendFrom(new UnsafeBuffer(payload), 0, payload.length, 0, PEER,
            UDP, 0, 0, 0));
        assertEquals(Ipv4Sender.SENT, h.module.sendFrom(new UnsafeBuffer(payload), 0, 65_515, 0, PEER, UDP, 0, 0, 0));
        assertEquals(45, h.sent(0).size());
    }

    @Test
    @DisplayName("RFC 1191 §6.3: a learned path MTU lowers the DF limit; values ≥ route MTU or < 68 are ignored")
    void pathMtuLearning()
    {
        h.module.learnPathMtu(FAR_HOST, 1400, 0);
        h.module.learnPathMtu(FAR_HOST, 1450, 0);
        assertEquals(1400, h.module.pathMtu(FAR_HOST, 0), "RFC 1191 §3: never raised by a Datagram Too Big");
        h.module.learnPathMtu(PEER, 1500, 0);
        h.module.learnPathMtu(PEER, 67, 0);
        assertEquals(1500, h.module.pathMtu(PEER, 0));
        final byte[] payload = new byte[1400];
        assertEquals(Ipv4Sender.TOO_BIG, h.module.sendFrom(new UnsafeBuffer(payload), 0, 1381, 0, FAR_HOST, UDP,
            Ipv4Sender.DONT_FRAGMENT, 0, 0));
        assertEquals(Ipv4Sender.SENT, h.module.sendFrom(new UnsafeBuffer(payload), 0, 1381, 0, FAR_HOST, UDP, 0, 0,
            0));
        assertEquals(2, h.sent(0).size(), "without DF it is fragmented to the learned MTU");
        final long tenMinutes = PathMtuCache.LIFETIME_MS * 1_000_000L;
        assertEquals(1500, h.module.pathMtu(FAR_HOST, tenMinutes), "RFC 1191 §6.3: the estimate ages out");
    }

    @Test
    @DisplayName("RFC 6864 §4.1: consecutive datagrams of one flow carry different identifications")
    void identificationDiffers()
    {
        for (int i = 0; i < 3; i++)
        {
            h.send(pattern(8, i), PEER, UDP, 0, 0);
        }
        final List<byte[]> frames = h.sent(0);
        final int a = ipOf(frames.get(0)).identification();
        final int b = ipOf(frames.get(1)).identification();
        final int c = ipOf(frames.get(2)).identification();
        assertNotEquals(a, b);
        assertNotEquals(b, c);
        assertNotEquals(a, c);
    }

    @Test
    @DisplayName("RFC 6864 §5: the same seed gives the same identifications, another seed others")
    void identificationSeeded()
    {
        final IpIdGenerator one = new IpIdGenerator(7);
        final IpIdGenerator same = new IpIdGenerator(7);
        final IpIdGenerator other = new IpIdGenerator(8);
        int differ = 0;
        for (int i = 0; i < 16; i++)
        {
            final int id = one.next(OUR_ADDRESS, PEER + i, UDP);
            assertEquals(id, same.next(OUR_ADDRESS, PEER + i, UDP));
            differ += id != other.next(OUR_ADDRESS, PEER + i, UDP) ? 1 : 0;
        }
        assertTrue(differ > 8);
        assertTrue(new IpIdGenerator(0).next(1, 2, 3) >= 0, "seed 0 draws from SecureRandom");
    }

    @Test
    @DisplayName("a datagram to our own address is delivered through the input path on the next duty cycle")
    void localDelivery()
    {
        final byte[] payload = pattern(200, 4);
        assertEquals(Ipv4Sender.SENT, h.send(payload, OUR_ADDRESS, UDP, 0, 0));
        assertTrue(h.udp.datagrams.isEmpty(), "not re-entrant");
        h.module.doWork(0);
        assertEquals(1, h.udp.datagrams.size());
        final var d = h.udp.datagrams.get(0);
        assertEquals(OUR_ADDRESS, d.source());
        assertEquals(OUR_ADDRESS, d.destination());
        assertArrayEquals(payload, d.payload());
        assertTrue(h.sent(0).isEmpty(), "nothing reaches the link");
        assertTrue(h.resolver.nextHops.isEmpty());
        assertTrue(h.module.isLocalAddress(OUR_SECOND_ADDRESS));
        assertEquals(OUR_SECOND_ADDRESS, h.module.sourceAddressFor(OUR_SECOND_ADDRESS));
    }

    @Test
    @DisplayName("a large sendFrom to ourselves is fragmented over the loopback and reassembled")
    void largeLocalDelivery()
    {
        final byte[] payload = pattern(20_000, 8);
        assertEquals(Ipv4Sender.SENT, h.module.sendFrom(new UnsafeBuffer(payload), 0, payload.length, 0,
            OUR_SECOND_ADDRESS, UDP, 0, 0, 0));
        h.module.doWork(0);
        assertEquals(1, h.udp.datagrams.size());
        assertArrayEquals(payload, h.udp.datagrams.get(0).payload());
        assertTrue(h.udp.datagrams.get(0).fragment());
        assertEquals(1, h.counters.get(CounterDescriptor.IPV4_REASSEMBLED));
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2.1: a packet ARP gave up on reaches its transport as host unreachable, then is freed")
    void unresolvedBecomesHostUnreachable()
    {
        h.resolver.hold = true;
        final byte[] payload = pattern(40, 2);
        assertEquals(Ipv4Sender.QUEUED_FOR_RESOLUTION, h.send(payload, PEER, UDP, 0, 0));
        assertEquals(1, h.inUse(), "held by the resolver");
        h.resolver.giveUp(5);
        assertEquals(1, h.udp.errors.size());
        final var error = h.udp.errors.get(0);
        assertEquals(3, error.type());
        assertEquals(IcmpErrors.CODE_HOST_UNREACHABLE, error.code());
        assertEquals(OUR_ADDRESS, error.quotedSource());
        assertEquals(PEER, error.quotedDestination());
        assertEquals(UDP, error.quotedProtocol());
        assertArrayEquals(payload, error.quotedPayload());
    }

    @Test
    @DisplayName("a packet ARP could not hold (queue or cache full) is NO_BUFFER, not queued, and not counted as sent")
    void droppedByResolverIsNotQueued()
    {
        h.resolver.drop = true;
        final long sentBefore = h.counters.get(CounterDescriptor.IPV4_SENT);
        assertEquals(Ipv4Sender.NO_BUFFER, h.send(pattern(40, 2), PEER, UDP, 0, 0));
        assertEquals(0, h.inUse(), "freed by the resolver, not held");
        assertEquals(sentBefore, h.counters.get(CounterDescriptor.IPV4_SENT));
        h.resolver.drop = false;
        h.resolver.hold = true;
        assertEquals(Ipv4Sender.QUEUED_FOR_RESOLUTION, h.send(pattern(40, 2), PEER, UDP, 0, 0));
        assertEquals(sentBefore + 1, h.counters.get(CounterDescriptor.IPV4_SENT), "a held packet counts as sent");
        h.resolver.giveUp(5); // frees it
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2: of a held fragmented datagram only the first fragment draws the error")
    void unresolvedFragmentsReportOnce()
    {
        h.resolver.hold = true;
        final byte[] payload = pattern(3000, 2);
        assertEquals(Ipv4Sender.QUEUED_FOR_RESOLUTION,
            h.module.sendFrom(new UnsafeBuffer(payload), 0, payload.length, 0, PEER, UDP, 0, 0, 0));
        assertEquals(3, h.resolver.held.size());
        h.resolver.giveUp(5);
        assertEquals(1, h.udp.errors.size());
    }

    @Test
    @DisplayName("out of packet buffers for fragments: NO_BUFFER, nothing half-sent, everything freed")
    void noBufferForFragments()
    {
        final int[] taken = new int[h.pool.slots() - 2];
        for (int i = 0; i < taken.length; i++)
        {
            taken[i] = h.pool.acquire();
        }
        final byte[] payload = pattern(5000, 1);
        assertEquals(Ipv4Sender.NO_BUFFER, h.module.sendFrom(new UnsafeBuffer(payload), 0, payload.length, 0, PEER,
            UDP, 0, 0, 0));
        assertTrue(h.sent(0).isEmpty());
        assertEquals(1, h.counters.drops(DropReason.POOL_EXHAUSTED_TX));
        for (final int id : taken)
        {
            h.pool.release(id);
        }
    }
}
