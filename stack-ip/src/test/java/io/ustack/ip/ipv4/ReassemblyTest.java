package io.ustack.ip.ipv4;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.ip.wire.Ipv4Header;
import io.ustack.link.wire.EthernetFrame;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.SECOND_SUBNET_PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.UDP;
import static io.ustack.ip.ipv4.Ipv4TestHarness.frame;
import static io.ustack.ip.ipv4.Ipv4TestHarness.ipOf;
import static io.ustack.ip.ipv4.Ipv4TestHarness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReassemblyTest
{
    private static final long MS = 1_000_000L;
    private static final long TIMEOUT_NS = 60_000 * MS;

    private Ipv4TestHarness h = new Ipv4TestHarness();

    @AfterEach
    void everyBufferFreed()
    {
        assertEquals(0, h.inUse(), "packet buffers still held");
    }

    /** Fragments of {@code payload} from PEER to us, {@code size} payload bytes each (a multiple of 8). */
    private static List<byte[]> fragments(final byte[] payload, final int size, final int id)
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int start = 0; start < payload.length; start += size)
        {
            final int length = Math.min(size, payload.length - start);
            final byte[] part = new byte[length];
            System.arraycopy(payload, start, part, 0, length);
            frames.add(frame().id(id).fragment(start, start + length < payload.length).payload(part).build());
        }
        return frames;
    }

    private void injectAll(final List<byte[]> frames)
    {
        for (final byte[] f : frames)
        {
            h.inject(0, f, 0, 0);
        }
    }

    private void assertDeliveredOnce(final byte[] payload)
    {
        assertEquals(1, h.udp.datagrams.size());
        final var d = h.udp.datagrams.get(0);
        assertArrayEquals(payload, d.payload());
        assertTrue(d.fragment());
        final Ipv4Header header = new Ipv4Header();
        assertTrue(header.tryWrap(new UnsafeBuffer(concat(d.header(), d.payload())), 0,
            d.header().length + d.payload().length), "the reassembled header is valid");
        assertTrue(header.checksumValid());
        assertFalse(header.isFragment());
        assertEquals(20 + payload.length, header.totalLength());
        assertEquals(1, h.counters.get(CounterDescriptor.IPV4_REASSEMBLED));
        assertEquals(0, h.module.reassembler().pendingDatagrams());
        assertEquals(0, h.module.reassembler().bytesHeld());
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    @DisplayName("RFC 791 §3.2: fragments in order are reassembled and delivered once")
    void inOrder()
    {
        final byte[] payload = pattern(4000, 1);
        injectAll(fragments(payload, 1480, 7));
        assertDeliveredOnce(payload);
        assertEquals(0, h.counters.totalDrops());
    }

    @Test
    @DisplayName("RFC 815: fragments in reverse order are reassembled (the last fixes the length first)")
    void reversed()
    {
        final byte[] payload = pattern(3001, 2);
        final List<byte[]> frames = fragments(payload, 512, 8);
        Collections.reverse(frames);
        injectAll(frames);
        assertDeliveredOnce(payload);
    }

    @Property(tries = 60)
    @Label("RFC 815: any arrival order reassembles the same bytes")
    void anyOrder(@ForAll @IntRange(min = 9, max = 20_000) final int length,
        @ForAll @IntRange(min = 1, max = 185) final int eighths, @ForAll final long seed)
    {
        h = new Ipv4TestHarness();
        final byte[] payload = pattern(length, (int)seed);
        final int size = Math.min(Math.min(eighths * 8, 1480), Math.max(8, (length - 1) / 8 * 8));
        final List<byte[]> frames = fragments(payload, size, 99);
        Collections.shuffle(frames, new Random(seed));
        injectAll(frames);
        assertDeliveredOnce(payload);
        assertEquals(0, h.counters.totalDrops());
        everyBufferFreed();
    }

    @Test
    @DisplayName("RFC 791 §3.2: an exact duplicate fragment is dropped as IPV4_FRAGMENT_DUPLICATE, the datagram survives")
    void duplicates()
    {
        final byte[] payload = pattern(3000, 3);
        final List<byte[]> frames = fragments(payload, 1000, 9);
        h.inject(0, frames.get(0), 0, 0);
        h.inject(0, frames.get(0), 0, 0);
        h.inject(0, frames.get(1), 0, 0);
        h.inject(0, frames.get(1), 0, 0);
        h.inject(0, frames.get(2), 0, 0);
        assertDeliveredOnce(payload);
        assertEquals(2, h.counters.drops(DropReason.IPV4_FRAGMENT_DUPLICATE));
        assertEquals(2, h.counters.totalDrops());
    }

    @Test
    @DisplayName("RFC 6864 §4.1: late copies of a delivered datagram's fragments are duplicates, not a new datagram")
    void lateCopiesAfterCompletionAreDuplicates()
    {
        final byte[] payload = pattern(3000, 5);
        final List<byte[]> frames = fragments(payload, 1000, 12);
        injectAll(frames);
        assertDeliveredOnce(payload);
        h.inject(0, frames.get(1), 0, 500 * MS); // the link duplicated it; it comes after completion
        assertEquals(1, h.udp.datagrams.size());
        assertEquals(0, h.module.reassembler().pendingDatagrams(), "no entry pins memory for a copy");
        assertEquals(1, h.counters.drops(DropReason.IPV4_FRAGMENT_DUPLICATE));
        // Past the window (1 s, within the 60 s timeout) the key may belong to a new datagram again.
        h.inject(0, frames.get(1), 0, 1_500 * MS);
        assertEquals(1, h.module.reassembler().pendingDatagrams());
        h.module.doWork(1_500 * MS + TIMEOUT_NS);
        assertEquals(0, h.module.reassembler().pendingDatagrams());
    }

    @Test
    @DisplayName("RFC 1122 §3.3.2: a lost middle fragment means no delivery; at the timeout memory is freed, "
        + "each held fragment counted, and time exceeded (code 1) sent since offset 0 arrived")
    void lostFragmentTimesOut()
    {
        final List<byte[]> frames = fragments(pattern(4000, 4), 1000, 10);
        frames.remove(2);
        injectAll(frames);
        assertTrue(h.udp.datagrams.isEmpty());
        assertEquals(1, h.module.reassembler().pendingDatagrams());
        assertEquals(3000, h.module.reassembler().bytesHeld());
        h.module.doWork(TIMEOUT_NS - 1);
        assertEquals(1, h.module.reassembler().pendingDatagrams(), "not before the deadline");
        h.module.doWork(TIMEOUT_NS);
        assertEquals(0, h.module.reassembler().pendingDatagrams());
        assertEquals(0, h.module.reassembler().bytesHeld());
        assertEquals(3, h.counters.drops(DropReason.IPV4_REASSEMBLY_TIMEOUT));
        assertEquals(3, h.counters.totalDrops());
        assertEquals(1, h.icmp.calls.size());
        final var call = h.icmp.calls.get(0);
        assertEquals("time-exceeded", call.kind());
        assertEquals(1, call.code());
        assertEquals(PEER, call.source());
        assertEquals(1000, call.payloadLength(), "quotes the first fragment");
        assertTrue(h.udp.datagrams.isEmpty());
    }

    @Test
    @DisplayName("RFC 1122 §3.3.2: without the offset-0 fragment a timeout sends no time exceeded")
    void lostFirstFragmentNoIcmp()
    {
        final List<byte[]> frames = fragments(pattern(4000, 4), 1000, 11);
        frames.remove(0);
        injectAll(frames);
        h.module.doWork(TIMEOUT_NS);
        assertEquals(3, h.counters.drops(DropReason.IPV4_REASSEMBLY_TIMEOUT));
        assertTrue(h.icmp.calls.isEmpty());
        assertEquals(0, h.module.reassembler().bytesHeld());
    }

    @Test
    @DisplayName("RFC 5722 rule: an overlapping fragment drops the whole datagram, each fragment counted as overlap")
    void overlapDropsDatagram()
    {
        final byte[] payload = pattern(64, 5);
        h.inject(0, frame().id(12).fragment(0, true).payload(pattern(24, 0)).build(), 0, 0);
        h.inject(0, frame().id(12).fragment(40, false).payload(pattern(24, 0)).build(), 0, 0);
        h.inject(0, frame().id(12).fragment(16, true).payload(pattern(16, 0)).build(), 0, 0);
        assertEquals(3, h.counters.drops(DropReason.IPV4_FRAGMENT_OVERLAP));
        assertEquals(0, h.module.reassembler().pendingDatagrams());
        assertEquals(0, h.module.reassembler().bytesHeld());
        injectAll(fragments(payload, 24, 13));
        assertEquals(1, h.udp.datagrams.size(), "other datagrams are unaffected");
    }

    @Test
    @DisplayName("RFC 791 §3.2: a second last fragment with another total is an overlap; so is data past the end")
    void conflictingLastFragments()
    {
        h.inject(0, frame().id(14).fragment(8, false).payload(pattern(8, 0)).build(), 0, 0);
        h.inject(0, frame().id(14).fragment(16, false).payload(pattern(8, 0)).build(), 0, 0);
        assertEquals(2, h.counters.drops(DropReason.IPV4_FRAGMENT_OVERLAP));
        h.inject(0, frame().id(15).fragment(8, false).payload(pattern(8, 0)).build(), 0, 0);
        h.inject(0, frame().id(15).fragment(16, true).payload(pattern(8, 0)).build(), 0, 0);
        assertEquals(4, h.counters.drops(DropReason.IPV4_FRAGMENT_OVERLAP));
        assertEquals(0, h.module.reassembler().pendingDatagrams());
    }

    @Test
    @DisplayName("RFC 791 §3.2: a fragment ending past 65,535 bytes is dropped as IPV4_REASSEMBLY_TOO_LARGE")
    void pastMaximum()
    {
        h.inject(0, frame().id(16).fragment(65_512, false).payload(pattern(8, 0)).build(), 0, 0);
        h.inject(0, frame().id(16).fragment(65_504, false).payload(pattern(12, 0)).build(), 0, 0);
        assertEquals(2, h.counters.drops(DropReason.IPV4_REASSEMBLY_TOO_LARGE));
        h.inject(0, frame().id(16).fragment(65_512, false).payload(pattern(3, 0)).build(), 0, 0);
        assertEquals(2, h.counters.totalDrops(), "exactly 65,535 bytes with a 20-byte header is fine");
        assertEquals(1, h.module.reassembler().pendingDatagrams());
        h.module.doWork(TIMEOUT_NS);
        assertEquals(1, h.counters.drops(DropReason.IPV4_REASSEMBLY_TIMEOUT));
    }

    @Test
    @DisplayName("RFC 791 §3.2: a non-last fragment not a multiple of 8 bytes is dropped")
    void unalignedMiddleFragment()
    {
        h.inject(0, frame().id(17).fragment(0, true).payload(pattern(12, 0)).build(), 0, 0);
        assertEquals(1, h.counters.drops(DropReason.IPV4_BAD_TOTAL_LENGTH));
        assertEquals(0, h.module.reassembler().pendingDatagrams());
    }

    @Test
    @DisplayName("RFC 1122 §3.3.2: fragments past the reassembly memory limit are refused and counted")
    void memoryLimit()
    {
        h = new Ipv4TestHarness(StackConfig.builder().randomSeed(3).reassemblyMemoryBytes(65_536).build(), 1500);
        final List<byte[]> first = fragments(pattern(60_000, 1), 1480, 20);
        final List<byte[]> second = fragments(pattern(10_000, 2), 1480, 21);
        injectAll(first.subList(0, 40));
        injectAll(second.subList(0, 4));
        assertEquals(65_120, h.module.reassembler().bytesHeld());
        h.inject(0, second.get(4), 0, 0);
        h.inject(0, fragments(pattern(2000, 3), 504, 22).get(0), 0, 0);
        assertEquals(2, h.counters.drops(DropReason.IPV4_REASSEMBLY_MEMORY_LIMIT));
        assertEquals(65_120, h.module.reassembler().bytesHeld());
        h.module.doWork(TIMEOUT_NS);
        assertEquals(44, h.counters.drops(DropReason.IPV4_REASSEMBLY_TIMEOUT));
        assertEquals(0, h.module.reassembler().bytesHeld());
        injectAll(second);
        assertEquals(1, h.udp.datagrams.size(), "memory is usable again after the timeout");
    }

    @Test
    @DisplayName("RFC 791 §3.2: fragmenting every size 0..9000 at MTU 1500 and 576 reassembles to the same bytes")
    void fragmentationRoundTrip()
    {
        final Reassembled out = new Reassembled();
        final StackCounters counters = StackCounters.inMemory("rx");
        final Reassembler reassembler = new Reassembler(h.config, counters, out);
        final Ipv4Header ip = new Ipv4Header();
        final int[][] cases = {{PEER, 0, 1500}, {SECOND_SUBNET_PEER, 1, 576}};
        h = new Ipv4TestHarness(StackConfig.builder().randomSeed(5).build(), 576);
        for (final int[] c : cases)
        {
            for (int size = 0; size <= 9000; size++)
            {
                final byte[] payload = pattern(size, size);
                assertTrue(h.module.sendFrom(new UnsafeBuffer(payload), 0, size, 0, c[0], UDP, 0, 0, 0) >= 0);
                final List<byte[]> frames = h.sent(c[1]);
                final int expected = size + 20 <= c[2] ? 1 : (size + ((c[2] - 20) & ~7) - 1) / ((c[2] - 20) & ~7);
                assertEquals(expected, frames.size(), "size " + size);
                if (frames.size() == 1)
                {
                    assertFalse(ipOf(frames.get(0)).isFragment());
                    assertArrayEquals(payload, Ipv4TestHarness.payloadOf(frames.get(0)));
                    continue;
                }
                int expectedOffset = 0;
                for (int i = 0; i < frames.size(); i++)
                {
                    final byte[] f = frames.get(i);
                    assertTrue(f.length - EthernetFrame.HEADER_LENGTH <= c[2], "within the MTU");
                    final Ipv4Header header = ipOf(f);
                    assertTrue(header.checksumValid());
                    assertEquals(expectedOffset, header.fragmentOffsetBytes());
                    assertEquals(i < frames.size() - 1, header.moreFragments());
                    if (header.moreFragments())
                    {
                        assertEquals(0, header.payloadLength() % 8, "RFC 791: a multiple of 8 octets");
                    }
                    expectedOffset += header.payloadLength();
                    assertTrue(ip.tryWrap(new UnsafeBuffer(f), EthernetFrame.HEADER_LENGTH,
                        f.length - EthernetFrame.HEADER_LENGTH));
                    reassembler.offer(ip, 0, false, 0);
                }
                assertArrayEquals(payload, out.last, "size " + size);
                out.last = null;
            }
        }
        assertEquals(0, counters.totalDrops());
        assertEquals(0, reassembler.pendingDatagrams());
    }

    private static final class Reassembled implements Reassembler.Listener
    {
        byte[] last;

        @Override
        public void onReassembled(final ReceivedDatagram datagram, final long nowNs)
        {
            last = new byte[datagram.payloadLength()];
            datagram.buffer().getBytes(datagram.payloadOffset(), last);
            assertTrue(datagram.fragment());
        }

        @Override
        public void onTimedOut(final ReceivedDatagram firstFragment, final long nowNs)
        {
            throw new AssertionError("no timeout expected");
        }
    }
}
