package io.ustack.ip.ipv4;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Puts fragmented datagrams back together: RFC 791 §3.2 (reassembly), RFC 815 (hole tracking), RFC 1122 §3.3.2
 * (timer, time exceeded).
 *
 * <p>A datagram is identified by (source, destination, protocol, identification). Its bytes are copied into a
 * reassembly buffer of its own (off-heap, 65,535 + 60 bytes, the payload starting at offset 60 so the first
 * fragment's header, whatever its length, goes right in front). The received ranges are an ordered list of
 * {@code [start, end)} pairs, one per fragment, so the holes of RFC 815 are the gaps between them.
 *
 * <p>Rules, each dropped fragment counting exactly one {@link DropReason}:
 * <ul>
 *   <li>a fragment reaching past 65,535 bytes with its own header or the first fragment's, or a first fragment
 *       whose header would push the data held past it: {@link DropReason#IPV4_REASSEMBLY_TOO_LARGE}, only that
 *       fragment (the one the Ping-of-Death class of bug would write out of bounds);</li>
 *   <li>a non-last fragment whose payload is empty or not a multiple of 8 (RFC 791 §3.2): this fragment,
 *       {@link DropReason#IPV4_BAD_TOTAL_LENGTH};</li>
 *   <li>an exact copy (same offset and length) of a fragment held: {@link DropReason#IPV4_FRAGMENT_DUPLICATE};</li>
 *   <li>any other overlap, a second last fragment that disagrees on the total, or a fragment past the known end:
 *       the whole datagram goes (RFC 5722's rule for IPv6, which Linux applies to IPv4 too: overlaps are never
 *       legitimate and are how the Teardrop class of attack works); the fragment and each one freed with it count
 *       {@link DropReason#IPV4_FRAGMENT_OVERLAP};</li>
 *   <li>a fragment that would push the payload bytes held by all incomplete datagrams past
 *       {@code reassemblyMemoryBytes}, or that needs a new datagram slot when none is free:
 *       {@link DropReason#IPV4_REASSEMBLY_MEMORY_LIMIT}, only that fragment;</li>
 *   <li>a datagram not complete {@code reassemblyTimeoutMs} after its first fragment came: each fragment held
 *       counts {@link DropReason#IPV4_REASSEMBLY_TIMEOUT}, and if the offset-0 fragment is among them the listener
 *       hears of it to send ICMP time exceeded, code 1 (RFC 1122 §3.3.2 SHOULD).</li>
 * </ul>
 * A complete datagram is handed to the listener with the first fragment's header, its total length, flags and
 * checksum fixed up, and counts {@link CounterDescriptor#IPV4_REASSEMBLED}.
 *
 * <p>Network-agent thread only. Slots are pre-made; a slot's buffer is allocated the first time the slot is used
 * and kept, and its range list grows (rarely) for datagrams of many fragments: no allocation per fragment once
 * warm.
 */
public final class Reassembler
{
    /** What the reassembler reports. */
    public interface Listener
    {
        /** A complete datagram; the view is valid during the call only. */
        void onReassembled(ReceivedDatagram datagram, long nowNs);

        /** A datagram timed out while its first fragment was held: the view quotes that fragment. */
        void onTimedOut(ReceivedDatagram firstFragment, long nowNs);
    }

    /** Bytes of one reassembly buffer: the largest datagram plus room for the largest header in front. */
    public static final int BUFFER_SIZE = 65_535 + Ipv4Header.MAX_HEADER_LENGTH;

    private static final int MAX_DATAGRAM = 65_535;
    private static final int PAYLOAD_START = Ipv4Header.MAX_HEADER_LENGTH;
    private static final int MIN_SLOTS = 4;
    private static final int MAX_SLOTS = 1024;
    private static final int INITIAL_RANGES = 16;

    /** Completed datagrams remembered, so their late duplicate fragments are not taken for a new datagram. */
    private static final int RECENT_COMPLETIONS = 256;
    /** How long a completion is remembered at most; never longer than the reassembly timeout. */
    private static final long RECENT_WINDOW_NS = 1_000_000_000L;

    private final Slot[] slots;
    private final int[] recentSource = new int[RECENT_COMPLETIONS];
    private final int[] recentDestination = new int[RECENT_COMPLETIONS];
    private final int[] recentProtocolAndId = new int[RECENT_COMPLETIONS];
    private final long[] recentUntilNs = new long[RECENT_COMPLETIONS];
    private final long recentWindowNs;
    private int recentNext;
    private final long memoryLimit;
    private final long timeoutNs;
    private final StackCounters counters;
    private final Listener listener;
    private final ReceivedDatagram view = new ReceivedDatagram();
    private final Ipv4Header fixup = new Ipv4Header();
    private long bytesHeld;
    private int active;

    /**
     * @param config   {@code reassemblyMemoryBytes} (also sizes the slot count: one per 64 KiB, 4..1024) and
     *                 {@code reassemblyTimeoutMs}
     * @param counters where drops and reassemblies are counted
     * @param listener takes complete datagrams and timed-out first fragments
     */
    public Reassembler(final StackConfig config, final StackCounters counters, final Listener listener)
    {
        this.memoryLimit = config.reassemblyMemoryBytes();
        this.timeoutNs = config.reassemblyTimeoutMs() * 1_000_000L;
        this.recentWindowNs = Math.min(timeoutNs, RECENT_WINDOW_NS);
        this.counters = counters;
        this.listener = listener;
        final long wanted = (memoryLimit + BUFFER_SIZE - 1) / BUFFER_SIZE;
        this.slots = new Slot[(int)Math.max(MIN_SLOTS, Math.min(MAX_SLOTS, wanted))];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new Slot();
        }
    }

    /**
     * Takes one fragment (MF set or offset not 0) that passed the IPv4 input checks; copies what it needs, so the
     * fragment's buffer may be freed afterwards. Completion calls the listener before this returns.
     *
     * @param fragment       the fragment's header, wrapped over its bytes
     * @param interfaceIndex where it arrived
     * @param linkBroadcast  whether it came in a link-level group frame
     */
    public void offer(final Ipv4Header fragment, final int interfaceIndex, final boolean linkBroadcast,
        final long nowNs)
    {
        final int headerLength = fragment.headerLength();
        final int start = fragment.fragmentOffsetBytes();
        final int length = fragment.payloadLength();
        final int end = start + length;
        final boolean more = fragment.moreFragments();
        if (end > MAX_DATAGRAM - headerLength)
        {
            counters.drop(DropReason.IPV4_REASSEMBLY_TOO_LARGE);
            return;
        }
        if (more && (length == 0 || (length & 7) != 0))
        {
            // RFC 791 §3.2: every fragment but the last carries a multiple of 8 octets.
            counters.drop(DropReason.IPV4_BAD_TOTAL_LENGTH);
            return;
        }
        Slot slot = find(fragment.sourceAddress(), fragment.destinationAddress(), fragment.protocol(),
            fragment.identification());
        if (slot == null && completedRecently(fragment, nowNs))
        {
            // A copy of a fragment of a datagram already delivered (the link duplicated it, or it was
            // retransmitted): opening a new entry for it would only pin memory until the timeout.
            counters.drop(DropReason.IPV4_FRAGMENT_DUPLICATE);
            return;
        }
        if (slot == null)
        {
            slot = length + bytesHeld > memoryLimit ? null : freeSlot();
            if (slot == null)
            {
                counters.drop(DropReason.IPV4_REASSEMBLY_MEMORY_LIMIT);
                return;
            }
            slot.open(fragment, nowNs + timeoutNs);
            active++;
        }
        else if (end > MAX_DATAGRAM - Math.max(headerLength, slot.firstHeaderLength) ||
            (start == 0 && slot.maxEnd() > MAX_DATAGRAM - headerLength))
        {
            // The first fragment's header heads the reassembled datagram: with it, the data must fit 65,535 bytes.
            counters.drop(DropReason.IPV4_REASSEMBLY_TOO_LARGE);
            return;
        }
        else if (conflicts(slot, end, more))
        {
            counters.drop(DropReason.IPV4_FRAGMENT_OVERLAP, 1L + slot.count);
            release(slot);
            return;
        }
        final int index = slot.insertionIndex(start);
        if (index > 0 && slot.starts[index - 1] == start && slot.ends[index - 1] == end)
        {
            counters.drop(DropReason.IPV4_FRAGMENT_DUPLICATE);
            return;
        }
        if (slot.overlapsNeighbours(index, start, end))
        {
            counters.drop(DropReason.IPV4_FRAGMENT_OVERLAP, 1L + slot.count);
            release(slot);
            return;
        }
        if (bytesHeld + length > memoryLimit)
        {
            counters.drop(DropReason.IPV4_REASSEMBLY_MEMORY_LIMIT);
            releaseIfEmpty(slot);
            return;
        }
        store(slot, index, fragment, start, end, more, interfaceIndex, linkBroadcast);
        if (slot.complete())
        {
            deliver(slot, nowNs);
        }
    }

    /**
     * RFC 791 §3.2 / RFC 815: the last fragment (MF clear) fixes the payload length; a second last fragment that
     * disagrees, or a fragment past that end, contradicts the datagram.
     */
    private static boolean conflicts(final Slot slot, final int end, final boolean more)
    {
        if (!more && ((slot.total >= 0 && slot.total != end) || end < slot.maxEnd()))
        {
            return true;
        }
        return more && slot.total >= 0 && end > slot.total;
    }

    private void store(final Slot slot, final int index, final Ipv4Header fragment, final int start, final int end,
        final boolean more, final int interfaceIndex, final boolean linkBroadcast)
    {
        final UnsafeBuffer buffer = slot.buffer();
        fragment.buffer().getBytes(fragment.payloadOffset(), buffer, PAYLOAD_START + start, end - start);
        if (start == 0)
        {
            final int headerLength = fragment.headerLength();
            fragment.buffer().getBytes(fragment.offset(), buffer, PAYLOAD_START - headerLength, headerLength);
            slot.firstHeaderLength = headerLength;
            slot.interfaceIndex = interfaceIndex;
            slot.linkBroadcast = linkBroadcast;
            slot.ttl = fragment.timeToLive();
        }
        if (!more)
        {
            slot.total = end;
        }
        slot.insert(index, start, end);
        slot.bytes += end - start;
        bytesHeld += end - start;
    }

    private void deliver(final Slot slot, final long nowNs)
    {
        final int headerOffset = PAYLOAD_START - slot.firstHeaderLength;
        fixup.wrapForWrite(slot.buffer(), headerOffset)
            .totalLength(slot.firstHeaderLength + slot.total)
            .flags(fixup.flags() & ~Ipv4Header.FLAG_MORE_FRAGMENTS)
            .fragmentOffset(0)
            .computeAndSetChecksum();
        view.set(slot.buffer(), headerOffset, slot.firstHeaderLength, slot.total, slot.source, slot.destination,
            slot.protocol, slot.ttl, slot.interfaceIndex, slot.linkBroadcast, true);
        counters.increment(CounterDescriptor.IPV4_REASSEMBLED);
        rememberCompletion(slot, nowNs);
        try
        {
            listener.onReassembled(view, nowNs);
        }
        finally
        {
            release(slot);
        }
    }

    /**
     * Fires due reassembly timers (RFC 1122 §3.3.2).
     *
     * @return datagrams given up
     */
    public int doWork(final long nowNs)
    {
        if (active == 0)
        {
            return 0;
        }
        int expired = 0;
        for (final Slot slot : slots)
        {
            if (slot.inUse && slot.deadlineNs - nowNs <= 0)
            {
                expire(slot, nowNs);
                expired++;
            }
        }
        return expired;
    }

    private void expire(final Slot slot, final long nowNs)
    {
        counters.drop(DropReason.IPV4_REASSEMBLY_TIMEOUT, slot.count);
        try
        {
            if (slot.firstHeaderLength != 0)
            {
                final int headerOffset = PAYLOAD_START - slot.firstHeaderLength;
                view.set(slot.buffer(), headerOffset, slot.firstHeaderLength, slot.ends[0], slot.source,
                    slot.destination, slot.protocol, slot.ttl, slot.interfaceIndex, slot.linkBroadcast, true);
                listener.onTimedOut(view, nowNs);
            }
        }
        finally
        {
            release(slot);
        }
    }

    private void rememberCompletion(final Slot slot, final long nowNs)
    {
        final int i = recentNext;
        recentNext = (recentNext + 1) % RECENT_COMPLETIONS;
        recentSource[i] = slot.source;
        recentDestination[i] = slot.destination;
        recentProtocolAndId[i] = (slot.protocol << 16) | slot.identification;
        recentUntilNs[i] = nowNs + recentWindowNs;
    }

    /**
     * Whether the fragment's datagram was completed within the recent window. RFC 6864 §4.1 forbids a source to
     * reuse an identification for the same (source, destination, protocol) within the datagram's lifetime, so a
     * fragment with a just-completed key is a copy, not the start of a new datagram.
     */
    private boolean completedRecently(final Ipv4Header fragment, final long nowNs)
    {
        final int protocolAndId = (fragment.protocol() << 16) | fragment.identification();
        for (int i = 0; i < RECENT_COMPLETIONS; i++)
        {
            if (recentProtocolAndId[i] == protocolAndId && recentSource[i] == fragment.sourceAddress() &&
                recentDestination[i] == fragment.destinationAddress() && recentUntilNs[i] - nowNs > 0)
            {
                return true;
            }
        }
        return false;
    }

    /** Datagrams waiting for fragments. */
    public int pendingDatagrams()
    {
        return active;
    }

    /** Payload bytes held by incomplete datagrams (what the memory limit counts). */
    public long bytesHeld()
    {
        return bytesHeld;
    }

    private Slot find(final int source, final int destination, final int protocol, final int identification)
    {
        if (active == 0)
        {
            return null;
        }
        for (final Slot slot : slots)
        {
            if (slot.inUse && slot.identification == identification && slot.source == source &&
                slot.destination == destination && slot.protocol == protocol)
            {
                return slot;
            }
        }
        return null;
    }

    private Slot freeSlot()
    {
        for (final Slot slot : slots)
        {
            if (!slot.inUse)
            {
                return slot;
            }
        }
        return null;
    }

    private void releaseIfEmpty(final Slot slot)
    {
        if (slot.count == 0)
        {
            release(slot);
        }
    }

    private void release(final Slot slot)
    {
        if (slot.inUse)
        {
            bytesHeld -= slot.bytes;
            slot.inUse = false;
            active--;
        }
    }

    /** One datagram being reassembled. */
    private static final class Slot
    {
        boolean inUse;
        int source;
        int destination;
        int protocol;
        int identification;
        long deadlineNs;
        int firstHeaderLength;
        int interfaceIndex;
        boolean linkBroadcast;
        int ttl;
        int total;
        int bytes;
        int count;
        int[] starts = new int[INITIAL_RANGES];
        int[] ends = new int[INITIAL_RANGES];
        private UnsafeBuffer buffer;

        void open(final Ipv4Header fragment, final long deadlineNs)
        {
            inUse = true;
            source = fragment.sourceAddress();
            destination = fragment.destinationAddress();
            protocol = fragment.protocol();
            identification = fragment.identification();
            this.deadlineNs = deadlineNs;
            firstHeaderLength = 0;
            total = -1;
            bytes = 0;
            count = 0;
        }

        UnsafeBuffer buffer()
        {
            if (buffer == null)
            {
                buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(BUFFER_SIZE));
            }
            return buffer;
        }

        int maxEnd()
        {
            return count == 0 ? 0 : ends[count - 1];
        }

        /** Index of the first range starting after {@code start} (ranges are ordered by start). */
        int insertionIndex(final int start)
        {
            int low = 0;
            int high = count;
            while (low < high)
            {
                final int mid = (low + high) >>> 1;
                if (starts[mid] <= start)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }
            return low;
        }

        /** Held ranges never overlap, so only the neighbours of the insertion point can overlap a new one. */
        boolean overlapsNeighbours(final int index, final int start, final int end)
        {
            return (index > 0 && overlap(starts[index - 1], ends[index - 1], start, end)) ||
                (index < count && overlap(starts[index], ends[index], start, end));
        }

        private static boolean overlap(final int s1, final int e1, final int s2, final int e2)
        {
            return Math.max(s1, s2) < Math.min(e1, e2) || (s1 == s2 && (s1 == e1 || s2 == e2));
        }

        void insert(final int index, final int start, final int end)
        {
            if (count == starts.length)
            {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            System.arraycopy(starts, index, starts, index + 1, count - index);
            System.arraycopy(ends, index, ends, index + 1, count - index);
            starts[index] = start;
            ends[index] = end;
            count++;
        }

        /** No hole left: the last fragment fixed the total, the first is here, and the bytes add up. */
        boolean complete()
        {
            return total >= 0 && firstHeaderLength != 0 && bytes == total;
        }
    }
}
