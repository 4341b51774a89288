package io.ustack.runtime.interop;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5: every receive ring (TPACKET_V2, V3) and transmit mode (ring + sendto, sendmmsg), busy-polling and
 * blocking, moves frames intact and in order over a real veth pair, both ways, at the smallest and largest sizes.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("AF_PACKET ring versions and transmit modes on a real veth pair")
class AfPacketRingModesInteropTest
{
    /** IEEE 802 local experimental EtherType: the kernels on both ends ignore it. */
    private static final short ETHERTYPE = (short)0x88B5;
    private static final int FRAMES = 300;

    private KernelPeerNetwork network;

    @BeforeAll
    void start() throws Exception
    {
        network = KernelPeerNetwork.create();
        network.addVeth("ua", "ub", "198.18.0.2/24", false);
    }

    @AfterAll
    void stop()
    {
        network.close();
    }

    static Stream<Arguments> modes()
    {
        final List<Arguments> modes = new ArrayList<>();
        for (final AfPacketConfig.RxRingVersion rx : AfPacketConfig.RxRingVersion.values())
        {
            for (final AfPacketConfig.TxMode tx : AfPacketConfig.TxMode.values())
            {
                modes.add(Arguments.of(rx, tx, false));
                modes.add(Arguments.of(rx, tx, true));
            }
        }
        return modes.stream();
    }

    static Stream<Arguments> ringsAndTransmitModes()
    {
        return modes().filter(arguments -> (Boolean)arguments.get()[2]);
    }

    private AfPacketConfig config(final AfPacketConfig.RxRingVersion rx, final AfPacketConfig.TxMode tx,
        final boolean blocking)
    {
        // A small ring (64 slots) so that 300 frames wrap it several times.
        final AfPacketConfig.Builder builder = AfPacketConfig.builder("ua").namespace(network.ustackNamespace())
            .rxRing(rx).txMode(tx).blockSize(1 << 14).frameCount(64);
        return (blocking ? builder.blocking(1000) : builder.busyPoll()).build();
    }

    private AfPacketEndpoint peer() throws Exception
    {
        return AfPacketEndpoint.open(AfPacketConfig.builder("ub").namespace(network.kernelNamespace()).build());
    }

    @ParameterizedTest(name = "rx {0}, tx {1}, blocking {2}")
    @MethodSource("modes")
    @DisplayName("frames of 64 to 1514 bytes arrive intact and in order, out of and into the endpoint")
    void framesBothWays(final AfPacketConfig.RxRingVersion rx, final AfPacketConfig.TxMode tx,
        final boolean blocking) throws Exception
    {
        try (AfPacketEndpoint endpoint = AfPacketEndpoint.open(config(rx, tx, blocking));
             AfPacketEndpoint peer = peer())
        {
            assertEquals(FRAMES, transfer(endpoint, peer, blocking), "endpoint -> peer");
            assertEquals(FRAMES, transfer(peer, endpoint, blocking), "peer -> endpoint");
        }
    }

    @ParameterizedTest(name = "rx {0}, tx {1}")
    @MethodSource("ringsAndTransmitModes")
    @DisplayName("in blocking mode an empty ring waits in poll(2) and the call returns the frame that wakes it")
    void blockingReceiveWakesOnArrival(final AfPacketConfig.RxRingVersion rx, final AfPacketConfig.TxMode tx,
        final boolean unused) throws Exception
    {
        try (AfPacketEndpoint endpoint = AfPacketEndpoint.open(config(rx, tx, true));
             AfPacketEndpoint peer = peer())
        {
            final Collector collector = new Collector();
            endpoint.receive(collector, 8);
            assertEquals(List.of(), collector.sequences, "nothing sent yet: the poll times out without a test frame");
            final CompletableFuture<Void> sent = CompletableFuture.runAsync(() ->
            {
                sleepQuietly(50);
                send(peer, endpoint.macAddress(), 0);
                peer.flush();
            });
            // The timeout is 1 s; the frame comes after about 50 ms and ends the wait with it. Other frames (the
            // kernel's IPv6 neighbour discovery) may end a wait first, hence a few calls.
            for (int call = 0; call < 5 && collector.sequences.isEmpty(); call++)
            {
                endpoint.receive(collector, 8);
            }
            sent.get(5, TimeUnit.SECONDS);
            assertEquals(List.of(0), collector.sequences);
        }
    }

    /** Sends FRAMES numbered frames of growing size in batches of 32 and counts the ones received intact in order. */
    private static int transfer(final AfPacketEndpoint from, final AfPacketEndpoint to, final boolean blocking)
        throws InterruptedException
    {
        final Collector collector = new Collector();
        int sent = 0;
        for (int spins = 0; collector.sequences.size() < FRAMES && spins < 200_000; spins++)
        {
            for (int i = 0; i < 32 && sent < FRAMES && sent - collector.sequences.size() < 48; i++)
            {
                if (!send(from, to.macAddress(), sent))
                {
                    break;
                }
                sent++;
            }
            from.flush();
            if (to.receive(collector, 64) == 0 && !blocking)
            {
                Thread.onSpinWait();
            }
        }
        for (int i = 0; i < collector.sequences.size(); i++)
        {
            assertEquals(i, collector.sequences.get(i), "frames arrive in the order sent");
        }
        assertTrue(collector.intact, "every byte as sent");
        assertEquals(0, collector.drops, "nothing dropped by the ring");
        return collector.sequences.size();
    }

    private static int sizeOf(final int sequence)
    {
        return 64 + sequence * 97 % (1514 - 64 + 1);
    }

    private static boolean send(final AfPacketEndpoint from, final long dstMac, final int sequence)
    {
        final int size = sizeOf(sequence);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[size]);
        for (int i = 0; i < 6; i++)
        {
            frame.putByte(i, (byte)(dstMac >>> (40 - 8 * i)));
            frame.putByte(6 + i, (byte)(from.macAddress() >>> (40 - 8 * i)));
        }
        frame.putShort(12, ETHERTYPE, ByteOrder.BIG_ENDIAN);
        frame.putInt(14, sequence, ByteOrder.BIG_ENDIAN);
        for (int i = 18; i < size; i++)
        {
            frame.putByte(i, (byte)(sequence + i));
        }
        return from.transmit(frame, 0, size);
    }

    private static void sleepQuietly(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps the sequence numbers of our test frames (others, such as IPv6 router solicitations, are ignored). */
    private static final class Collector implements RxFrameHandler
    {
        final List<Integer> sequences = new ArrayList<>();
        boolean intact = true;
        int drops;

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length < 18 || buffer.getShort(offset + 12, ByteOrder.BIG_ENDIAN) != ETHERTYPE)
            {
                return;
            }
            final int sequence = buffer.getInt(offset + 14, ByteOrder.BIG_ENDIAN);
            intact &= length == sizeOf(sequence);
            for (int i = 18; i < length && intact; i++)
            {
                intact = buffer.getByte(offset + i) == (byte)(sequence + i);
            }
            sequences.add(sequence);
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            drops++;
        }
    }
}
