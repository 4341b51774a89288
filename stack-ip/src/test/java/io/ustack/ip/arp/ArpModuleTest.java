package io.ustack.ip.arp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.net.MacAddress;
import io.ustack.ip.wire.ArpPacket;
import io.ustack.link.wire.EthernetFrame;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ustack.ip.arp.ArpHarness.FRAME_LENGTH;
import static io.ustack.ip.arp.ArpHarness.IP0;
import static io.ustack.ip.arp.ArpHarness.IP1;
import static io.ustack.ip.arp.ArpHarness.MAC0;
import static io.ustack.ip.arp.ArpHarness.MAC1;
import static io.ustack.ip.arp.ArpHarness.OTHER_IP;
import static io.ustack.ip.arp.ArpHarness.OTHER_MAC;
import static io.ustack.ip.arp.ArpHarness.PEER_IP;
import static io.ustack.ip.arp.ArpHarness.PEER_MAC;
import static io.ustack.ip.arp.ArpHarness.arpFrame;
import static io.ustack.ip.arp.ArpHarness.decode;
import static io.ustack.ip.arp.ArpHarness.destinationOf;
import static io.ustack.ip.arp.ArpHarness.markerOf;
import static io.ustack.ip.wire.ArpPacket.OPERATION_REPLY;
import static io.ustack.ip.wire.ArpPacket.OPERATION_REQUEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("ARP module (RFC 826, RFC 5227) and neighbour cache")
class ArpModuleTest
{
    private static final long BROADCAST = MacAddress.BROADCAST;

    @Nested
    @DisplayName("packet reception")
    class Reception
    {
        @Test
        @DisplayName("RFC 826: a request for our address is answered, unicast, with our MAC; the requester is learnt")
        void requestForUsIsAnswered()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, IP0));

                final byte[] reply = h.nextSent(0);
                assertNotNull(reply, "a reply");
                assertEquals(FRAME_LENGTH, reply.length, "padded to the Ethernet minimum");
                assertEquals(PEER_MAC, destinationOf(reply), "unicast to the requester");
                final ArpPacket packet = decode(reply);
                assertEquals(OPERATION_REPLY, packet.operation());
                assertEquals(MAC0, packet.senderHardwareAddress());
                assertEquals(IP0, packet.senderProtocolAddress());
                assertEquals(PEER_MAC, packet.targetHardwareAddress());
                assertEquals(PEER_IP, packet.targetProtocolAddress());
                assertNull(h.nextSent(0));
                assertNull(h.nextSent(1), "nothing on the other interface");
                assertEquals(1, h.counters.get(CounterDescriptor.ARP_REPLIES_SENT));
                assertEquals(NeighbourState.REACHABLE, h.arp.state(0, PEER_IP), "merge: sender added");
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 1), "and used without asking");
                assertNull(h.nextSent(0));
            }
        }

        @Test
        @DisplayName("RFC 826: reply bytes match a golden frame")
        void replyGoldenBytes()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, IP0));
                final byte[] expected = io.ustack.ip.Hex.bytes(
                    "0200000000aa 020000000001 0806" +          // Ethernet: to requester, from us, ARP
                    "0001 0800 06 04 0002" +                    // Ethernet/IPv4, reply
                    "020000000001 c6120001" +                   // sender: us, 198.18.0.1
                    "0200000000aa c6120002" +                   // target: requester, 198.18.0.2
                    "000000000000000000000000000000000000");    // padding to 60 bytes
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, h.nextSent(0));
            }
        }

        @Test
        @DisplayName("RFC 826: a request for an address not ours from an unknown sender is ignored and counted")
        void requestForSomeoneElseIgnored()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, OTHER_IP));
                assertNull(h.nextSent(0));
                assertEquals(1, h.counters.drops(DropReason.ARP_NOT_FOR_US));
                assertNull(h.arp.state(0, PEER_IP), "nothing learnt");
            }
        }

        @Test
        @DisplayName("RFC 826: a request for our address on another interface is not ours here")
        void targetMustBeOurAddressOnTheArrivalInterface()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, IP1));
                assertNull(h.nextSent(0));
                assertEquals(1, h.counters.drops(DropReason.ARP_NOT_FOR_US));
            }
        }

        @Test
        @DisplayName("RFC 826 merge: a known sender is updated even when the target is not us, and not counted")
        void knownSenderIsUpdated()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, IP0));
                h.drainSent(0);
                final long newMac = 0x0200_0000_00CCL;
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, newMac, PEER_IP, 0, OTHER_IP));
                assertEquals(0, h.counters.drops(DropReason.ARP_NOT_FOR_US));
                assertEquals(newMac, h.resolve(0, PEER_IP, 1));
                assertNull(h.nextSent(0), "no reply for someone else's address");
            }
        }

        @Test
        @DisplayName("RFC 826: a reply addressed to us adds its sender without answering")
        void unsolicitedReplyForUsIsLearnt()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                assertNull(h.nextSent(0));
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 1));
            }
        }

        @Test
        @DisplayName("RFC 826: malformed packets are dropped with the parser's reason")
        void malformedDropped()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                final byte[] frame = arpFrame(BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, IP0);
                h.receive(0, java.util.Arrays.copyOf(frame, EthernetFrame.HEADER_LENGTH + 20));
                assertEquals(1, h.counters.drops(DropReason.ARP_TRUNCATED));
                frame[EthernetFrame.HEADER_LENGTH + ArpPacket.OPERATION_OFFSET + 1] = 9;
                h.receive(0, frame);
                assertEquals(1, h.counters.drops(DropReason.ARP_BAD_OPERATION));
                frame[EthernetFrame.HEADER_LENGTH + ArpPacket.HARDWARE_LENGTH_OFFSET] = 8;
                h.receive(0, frame);
                assertEquals(1, h.counters.drops(DropReason.ARP_UNSUPPORTED_FORMAT));
                assertNull(h.nextSent(0));
            }
        }

        @Test
        @DisplayName("RFC 826: a broadcast or multicast sender MAC is a bad sender and teaches nothing")
        void groupSenderMacRejected()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, BROADCAST, PEER_IP, 0, IP0));
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, 0x0100_5E00_0001L, PEER_IP, 0, IP0));
                assertEquals(2, h.counters.drops(DropReason.ARP_BAD_SENDER));
                assertNull(h.nextSent(0));
                assertNull(h.arp.state(0, PEER_IP));
            }
        }
    }

    @Nested
    @DisplayName("address conflicts (RFC 5227)")
    class Conflicts
    {
        @Test
        @DisplayName("RFC 5227 §2.4: a sender claiming our address is counted and defended once per 10 s")
        void conflictDefendedRateLimited()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                final byte[] claim = arpFrame(BROADCAST, OPERATION_REQUEST, PEER_MAC, IP0, 0, IP0);
                h.receive(0, claim);
                assertEquals(1, h.counters.drops(DropReason.ARP_BAD_SENDER));
                final byte[] defence = h.nextSent(0);
                assertNotNull(defence, "defended with a gratuitous ARP");
                assertEquals(BROADCAST, destinationOf(defence));
                final ArpPacket packet = decode(defence);
                assertEquals(OPERATION_REQUEST, packet.operation());
                assertEquals(MAC0, packet.senderHardwareAddress());
                assertEquals(IP0, packet.senderProtocolAddress());
                assertEquals(IP0, packet.targetProtocolAddress());

                h.advanceMs(9_999);
                h.receive(0, claim);
                assertEquals(2, h.counters.drops(DropReason.ARP_BAD_SENDER));
                assertNull(h.nextSent(0), "second conflict within DEFEND_INTERVAL: not defended");

                h.advanceMs(1);
                h.receive(0, claim);
                assertNotNull(h.nextSent(0), "after 10 s: defended again");
                assertNull(h.arp.state(0, IP0), "our own address never enters the cache");
            }
        }

        @Test
        @DisplayName("RFC 5227: a conflicting reply does not overwrite anything and draws no reply")
        void conflictingReplyNotMerged()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(1, arpFrame(MAC1, OPERATION_REPLY, PEER_MAC, IP0, MAC1, IP1));
                assertEquals(1, h.counters.drops(DropReason.ARP_BAD_SENDER));
                assertNull(h.nextSent(1), "our address on another interface: counted, not defended here");
                assertEquals(0, h.counters.get(CounterDescriptor.ARP_REPLIES_SENT));
            }
        }

        @Test
        @DisplayName("our own gratuitous ARP looped back teaches nothing")
        void ownPacketIgnored()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, MAC0, IP0, 0, IP0));
                assertNull(h.nextSent(0));
                assertEquals(1, h.counters.drops(DropReason.ARP_NOT_FOR_US));
                assertEquals(0, h.counters.drops(DropReason.ARP_BAD_SENDER));
            }
        }
    }

    @Nested
    @DisplayName("resolution")
    class Resolution
    {
        @Test
        @DisplayName("a known MAC is looked up without holding: unknown neighbours are neither asked for nor " +
            "given a packet; learnt and broadcast ones answer at once")
        void knownMacNeverHolds()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.drainSent(0);
                final int inUse = h.pool.inUse();
                assertEquals(NeighbourResolver.UNKNOWN, h.arp.knownMac(0, PEER_IP, h.nowNs));
                assertNull(h.nextSent(0), "no request: the caller's own packets will ask");
                assertNull(h.arp.state(0, PEER_IP), "no entry made");
                assertEquals(inUse, h.pool.inUse());

                assertEquals(NeighbourResolver.HELD, h.resolve(0, PEER_IP, 1));
                h.drainSent(0);
                assertEquals(NeighbourResolver.UNKNOWN, h.arp.knownMac(0, PEER_IP, h.nowNs), "still asking");

                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                h.drainSent(0);
                assertEquals(PEER_MAC, h.arp.knownMac(0, PEER_IP, h.nowNs));
                assertEquals(BROADCAST, h.arp.knownMac(0, Ipv4Address.parse("198.18.0.255"), h.nowNs));
            }
        }

        @Test
        @DisplayName("RFC 826: a miss sends a broadcast request at once and holds the packets")
        void missSendsRequestAndHolds()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                assertEquals(NeighbourResolver.HELD, h.resolve(0, PEER_IP, 1));
                final byte[] request = h.nextSent(0);
                assertNotNull(request);
                assertEquals(BROADCAST, destinationOf(request));
                final ArpPacket packet = decode(request);
                assertEquals(OPERATION_REQUEST, packet.operation());
                assertEquals(MAC0, packet.senderHardwareAddress());
                assertEquals(IP0, packet.senderProtocolAddress());
                assertEquals(0, packet.targetHardwareAddress());
                assertEquals(PEER_IP, packet.targetProtocolAddress());
                assertEquals(3, h.counters.get(CounterDescriptor.ARP_REQUESTS_SENT), "2 gratuitous and this one");

                assertEquals(NeighbourResolver.HELD, h.resolve(0, PEER_IP, 2));
                assertEquals(NeighbourResolver.HELD, h.resolve(0, PEER_IP, 3));
                assertNull(h.nextSent(0), "one request per interval, not one per packet");
                assertEquals(NeighbourState.INCOMPLETE, h.arp.state(0, PEER_IP));
                assertEquals(3, h.pool.inUse(), "the three packets are held");

                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                final List<byte[]> released = h.drainSent(0);
                assertEquals(3, released.size());
                for (int i = 0; i < 3; i++)
                {
                    assertEquals(i + 1, markerOf(released.get(i)), "in the order they were held");
                    assertEquals(PEER_MAC, destinationOf(released.get(i)), "destination MAC filled in");
                    assertEquals(FRAME_LENGTH, released.get(i).length);
                }
                assertEquals(NeighbourState.REACHABLE, h.arp.state(0, PEER_IP));
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 4));
                assertNull(h.nextSent(1), "nothing on the other interface");
            }
        }

        @Test
        @DisplayName("RFC 1122 §2.3.2.2: the hold queue is bounded; the packet beyond it is freed and counted")
        void holdQueueFull()
        {
            final StackConfig config = StackConfig.builder().arpQueuePerNeighbour(2).build();
            try (ArpHarness h = new ArpHarness(config, 16).started())
            {
                assertEquals(NeighbourResolver.HELD, h.resolve(0, PEER_IP, 1));
                assertEquals(NeighbourResolver.HELD, h.resolve(0, PEER_IP, 2));
                assertEquals(NeighbourResolver.DROPPED, h.resolve(0, PEER_IP, 3));
                assertEquals(1, h.counters.drops(DropReason.ARP_HOLD_QUEUE_FULL));
                assertEquals(0, h.counters.drops(DropReason.ARP_CACHE_FULL), "the cache had room");
                h.drainSent(0);
                assertEquals(2, h.pool.inUse(), "the third buffer was freed at once");
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                final List<byte[]> released = h.drainSent(0);
                assertEquals(List.of(1, 2), released.stream().map(ArpHarness::markerOf).toList());
            }
        }

        @Test
        @DisplayName("packets still waiting for an answer when the stack stops are freed and counted as discarded")
        void heldPacketsFreedAtShutdown()
        {
            try (ArpHarness h = new ArpHarness(StackConfig.builder().build(), 16).started())
            {
                h.resolve(0, PEER_IP, 1);
                h.resolve(0, PEER_IP, 2);
                h.resolve(1, Ipv4Address.parse("198.18.1.9"), 3);
                assertEquals(3, h.arp.discardHeld());
                assertEquals(3, h.counters.drops(DropReason.SHUTDOWN_DISCARDED));
                assertEquals(0, h.arp.discardHeld(), "each is freed once");
            } // the harness checks that no buffer is left held
        }

        @Test
        @DisplayName("RFC 1122 §2.3.2.1: requests repeat each interval; after arpMaxRetries the held packets fail in order")
        void retriesThenFailure()
        {
            final StackConfig config = StackConfig.builder().arpMaxRetries(3).arpRetryIntervalMs(1000).build();
            try (ArpHarness h = new ArpHarness(config, 16).started())
            {
                h.resolve(0, PEER_IP, 1);
                h.resolve(0, PEER_IP, 2);
                assertEquals(1, h.drainSent(0).size());

                h.advanceMs(999);
                h.doWork();
                assertNull(h.nextSent(0), "not before the interval");
                h.advanceMs(1);
                h.doWork();
                assertEquals(BROADCAST, destinationOf(h.nextSent(0)), "second request");
                h.advanceMs(1000);
                h.doWork();
                assertNotNull(h.nextSent(0), "third request");
                assertEquals(3, h.counters.get(CounterDescriptor.ARP_REQUESTS_SENT) - 2, "3 after the 2 gratuitous");
                assertTrue(h.unresolved.isEmpty());

                h.advanceMs(1000);
                h.doWork();
                assertNull(h.nextSent(0), "no fourth request");
                assertEquals(2, h.unresolved.size());
                assertEquals(1, h.unresolved.get(0)[0], "held packets handed over in order");
                assertEquals(2, h.unresolved.get(1)[0]);
                assertEquals(FRAME_LENGTH, h.unresolved.get(0)[1]);
                assertEquals(2, h.counters.drops(DropReason.ARP_RESOLUTION_FAILED));
                assertNull(h.arp.state(0, PEER_IP), "entry dropped");

                assertEquals(NeighbourResolver.HELD, h.resolve(0, PEER_IP, 3), "a later packet starts afresh");
                assertNotNull(h.nextSent(0));
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                assertEquals(3, markerOf(h.nextSent(0)));
            }
        }

        @Test
        @DisplayName("neighbours are per interface: resolving on interface 1 asks there only")
        void perInterface()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                h.receive(0, arpFrame(BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, IP0));
                h.drainSent(0);
                assertEquals(NeighbourResolver.HELD, h.resolve(1, PEER_IP, 7));
                assertNull(h.nextSent(0));
                final ArpPacket request = decode(h.nextSent(1));
                assertEquals(IP1, request.senderProtocolAddress());
                assertEquals(MAC1, request.senderHardwareAddress());
                h.receive(1, arpFrame(MAC1, OPERATION_REPLY, OTHER_MAC, PEER_IP, MAC1, IP1));
                assertEquals(OTHER_MAC, destinationOf(h.nextSent(1)));
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 8));
            }
        }

        @Test
        @DisplayName("RFC 1122 §3.3.6: broadcast next hops resolve to ff:ff:ff:ff:ff:ff; multicast per RFC 1112 §6.4")
        void broadcastAndMulticast()
        {
            try (ArpHarness h = new ArpHarness().started())
            {
                assertEquals(BROADCAST, h.resolve(0, 0xFFFF_FFFF, 1));
                assertEquals(BROADCAST, h.resolve(0, Ipv4Address.parse("198.18.0.255"), 1));
                assertEquals(0x0100_5E01_0203L, h.resolve(0, Ipv4Address.parse("239.129.2.3"), 1));
                assertNull(h.nextSent(0), "no ARP for those");
            }
        }

        @Test
        @DisplayName("the cache is bounded: a new neighbour evicts the least recently confirmed one")
        void eviction()
        {
            try (ArpHarness h = new ArpHarness(StackConfig.builder().build(), 2).started())
            {
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                h.advanceMs(1);
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, OTHER_MAC, OTHER_IP, MAC0, IP0));
                h.advanceMs(1);
                final int third = Ipv4Address.parse("198.18.0.4");
                assertEquals(NeighbourResolver.HELD, h.resolve(0, third, 1));
                assertNull(h.arp.state(0, PEER_IP), "oldest evicted");
                assertEquals(NeighbourState.REACHABLE, h.arp.state(0, OTHER_IP));
                assertEquals(2, h.arp.cacheSize());
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, 0x0200_0000_00DDL, third, MAC0, IP0));
                assertEquals(2, h.drainSent(0).size(), "request and the released packet");
            }
        }

        @Test
        @DisplayName("a cache full of neighbours still being asked evicts none: the packet is dropped as ARP_CACHE_FULL")
        void cacheFullOfPendingEntries()
        {
            try (ArpHarness h = new ArpHarness(StackConfig.builder().build(), 2).started())
            {
                assertEquals(NeighbourResolver.HELD, h.resolve(0, PEER_IP, 1));
                assertEquals(NeighbourResolver.HELD, h.resolve(0, OTHER_IP, 2));
                final int third = Ipv4Address.parse("198.18.0.4");
                assertEquals(NeighbourResolver.DROPPED, h.resolve(0, third, 3));
                assertEquals(1, h.counters.drops(DropReason.ARP_CACHE_FULL));
                assertEquals(0, h.counters.drops(DropReason.ARP_HOLD_QUEUE_FULL), "no queue was full");
                assertNull(h.arp.state(0, third), "not remembered");
                assertEquals(2, h.drainSent(0).size(), "requests for the two pending neighbours only");
                assertEquals(2, h.pool.inUse(), "the dropped packet's buffer was freed at once");
                assertEquals(2, h.arp.discardHeld(), "the two held packets, freed as the stack stops");
            }
        }
    }

    @Nested
    @DisplayName("entry lifetime")
    class Lifetime
    {
        @Test
        @DisplayName("static entries resolve without ARP, never expire, and ARP does not overwrite them")
        void staticEntry()
        {
            final StackConfig config = StackConfig.builder().arpEntryLifetimeMs(1000).build();
            try (ArpHarness h = new ArpHarness(config, 16))
            {
                h.arp.addStaticEntry(0, PEER_IP, PEER_MAC);
                h.started();
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 1));
                h.advanceMs(3_600_000);
                h.doWork();
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 2));
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, OTHER_MAC, PEER_IP, MAC0, IP0));
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 3));
                assertNull(h.nextSent(0), "never asked");
                assertEquals(NeighbourState.STATIC, h.arp.state(0, PEER_IP));
                assertThrows(IllegalStateException.class, () -> h.arp.addStaticEntry(0, OTHER_IP, OTHER_MAC),
                    "only before start");
            }
        }

        @Test
        @DisplayName("static entries must be unicast")
        void staticEntryValidation()
        {
            try (ArpHarness h = new ArpHarness())
            {
                assertThrows(IllegalArgumentException.class, () -> h.arp.addStaticEntry(0, PEER_IP, BROADCAST));
                assertThrows(IllegalArgumentException.class, () -> h.arp.addStaticEntry(5, PEER_IP, PEER_MAC));
            }
        }

        @Test
        @DisplayName("RFC 1122 §2.3.2.1: after its lifetime an entry is stale, re-validated by unicast, removed when silent")
        void staleRevalidationUnanswered()
        {
            final StackConfig config = StackConfig.builder().arpEntryLifetimeMs(60_000).arpMaxRetries(2)
                .arpRetryIntervalMs(500).build();
            try (ArpHarness h = new ArpHarness(config, 16).started())
            {
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                h.advanceMs(59_999);
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 1));
                assertNull(h.nextSent(0), "still reachable");
                h.advanceMs(1);
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 2), "a stale entry is still used");
                assertEquals(NeighbourState.STALE, h.arp.state(0, PEER_IP));
                final byte[] probe = h.nextSent(0);
                assertEquals(PEER_MAC, destinationOf(probe), "re-validation is unicast");
                assertEquals(PEER_IP, decode(probe).targetProtocolAddress());
                assertEquals(PEER_MAC, h.resolve(0, PEER_IP, 3));
                assertNull(h.nextSent(0), "only the first use asks");

                h.advanceMs(500);
                h.doWork();
                assertEquals(PEER_MAC, destinationOf(h.nextSent(0)), "second unicast request");
                h.advanceMs(500);
                h.doWork();
                assertNull(h.nextSent(0));
                assertNull(h.arp.state(0, PEER_IP), "removed after arpMaxRetries unanswered requests");
                assertTrue(h.unresolved.isEmpty(), "it held no packets");

                assertEquals(NeighbourResolver.HELD, h.resolve(0, PEER_IP, 4), "next use resolves afresh");
                assertEquals(BROADCAST, destinationOf(h.nextSent(0)));
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                assertEquals(4, markerOf(h.nextSent(0)));
            }
        }

        @Test
        @DisplayName("RFC 1122 §2.3.2.1: a stale entry whose neighbour answers is reachable again")
        void staleRevalidationAnswered()
        {
            final StackConfig config = StackConfig.builder().arpEntryLifetimeMs(1000).build();
            try (ArpHarness h = new ArpHarness(config, 16).started())
            {
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                h.advanceMs(1000);
                h.resolve(0, PEER_IP, 1);
                assertNotNull(h.nextSent(0));
                h.receive(0, arpFrame(MAC0, OPERATION_REPLY, PEER_MAC, PEER_IP, MAC0, IP0));
                assertEquals(NeighbourState.REACHABLE, h.arp.state(0, PEER_IP));
                h.advanceMs(10_000);
                h.doWork();
                assertNull(h.nextSent(0), "no more re-validation requests");
                assertEquals(NeighbourState.REACHABLE, h.arp.state(0, PEER_IP));
            }
        }
    }

    @Nested
    @DisplayName("gratuitous ARP (RFC 5227 §3)")
    class Gratuitous
    {
        @Test
        @DisplayName("RFC 5227 §3: the first duty cycle announces each interface's address once")
        void announcedOnStart()
        {
            try (ArpHarness h = new ArpHarness())
            {
                assertEquals(2, h.doWork());
                final long[] macs = {MAC0, MAC1};
                final int[] addresses = {IP0, IP1};
                for (int i = 0; i < 2; i++)
                {
                    final byte[] frame = h.nextSent(i);
                    assertNotNull(frame, "interface " + i);
                    assertEquals(BROADCAST, destinationOf(frame));
                    final ArpPacket packet = decode(frame);
                    assertEquals(OPERATION_REQUEST, packet.operation());
                    assertEquals(macs[i], packet.senderHardwareAddress());
                    assertEquals(addresses[i], packet.senderProtocolAddress());
                    assertEquals(addresses[i], packet.targetProtocolAddress(), "sender = target: gratuitous");
                    assertEquals(0, packet.targetHardwareAddress());
                    assertNull(h.nextSent(i));
                }
                assertEquals(2, h.counters.get(CounterDescriptor.ARP_REQUESTS_SENT));
                assertEquals(0, h.doWork());
                assertNull(h.nextSent(0), "only once");
            }
        }
    }
}
