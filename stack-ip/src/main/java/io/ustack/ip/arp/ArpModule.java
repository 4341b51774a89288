package io.ustack.ip.arp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.net.MacAddress;
import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterface;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.ProtocolModule;
import io.ustack.ip.wire.ArpPacket;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * ARP (RFC 826) for Ethernet and IPv4, with the neighbour cache and the queue of packets waiting for resolution.
 *
 * <p>Receiving follows RFC 826's "Packet Reception" merge: a sender we already know is updated whatever the target;
 * a packet for one of our addresses adds its sender, and a request for it is answered. A sender claiming one of our
 * addresses is a conflict (RFC 5227 §2.4): counted, and defended with one gratuitous ARP at most every 10 s.
 *
 * <p>Resolving ({@link #resolveOrHold}) never blocks: a miss sends a broadcast request and keeps the packet; the
 * answer releases the held packets in order; after {@code arpMaxRetries} unanswered requests they go, in order, to
 * the {@link UnresolvedPacketHandler}. Entries become STALE {@code arpEntryLifetimeMs} after their last
 * confirmation; a stale entry is still used, and its first use sends a unicast request to re-validate it (RFC 1122
 * §2.3.2.1); with no answer it is removed. Static entries never change.
 *
 * <p>Everything runs on the network agent's thread; nothing is allocated per packet once an entry's queue exists.
 */
public final class ArpModule implements ProtocolModule, NeighbourResolver
{
    /** Entries the neighbour cache holds by default. */
    public static final int DEFAULT_CACHE_CAPACITY = 4096;
    /** RFC 5227 §2.4 (c): DEFEND_INTERVAL, the least time between two defences of one address. */
    static final long DEFEND_INTERVAL_NS = 10_000_000_000L;
    /** Ethernet frames are at least 60 bytes without the FCS; an ARP frame is padded with zeros to that. */
    static final int FRAME_LENGTH = EthernetFrame.HEADER_LENGTH + EthernetFrame.MIN_PAYLOAD_LENGTH;

    private static final int LIMITED_BROADCAST = 0xFFFF_FFFF;

    private final StackCounters counters;
    private final long lifetimeNs;
    private final long retryIntervalNs;
    private final int maxRetries;
    private final int queuePerNeighbour;
    private final NeighbourCache cache;
    private final ArpPacket received = new ArpPacket();
    private final ArpPacket outgoing = new ArpPacket();
    private final List<long[]> staticEntries = new ArrayList<>();
    private final int[] failedBuffers;
    private final int[] failedLengths;
    private NetworkInterfaces interfaces;
    private UnresolvedPacketHandler unresolvedHandler;
    private long[] lastDefenceNs = new long[0];
    private boolean[] defended = new boolean[0];
    private boolean started;

    /**
     * @param config   {@code arpEntryLifetimeMs}, {@code arpRetryIntervalMs}, {@code arpMaxRetries},
     *                 {@code arpQueuePerNeighbour}
     * @param counters the stack's counters
     */
    public ArpModule(final StackConfig config, final StackCounters counters)
    {
        this(config, counters, DEFAULT_CACHE_CAPACITY);
    }

    /**
     * @param cacheCapacity most neighbours held at once
     */
    public ArpModule(final StackConfig config, final StackCounters counters, final int cacheCapacity)
    {
        this.counters = counters;
        this.lifetimeNs = config.arpEntryLifetimeMs() * 1_000_000L;
        this.retryIntervalNs = config.arpRetryIntervalMs() * 1_000_000L;
        this.maxRetries = config.arpMaxRetries();
        this.queuePerNeighbour = config.arpQueuePerNeighbour();
        this.cache = new NeighbourCache(cacheCapacity);
        this.failedBuffers = new int[queuePerNeighbour];
        this.failedLengths = new int[queuePerNeighbour];
    }

    /**
     * Adds a neighbour that never expires and that ARP never overwrites; only before the stack starts.
     *
     * @param interfaceIndex the interface the neighbour is on
     * @param address        its IPv4 address
     * @param mac            its hardware address (unicast)
     * @throws IllegalStateException    after the stack started, or when the cache is full of static entries
     * @throws IllegalArgumentException for a group MAC or an interface the stack does not have
     */
    public void addStaticEntry(final int interfaceIndex, final int address, final long mac)
    {
        if (started)
        {
            throw new IllegalStateException("static ARP entries can only be added before the stack starts");
        }
        if (MacAddress.isGroup(mac) || (mac & MacAddress.BROADCAST) == 0)
        {
            throw new IllegalArgumentException("static ARP entry for interface " + interfaceIndex + ": MAC " +
                MacAddress.toString(mac) + " must be a unicast address");
        }
        if (interfaceIndex < 0 || (interfaces != null && interfaceIndex >= interfaces.count()))
        {
            throw new IllegalArgumentException("static ARP entry: no interface " + interfaceIndex);
        }
        NeighbourEntry entry = cache.find(interfaceIndex, address);
        if (entry == null)
        {
            if (cache.full())
            {
                throw new IllegalStateException("static ARP entries: the neighbour cache holds at most " +
                    cache.size() + " entries");
            }
            entry = cache.add(interfaceIndex, address);
        }
        entry.state = NeighbourState.STATIC;
        entry.mac = mac & MacAddress.BROADCAST;
        staticEntries.add(new long[]{interfaceIndex, address});
    }

    @Override
    public int etherType()
    {
        return EthernetFrame.ETHER_TYPE_ARP;
    }

    @Override
    public void onAttach(final NetworkInterfaces interfaces)
    {
        for (final long[] entry : staticEntries)
        {
            if (entry[0] >= interfaces.count())
            {
                throw new IllegalArgumentException("static ARP entry on interface " + entry[0] + ": the stack has " +
                    interfaces.count() + " interfaces");
            }
        }
        this.interfaces = interfaces;
        this.lastDefenceNs = new long[interfaces.count()];
        this.defended = new boolean[interfaces.count()];
    }

    /**
     * {@inheritDoc}
     *
     * <p>Ownership: when this returns a MAC the caller still owns the buffer and sends it. Otherwise the buffer
     * belongs to this resolver from then on: {@link #HELD}, it is sent later or handed to the
     * {@link UnresolvedPacketHandler}; {@link #DROPPED}, it was freed at once and counted as
     * {@link DropReason#ARP_HOLD_QUEUE_FULL} (the neighbour's queue is full) or {@link DropReason#ARP_CACHE_FULL}
     * (no entry could be made for the neighbour). Multicast next hops map to 01:00:5e + the low 23 bits
     * (RFC 1112 §6.4).
     */
    @Override
    public long resolveOrHold(final int interfaceIndex, final int nextHop, final int bufferId, final int frameLength,
        final long nowNs)
    {
        final NetworkInterface networkInterface = interfaces.get(interfaceIndex);
        if (isBroadcast(networkInterface, nextHop))
        {
            return MacAddress.BROADCAST;
        }
        if (isMulticast(nextHop))
        {
            return 0x0100_5E00_0000L | (nextHop & 0x007F_FFFF);
        }
        NeighbourEntry entry = cache.find(interfaceIndex, nextHop);
        if (entry != null)
        {
            final long mac = usableMac(entry, networkInterface, nowNs);
            return mac != UNKNOWN ? mac : hold(entry, networkInterface, bufferId, frameLength);
        }
        entry = cache.add(interfaceIndex, nextHop);
        if (entry == null)
        {
            // Every entry is static or still asking, so none may be evicted: no room to remember this neighbour.
            networkInterface.output().abandon(bufferId);
            counters.drop(DropReason.ARP_CACHE_FULL);
            return DROPPED;
        }
        ask(entry, networkInterface, MacAddress.BROADCAST, nowNs);
        return hold(entry, networkInterface, bufferId, frameLength);
    }

    /** {@inheritDoc} A stale entry's MAC is used, and polled for as {@link #resolveOrHold} does. */
    @Override
    public long knownMac(final int interfaceIndex, final int nextHop, final long nowNs)
    {
        final NetworkInterface networkInterface = interfaces.get(interfaceIndex);
        if (isBroadcast(networkInterface, nextHop))
        {
            return MacAddress.BROADCAST;
        }
        if (isMulticast(nextHop))
        {
            return 0x0100_5E00_0000L | (nextHop & 0x007F_FFFF);
        }
        final NeighbourEntry entry = cache.find(interfaceIndex, nextHop);
        return entry == null ? UNKNOWN : usableMac(entry, networkInterface, nowNs);
    }

    /** The entry's MAC if packets may go to it now (static, reachable or stale), else {@link #UNKNOWN}. */
    private long usableMac(final NeighbourEntry entry, final NetworkInterface networkInterface, final long nowNs)
    {
        if (entry.state == NeighbourState.STATIC)
        {
            return entry.mac;
        }
        if (entry.state == NeighbourState.REACHABLE && nowNs - (entry.confirmedNs + lifetimeNs) >= 0)
        {
            entry.state = NeighbourState.STALE;
        }
        if (entry.state == NeighbourState.REACHABLE)
        {
            return entry.mac;
        }
        if (entry.state == NeighbourState.STALE)
        {
            if (!entry.asking())
            {
                // RFC 1122 §2.3.2.1: validate a cache entry that may be out of date by unicast "polling" of
                // the neighbour it names; meanwhile keep using it.
                ask(entry, networkInterface, entry.mac, nowNs);
            }
            return entry.mac;
        }
        return UNKNOWN;
    }

    @Override
    public void onUnresolved(final UnresolvedPacketHandler handler)
    {
        this.unresolvedHandler = handler;
    }

    @Override
    public void onFrame(final int interfaceIndex, final DirectBuffer buffer, final int frameOffset,
        final int frameLength, final int flags, final long nowNs)
    {
        final ArpPacket arp = received;
        if (!arp.tryWrap(buffer, frameOffset + EthernetFrame.HEADER_LENGTH,
            frameLength - EthernetFrame.HEADER_LENGTH))
        {
            counters.drop(arp.failure());
            return;
        }
        final NetworkInterface networkInterface = interfaces.get(interfaceIndex);
        final long senderMac = arp.senderHardwareAddress();
        final int senderAddress = arp.senderProtocolAddress();
        final int targetAddress = arp.targetProtocolAddress();
        final boolean ours = networkInterface.hasAddress() && targetAddress == networkInterface.ipv4Address();

        if (senderMac == networkInterface.mac())
        {
            // Our own packet reflected back (or someone else using our MAC): nothing to learn from it.
            counters.drop(senderAddress == networkInterface.ipv4Address() ?
                DropReason.ARP_NOT_FOR_US : DropReason.ARP_BAD_SENDER);
            return;
        }
        if (MacAddress.isGroup(senderMac) || senderMac == 0 || senderAddress == LIMITED_BROADCAST ||
            isMulticast(senderAddress) || isClassE(senderAddress))
        {
            counters.drop(DropReason.ARP_BAD_SENDER);
            return;
        }
        if (senderAddress != 0 && interfaces.byAddress(senderAddress) != null)
        {
            onConflict(networkInterface, senderAddress, nowNs);
            return;
        }

        // RFC 826 "Packet Reception": ?Is the pair <protocol type, sender protocol address> already in my
        // translation table? If so, update the sender hardware address field of the entry (Merge_flag := true).
        // A sender address of 0 is an RFC 5227 probe: it names no mapping to learn.
        boolean merged = false;
        NeighbourEntry entry = senderAddress == 0 ? null : cache.find(interfaceIndex, senderAddress);
        if (entry != null)
        {
            confirm(entry, networkInterface, senderMac, nowNs);
            merged = true;
        }
        // ?Am I the target protocol address?
        if (!ours)
        {
            if (!merged)
            {
                counters.drop(DropReason.ARP_NOT_FOR_US);
            }
            return;
        }
        // If Merge_flag is false, add the triplet <protocol type, sender protocol address, sender hardware address>.
        if (!merged && senderAddress != 0)
        {
            entry = cache.add(interfaceIndex, senderAddress);
            if (entry != null)
            {
                confirm(entry, networkInterface, senderMac, nowNs);
            }
        }
        // ?Is the opcode ares_op$REQUEST? Swap fields, put our addresses as the sender, send it to the requester.
        if (arp.operation() == ArpPacket.OPERATION_REQUEST &&
            send(networkInterface, ArpPacket.OPERATION_REPLY, senderMac, senderMac, targetAddress, senderAddress))
        {
            counters.increment(CounterDescriptor.ARP_REPLIES_SENT);
        }
    }

    @Override
    public int doWork(final long nowNs)
    {
        int work = 0;
        if (!started)
        {
            started = true;
            work += announceAll();
        }
        // Backwards, so that removing entry i (which moves the last, already visited, entry into its place) is safe.
        for (int i = cache.pendingCount() - 1; i >= 0; i--)
        {
            final NeighbourEntry entry = cache.pendingAt(i);
            if (nowNs - entry.nextRequestNs < 0)
            {
                continue;
            }
            work++;
            if (entry.requestsSent >= maxRetries)
            {
                giveUp(entry, nowNs);
            }
            else
            {
                final long destination = entry.state == NeighbourState.INCOMPLETE ? MacAddress.BROADCAST : entry.mac;
                ask(entry, interfaces.get(entry.interfaceIndex), destination, nowNs);
            }
        }
        return work;
    }

    /** The state of a neighbour, or null when it is not in the cache (for tests and diagnostics). */
    NeighbourState state(final int interfaceIndex, final int address)
    {
        final NeighbourEntry entry = cache.find(interfaceIndex, address);
        return entry == null ? null : entry.state;
    }

    /** Neighbours in the cache. */
    int cacheSize()
    {
        return cache.size();
    }

    /** A gratuitous ARP (request with sender = target = our address) on each interface that has an address. */
    private int announceAll()
    {
        int sent = 0;
        for (int i = 0; i < interfaces.count(); i++)
        {
            final NetworkInterface networkInterface = interfaces.get(i);
            if (networkInterface.hasAddress() && announce(networkInterface))
            {
                sent++;
            }
        }
        return sent;
    }

    private boolean announce(final NetworkInterface networkInterface)
    {
        final int address = networkInterface.ipv4Address();
        if (send(networkInterface, ArpPacket.OPERATION_REQUEST, MacAddress.BROADCAST, 0, address, address))
        {
            counters.increment(CounterDescriptor.ARP_REQUESTS_SENT);
            return true;
        }
        return false;
    }

    /**
     * RFC 5227 §2.4: someone else uses one of our addresses. Counted as a bad sender; when the address is ours on
     * the arrival interface we defend it with one gratuitous ARP, unless we did so in the last DEFEND_INTERVAL
     * (rule (c): defend once, then a second conflict within the interval is only logged).
     */
    private void onConflict(final NetworkInterface networkInterface, final int address, final long nowNs)
    {
        counters.drop(DropReason.ARP_BAD_SENDER);
        final int index = networkInterface.index();
        if (address != networkInterface.ipv4Address() ||
            (defended[index] && nowNs - lastDefenceNs[index] < DEFEND_INTERVAL_NS))
        {
            return;
        }
        defended[index] = true;
        lastDefenceNs[index] = nowNs;
        announce(networkInterface);
    }

    /** The neighbour answered (or spoke): take its MAC, make it REACHABLE, send what waited for it. */
    private void confirm(final NeighbourEntry entry, final NetworkInterface networkInterface, final long mac,
        final long nowNs)
    {
        if (entry.state == NeighbourState.STATIC)
        {
            return; // configured by the administrator: ARP does not overwrite it
        }
        final boolean wasIncomplete = entry.state == NeighbourState.INCOMPLETE;
        entry.mac = mac;
        entry.state = NeighbourState.REACHABLE;
        entry.confirmedNs = nowNs;
        cache.stopAsking(entry);
        if (wasIncomplete)
        {
            final EthernetOutput output = networkInterface.output();
            for (int i = 0; i < entry.heldCount(); i++)
            {
                final int bufferId = entry.heldBuffer(i);
                MacAddress.write(output.buffer(bufferId), EthernetFrame.DESTINATION_OFFSET, mac);
                output.send(bufferId, entry.heldLength(i));
            }
            entry.clearHeld();
        }
    }

    /** Sends one more request for the entry and arms its timer. */
    private void ask(final NeighbourEntry entry, final NetworkInterface networkInterface, final long destinationMac,
        final long nowNs)
    {
        cache.startAsking(entry);
        entry.requestsSent++;
        entry.nextRequestNs = nowNs + retryIntervalNs;
        if (send(networkInterface, ArpPacket.OPERATION_REQUEST, destinationMac, 0,
            networkInterface.ipv4Address(), entry.address))
        {
            counters.increment(CounterDescriptor.ARP_REQUESTS_SENT);
        }
    }

    /** RFC 1122 §2.3.2.2: queue the packet on its neighbour's entry, or drop it when the (bounded) queue is full. */
    private long hold(final NeighbourEntry entry, final NetworkInterface networkInterface, final int bufferId,
        final int frameLength)
    {
        if (!entry.hold(bufferId, frameLength, queuePerNeighbour))
        {
            networkInterface.output().abandon(bufferId);
            counters.drop(DropReason.ARP_HOLD_QUEUE_FULL);
            return DROPPED;
        }
        return HELD;
    }

    /** The stack stopped: packets still waiting for an answer are freed, counted as discarded at shutdown. */
    @Override
    public int discardHeld()
    {
        int discarded = 0;
        for (int e = 0; e < cache.size(); e++)
        {
            final NeighbourEntry entry = cache.entryAt(e);
            final EthernetOutput output = interfaces.get(entry.interfaceIndex).output();
            for (int i = 0; i < entry.heldCount(); i++)
            {
                output.abandon(entry.heldBuffer(i));
                counters.drop(DropReason.SHUTDOWN_DISCARDED);
                discarded++;
            }
            entry.clearHeld();
        }
        return discarded;
    }

    /**
     * {@code arpMaxRetries} requests went unanswered: remove the entry; an INCOMPLETE one hands its packets, in
     * order, to the unresolved handler (which reports "host unreachable" to their senders and frees them).
     */
    private void giveUp(final NeighbourEntry entry, final long nowNs)
    {
        final int count = entry.heldCount();
        for (int i = 0; i < count; i++)
        {
            failedBuffers[i] = entry.heldBuffer(i);
            failedLengths[i] = entry.heldLength(i);
        }
        final EthernetOutput output = interfaces.get(entry.interfaceIndex).output();
        // Out of the cache first: the handler may send again, and must find no half-dead entry.
        cache.remove(entry);
        for (int i = 0; i < count; i++)
        {
            counters.drop(DropReason.ARP_RESOLUTION_FAILED);
            if (unresolvedHandler != null)
            {
                unresolvedHandler.onUnresolved(failedBuffers[i], failedLengths[i], nowNs);
            }
            else
            {
                output.abandon(failedBuffers[i]);
            }
        }
    }

    /** Builds and sends one ARP frame (padded to the Ethernet minimum) through the interface. */
    private boolean send(final NetworkInterface networkInterface, final int operation, final long destinationMac,
        final long targetMac, final int senderAddress, final int targetAddress)
    {
        final EthernetOutput output = networkInterface.output();
        final int bufferId = output.claim();
        if (bufferId < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = output.buffer(bufferId);
        output.writeHeader(bufferId, destinationMac, EthernetFrame.ETHER_TYPE_ARP);
        outgoing.wrapForWrite(buffer, EthernetFrame.HEADER_LENGTH)
            .ethernetIpv4()
            .operation(operation)
            .senderHardwareAddress(networkInterface.mac())
            .senderProtocolAddress(senderAddress)
            .targetHardwareAddress(targetMac)
            .targetProtocolAddress(targetAddress);
        final int arpEnd = EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH;
        buffer.setMemory(arpEnd, FRAME_LENGTH - arpEnd, (byte)0);
        return output.send(bufferId, FRAME_LENGTH);
    }

    /** 255.255.255.255, or the directed broadcast of the interface's subnet (RFC 1122 §3.2.1.3 (c), (d)). */
    private static boolean isBroadcast(final NetworkInterface networkInterface, final int address)
    {
        if (address == LIMITED_BROADCAST)
        {
            return true;
        }
        // A /31 (RFC 3021) or /32 has no broadcast address.
        return networkInterface.hasAddress() && networkInterface.address().prefixLength() < 31 &&
            address == networkInterface.address().broadcast();
    }

    /** Class D, 224.0.0.0/4 (RFC 1112 §4). */
    private static boolean isMulticast(final int address)
    {
        return (address >>> 28) == 0xE;
    }

    /** Class E, 240.0.0.0/4 (reserved; 255.255.255.255 is tested separately). */
    private static boolean isClassE(final int address)
    {
        return (address >>> 28) == 0xF;
    }
}
