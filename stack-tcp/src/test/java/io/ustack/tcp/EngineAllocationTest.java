package io.ustack.tcp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.tcp.wire.TcpHeader;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DESIGN.md "Data path" MUST: no object allocated per segment once a connection is in steady state. */
class EngineAllocationTest
{
    /** A zero-allocation one-way link: claimed buffers are handed to the other module as they are, then freed. */
    private static final class DirectLink implements Ipv4Sender
    {
        private static final int SLOTS = 512;
        private final UnsafeBuffer[] buffers = new UnsafeBuffer[SLOTS];
        private final int[] free = new int[SLOTS];
        private final int[] queued = new int[SLOTS];
        private final int[] lengths = new int[SLOTS];
        private final ReceivedDatagram datagram = new ReceivedDatagram();
        private final int local;
        private final int remote;
        private int freeCount;
        private int queueHead;
        private int queueCount;
        TcpModule target;

        DirectLink(final int local, final int remote)
        {
            this.local = local;
            this.remote = remote;
            for (int i = 0; i < SLOTS; i++)
            {
                buffers[i] = new UnsafeBuffer(new byte[2048]);
                free[freeCount++] = i;
            }
        }

        @Override
        public int claim()
        {
            return freeCount == 0 ? -1 : free[--freeCount];
        }

        @Override
        public MutableDirectBuffer buffer(final int bufferId)
        {
            return buffers[bufferId];
        }

        @Override
        public int bufferCapacity()
        {
            return 2048 - PAYLOAD_OFFSET;
        }

        @Override
        public void abandon(final int bufferId)
        {
            free[freeCount++] = bufferId;
        }

        @Override
        public int send(final int bufferId, final int payloadLength, final int sourceAddress,
            final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
        {
            final int slot = (queueHead + queueCount) % SLOTS;
            queued[slot] = bufferId;
            lengths[slot] = payloadLength;
            queueCount++;
            return SENT;
        }

        int deliver(final long nowNs)
        {
            final int n = queueCount;
            for (int i = 0; i < n; i++)
            {
                final int id = queued[queueHead];
                datagram.set(buffers[id], PAYLOAD_OFFSET - 20, 20, lengths[queueHead], local, remote,
                    TcpHeader.PROTOCOL, 64, 0, false, false);
                target.onDatagram(datagram, nowNs);
                free[freeCount++] = id;
                queueHead = (queueHead + 1) % SLOTS;
                queueCount--;
            }
            return n;
        }

        @Override
        public int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
            final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public int sourceAddressFor(final int destination)
        {
            return local;
        }

        @Override
        public int pathMtu(final int destination, final long nowNs)
        {
            return 1500;
        }

        @Override
        public boolean isLocalAddress(final int address)
        {
            return address == local;
        }
    }

    private final UnsafeBuffer source = new UnsafeBuffer(new byte[64 * 1024]);
    private final UnsafeBuffer sink = new UnsafeBuffer(new byte[64 * 1024]);
    private long nowNs = 1_000_000_000L;

    @Test
    @DisplayName("DESIGN.md: a bulk transfer in steady state allocates ~0 bytes per segment")
    void steadyStateTransferAllocatesNothing()
    {
        final TcpSettings settings = TcpSettings.builder().build();
        final TcpModule a = new TcpModule(StackConfig.builder().randomSeed(1).build(), StackCounters.inMemory("a"),
            settings);
        final TcpModule b = new TcpModule(StackConfig.builder().randomSeed(2).build(), StackCounters.inMemory("b"),
            settings);
        final DirectLink ab = new DirectLink(LoopbackNet.A, LoopbackNet.B);
        final DirectLink ba = new DirectLink(LoopbackNet.B, LoopbackNet.A);
        ab.target = b;
        ba.target = a;
        a.onAttach(ab, null);
        b.onAttach(ba, null);
        final int listener = b.listen(LoopbackNet.B, 9, 4);
        final int client = a.connect(LoopbackNet.B, 9, 0, nowNs);
        for (int i = 0; i < 10; i++)
        {
            cycle(a, b, ab, ba, -1, -1);
        }
        final int server = b.accept(listener);
        assertEquals(TcpState.ESTABLISHED, a.state(client));
        long moved = cycles(a, b, ab, ba, client, server, 20_000); // warm up: JIT, timer heap growth
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        threads.getThreadAllocatedBytes(threadId);
        final long before = threads.getThreadAllocatedBytes(threadId);
        moved += cycles(a, b, ab, ba, client, server, 50_000);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(moved > 50L << 20, "moved only " + moved + " bytes");
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated while moving " + moved + " bytes");
    }

    private long cycles(final TcpModule a, final TcpModule b, final DirectLink ab, final DirectLink ba,
        final int client, final int server, final int count)
    {
        long moved = 0;
        for (int i = 0; i < count; i++)
        {
            moved += cycle(a, b, ab, ba, client, server);
        }
        return moved;
    }

    private int cycle(final TcpModule a, final TcpModule b, final DirectLink ab, final DirectLink ba,
        final int client, final int server)
    {
        nowNs += 10_000;
        if (client >= 0)
        {
            a.write(client, source, 0, source.capacity(), nowNs);
        }
        a.doWork(nowNs);
        ab.deliver(nowNs);
        int read = 0;
        if (server >= 0)
        {
            read = Math.max(0, b.read(server, sink, 0, sink.capacity(), nowNs));
        }
        b.doWork(nowNs);
        ba.deliver(nowNs);
        return read;
    }
}
