package io.ustack.link.memory;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("In-memory wire across threads")
class InMemoryWireThreadsTest
{
    private static final int FRAMES = 1_000_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("two threads, one per endpoint, exchange 1 000 000 frames each way without loss or corruption")
    void millionFramesEachWay() throws Exception
    {
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().queueDepth(256).build(), new SystemNanoClock());
        final CyclicBarrier start = new CyclicBarrier(2);
        final Peer a = new Peer(wire.endpointA(), start);
        final Peer b = new Peer(wire.endpointB(), start);
        final Thread threadA = new Thread(a, "wire-a");
        final Thread threadB = new Thread(b, "wire-b");
        threadA.start();
        threadB.start();
        threadA.join();
        threadB.join();

        if (a.failure.get() != null)
        {
            throw new AssertionError("endpoint A failed", a.failure.get());
        }
        if (b.failure.get() != null)
        {
            throw new AssertionError("endpoint B failed", b.failure.get());
        }
        assertEquals(FRAMES, a.received);
        assertEquals(FRAMES, b.received);
        assertEquals(FRAMES, wire.statisticsAToB().delivered());
        assertEquals(FRAMES, wire.statisticsBToA().delivered());
        assertEquals(0, wire.statisticsAToB().droppedBadFcs() + wire.statisticsBToA().droppedBadFcs());
    }

    /** Sends FRAMES numbered frames and checks that the peer's FRAMES frames arrive in order, byte for byte. */
    private static final class Peer implements Runnable, RxFrameHandler
    {
        private final LinkEndpoint endpoint;
        private final CyclicBarrier start;
        private final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private long sent;
        private long received;

        Peer(final LinkEndpoint endpoint, final CyclicBarrier start)
        {
            this.endpoint = endpoint;
            this.start = start;
        }

        @Override
        public void run()
        {
            try
            {
                start.await();
                while (sent < FRAMES || received < FRAMES)
                {
                    boolean progress = false;
                    if (sent < FRAMES)
                    {
                        final int length = lengthOf(sent);
                        TestFrames.writeSequenced(frame, sent, length, endpoint.macAddress(), 0x0200_0000_00FFL);
                        if (endpoint.transmit(frame, 0, length))
                        {
                            sent++;
                            progress = true;
                        }
                    }
                    if (endpoint.receive(this, 32) == 0 && !progress)
                    {
                        Thread.yield(); // shared CI machines: let the peer run
                    }
                }
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        }

        private static int lengthOf(final long sequence)
        {
            return 60 + (int)(sequence % 150);
        }

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            final long sequence = TestFrames.checkSequenced(buffer, offset, length);
            if (sequence != received || length != lengthOf(sequence))
            {
                throw new AssertionError("expected frame " + received + " of " + lengthOf(received) +
                    " bytes, got frame " + sequence + " of " + length);
            }
            received++;
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            throw new AssertionError("unexpected drop " + reason + " after " + received + " frames");
        }
    }
}
