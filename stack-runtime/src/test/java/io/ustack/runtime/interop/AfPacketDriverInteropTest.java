package io.ustack.runtime.interop;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.api.net.MacAddress;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.File;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5: the AF_PACKET driver itself against real interfaces in a private namespace pair: clear errors, no leaked
 * file descriptors, fanout groups, and frames a peer with offloads left on sends.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("AF_PACKET driver on real interfaces")
class AfPacketDriverInteropTest
{
    private KernelPeerNetwork network;

    @BeforeAll
    void start() throws Exception
    {
        network = KernelPeerNetwork.create();
        network.addVeth("ua", "ub", "198.18.0.2/24", false);
        // Offloads left on at the kernel end: checksum offload and UDP GSO reach the ustack end as is.
        network.addVeth("uo", "uoff", "198.18.1.2/24", true);
        // Left down.
        network.addVeth("udown", "udownk", "198.18.2.2/24", false);
        network.ipInUstack("link", "set", "udown", "down");
        // Larger MTU than a default 2048-byte ring slot holds.
        network.addVeth("ubig", "ubigk", "198.18.3.2/24", false);
        network.ipInUstack("link", "set", "ubig", "mtu", "4000");
    }

    @AfterAll
    void stop()
    {
        network.close();
    }

    private AfPacketConfig.Builder config(final String name)
    {
        return AfPacketConfig.builder(name).namespace(network.ustackNamespace());
    }

    @Test
    @DisplayName("opening a missing interface says so and how to list them")
    void missingInterface()
    {
        final IOException error = assertThrows(IOException.class,
            () -> AfPacketEndpoint.open(config("nosuch0").build()));
        assertTrue(error.getMessage().contains("no network interface named nosuch0") &&
            error.getMessage().contains("ip link"), error::getMessage);
    }

    @Test
    @DisplayName("opening an interface that is down says to bring it up")
    void interfaceDown()
    {
        final IOException error = assertThrows(IOException.class, () -> AfPacketEndpoint.open(config("udown").build()));
        assertTrue(error.getMessage().contains("udown") && error.getMessage().contains("is down") &&
            error.getMessage().contains("ip link set udown up"), error::getMessage);
    }

    @Test
    @DisplayName("an MTU larger than a ring slot holds is refused with the frame size that would fit")
    void mtuLargerThanSlot() throws Exception
    {
        final IOException error = assertThrows(IOException.class, () -> AfPacketEndpoint.open(config("ubig").build()));
        assertTrue(error.getMessage().contains("MTU 4000") && error.getMessage().contains("use frameSize 4080"),
            error::getMessage);
        try (AfPacketEndpoint endpoint = AfPacketEndpoint.open(config("ubig").frameSize(8192).blockSize(1 << 16)
            .build()))
        {
            assertEquals(4000, endpoint.mtu());
        }
    }

    @Test
    @DisplayName("the endpoint takes the interface's MAC by default and an override when given")
    void macAddress() throws Exception
    {
        final String shown = network.ipInUstack("link", "show", "ua");
        try (AfPacketEndpoint endpoint = AfPacketEndpoint.open(config("ua").build()))
        {
            assertTrue(shown.contains(MacAddress.toString(endpoint.macAddress())), shown);
            assertEquals(1500, endpoint.mtu());
        }
        try (AfPacketEndpoint endpoint = AfPacketEndpoint.open(config("ua").macAddress(0x0200_0000_0042L).build()))
        {
            assertEquals(0x0200_0000_0042L, endpoint.macAddress());
        }
    }

    @Test
    @DisplayName("sockets join a fanout group; a second mode for the same group is refused, freeing what it made")
    void fanout() throws Exception
    {
        try (AfPacketEndpoint first = AfPacketEndpoint.open(config("ua").fanout(77,
                AfPacketConfig.FanoutMode.HASH).build());
             AfPacketEndpoint second = AfPacketEndpoint.open(config("ua").fanout(77,
                 AfPacketConfig.FanoutMode.HASH).build()))
        {
            final int before = openFds();
            final IOException error = assertThrows(IOException.class, () -> AfPacketEndpoint.open(config("ua")
                .fanout(77, AfPacketConfig.FanoutMode.LOAD_BALANCE).build()));
            assertTrue(error.getMessage().contains("PACKET_FANOUT"), error::getMessage);
            assertEquals(before, openFds(), "the failed open closed its socket and unmapped its rings");
            assertTrue(first.macAddress() == second.macAddress());
        }
    }

    @Test
    @DisplayName("200 open/close cycles (and failed opens) leave the number of open file descriptors unchanged")
    void noFdLeak() throws Exception
    {
        final AfPacketConfig config = config("ua").blocking(1).build();
        // Warm up: class loading and the JIT may open files of their own once.
        AfPacketEndpoint.open(config).close();
        final int before = openFds();
        for (int i = 0; i < 200; i++)
        {
            final AfPacketEndpoint endpoint = AfPacketEndpoint.open(config);
            endpoint.receive(new Drops(), 8);
            endpoint.close();
            endpoint.close();
            assertThrows(IOException.class, () -> AfPacketEndpoint.open(config("ubig").build()));
        }
        final int after = openFds();
        // Other JVM threads may hold a file briefly; a leak would show at least 200.
        assertTrue(after - before < 5, "open fds before " + before + ", after " + after);
    }

    @Test
    @DisplayName("a peer with offloads on: partial checksums and GSO super-frames are dropped under their own reasons")
    void offloadFramesAreDroppedWithReasons() throws Exception
    {
        try (AfPacketEndpoint endpoint = AfPacketEndpoint.open(config("uo").build()))
        {
            network.inKernel("ip", "neigh", "replace", "198.18.1.1", "lladdr",
                MacAddress.toString(endpoint.macAddress()), "dev", "uoff");
            network.inKernel("python3", KernelPeerNetwork.script("offload", PythonPeers.OFFLOAD_SENDER),
                "198.18.1.1", "9");
            final Drops drops = new Drops();
            for (int i = 0; i < 2_000 && (drops.count(DropReason.LINK_CHECKSUM_PARTIAL) == 0 ||
                drops.count(DropReason.LINK_TRUNCATED_BY_RING) == 0); i++)
            {
                if (endpoint.receive(drops, 16) == 0)
                {
                    Thread.sleep(1);
                }
            }
            assertEquals(1, drops.count(DropReason.LINK_CHECKSUM_PARTIAL), drops::toString);
            assertEquals(1, drops.count(DropReason.LINK_TRUNCATED_BY_RING), drops::toString);
            assertEquals(0, drops.udpDelivered, "neither was delivered for parsing");
        }
    }

    private static int openFds()
    {
        return Objects.requireNonNull(new File("/proc/self/fd").list()).length;
    }

    /** Counts drops and delivered IPv4/UDP frames. */
    private static final class Drops implements RxFrameHandler
    {
        final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);
        int udpDelivered;

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length > 23 && buffer.getShort(offset + 12, java.nio.ByteOrder.BIG_ENDIAN) == 0x0800 &&
                buffer.getByte(offset + 23) == 17)
            {
                udpDelivered++;
            }
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            drops.merge(reason, 1, Integer::sum);
        }

        int count(final DropReason reason)
        {
            return drops.getOrDefault(reason, 0);
        }

        @Override
        public String toString()
        {
            return "drops " + drops + ", UDP delivered " + udpDelivered;
        }
    }
}
