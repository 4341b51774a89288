package io.ustack.tcp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.tcp.wire.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.PriorityQueue;
import java.util.Random;

/**
 * TESTING.md layer 3 in miniature: two {@link TcpModule}s joined by a fake IP layer in one thread, under a virtual
 * clock, with seeded loss, duplication and reordering. {@link #run} advances time to the next packet or timer when
 * nothing else is happening, so minutes of TCP time pass in milliseconds.
 */
final class LoopbackNet
{
    static final int A = 0xC612_0001;
    static final int B = 0xC612_0002;

    private record Packet(long deliverAtNs, long order, int source, int destination, byte[] bytes)
    {
    }

    final TcpModule a;
    final TcpModule b;
    final StackCounters countersA = StackCounters.inMemory("a");
    final StackCounters countersB = StackCounters.inMemory("b");
    private final PriorityQueue<Packet> wire = new PriorityQueue<>((x, y) -> x.deliverAtNs != y.deliverAtNs ?
        Long.compare(x.deliverAtNs, y.deliverAtNs) : Long.compare(x.order, y.order));
    private final Random random;
    private final double loss;
    private final double duplication;
    private final double reordering;
    private final long delayNs = 500_000L;
    private final ReceivedDatagram datagram = new ReceivedDatagram();
    private long order;
    long nowNs = 1_000_000_000L;
    long packets;
    long dropped;
    /** Every datagram A sent, in order, before any loss (for tests comparing what two runs put on the wire). */
    final java.util.List<byte[]> sentByA = new java.util.ArrayList<>();

    final FakeIp ipA;
    final FakeIp ipB;

    LoopbackNet(final long seed, final double loss, final double duplication, final double reordering,
        final TcpSettings settings)
    {
        this(seed, loss, duplication, reordering, settings, 0);
    }

    /** @param segmentationLimit what both sides' IP offers for segmentation offload (0: none) */
    LoopbackNet(final long seed, final double loss, final double duplication, final double reordering,
        final TcpSettings settings, final int segmentationLimit)
    {
        this.random = new Random(seed);
        this.loss = loss;
        this.duplication = duplication;
        this.reordering = reordering;
        a = new TcpModule(StackConfig.builder().randomSeed(seed).build(), countersA, settings);
        b = new TcpModule(StackConfig.builder().randomSeed(seed + 1).build(), countersB, settings);
        ipA = new FakeIp(A, 1500, d -> enqueue(d.source(), d.destination(), d.bytes()));
        ipB = new FakeIp(B, 1500, d -> enqueue(d.source(), d.destination(), d.bytes()));
        ipA.segmentationLimit = segmentationLimit;
        ipB.segmentationLimit = segmentationLimit;
        a.onAttach(ipA, null);
        b.onAttach(ipB, null);
    }

    private void enqueue(final int source, final int destination, final byte[] bytes)
    {
        packets++;
        if (source == A)
        {
            sentByA.add(bytes);
        }
        if (random.nextDouble() < loss)
        {
            dropped++;
            return;
        }
        final int copies = random.nextDouble() < duplication ? 2 : 1;
        for (int i = 0; i < copies; i++)
        {
            final long extra = random.nextDouble() < reordering ? (long)(random.nextDouble() * 3 * delayNs) : 0;
            wire.add(new Packet(nowNs + delayNs + extra, order++, source, destination, bytes));
        }
    }

    private boolean deliverDue()
    {
        boolean any = false;
        while (!wire.isEmpty() && wire.peek().deliverAtNs - nowNs <= 0)
        {
            final Packet p = wire.poll();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[20 + p.bytes.length]);
            buffer.putBytes(20, p.bytes);
            datagram.set(buffer, 0, 20, p.bytes.length, p.source, p.destination, TcpHeader.PROTOCOL, 64, 0, false,
                false);
            (p.destination == A ? a : b).onDatagram(datagram, nowNs);
            any = true;
        }
        return any;
    }

    /** Something the test does each round (application reads and writes); returns whether it made progress. */
    interface App
    {
        boolean step(long nowNs);
    }

    /**
     * Runs until {@code done} says so or {@code limitNs} of virtual time pass.
     *
     * @return whether {@code done} became true
     */
    boolean run(final App app, final java.util.function.BooleanSupplier done, final long limitNs)
    {
        final long end = nowNs + limitNs;
        while (!done.getAsBoolean())
        {
            boolean progress = deliverDue();
            progress |= app.step(nowNs);
            progress |= a.doWork(nowNs) > 0;
            progress |= b.doWork(nowNs) > 0;
            if (!progress)
            {
                long next = Math.min(a.nextDeadlineNs(), b.nextDeadlineNs());
                if (!wire.isEmpty())
                {
                    next = Math.min(next, wire.peek().deliverAtNs);
                }
                if (next == Long.MAX_VALUE || next - end > 0)
                {
                    return done.getAsBoolean();
                }
                nowNs = Math.max(nowNs, next);
            }
        }
        return true;
    }
}
