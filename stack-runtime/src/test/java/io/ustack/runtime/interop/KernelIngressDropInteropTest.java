package io.ustack.runtime.interop;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5: the kernel ingress drop ({@link AfPacketConfig.Builder#kernelIngressDrop}). To make the kernel's own input
 * visible, ustack's namespace gives its end of the veth an address, which the kernel answers pings on. While an
 * endpoint with the drop is open, the kernel no longer answers, yet the endpoint's ring still receives every echo
 * request; once it closes, the nftables table is gone and the kernel answers again.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The kernel ingress drop keeps the kernel's input off ustack's interface, not ustack's ring")
class KernelIngressDropInteropTest
{
    private static final String LOCAL = "198.18.0.1";

    private KernelPeerNetwork network;

    @BeforeAll
    void start() throws Exception
    {
        network = KernelPeerNetwork.create();
        network.addVeth("ua", "ub", "198.18.0.2/24", false);
        network.ipInUstack("addr", "add", LOCAL + "/24", "dev", "ua");
    }

    @AfterAll
    void stop()
    {
        network.close();
    }

    @Test
    @DisplayName("open: the kernel stops answering while the ring sees every request; closed: table gone, answers")
    void dropsKernelInputWhileOpen() throws Exception
    {
        assertEquals(0, ping(), "before: the kernel of ustack's namespace answers on its address");
        final String table = "ustack_ingress_drop_ua";
        final AtomicInteger pingFrames = new AtomicInteger();
        try (AfPacketEndpoint endpoint = AfPacketEndpoint.open(AfPacketConfig.builder("ua")
            .namespace(network.ustackNamespace()).kernelIngressDrop(true).build()))
        {
            assertTrue(endpoint.config().kernelIngressDrop());
            assertTrue(network.inUstack("nft", "list", "tables").contains(table), "the table is in place");
            final RxFrameHandler counter = new RxFrameHandler()
            {
                @Override
                public void onFrame(final DirectBuffer buffer, final int offset, final int length)
                {
                    // The ping's frames: IPv4 (0x0800) ICMP (1) echo requests (8), or ARP (0x0806) requests for
                    // the address should the kernel peer's cache entry have gone stale meanwhile.
                    final short type = buffer.getShort(offset + 12, ByteOrder.BIG_ENDIAN);
                    if (length >= 35 && (type == 0x0806 ||
                        type == 0x0800 && buffer.getByte(offset + 23) == 1 && buffer.getByte(offset + 34) == 8))
                    {
                        pingFrames.incrementAndGet();
                    }
                }

                @Override
                public void onDrop(final DropReason reason)
                {
                }
            };
            final CompletableFuture<Integer> ping = CompletableFuture.supplyAsync(this::ping);
            while (!ping.isDone())
            {
                endpoint.receive(counter, 64);
                Thread.onSpinWait();
            }
            assertNotEquals(0, ping.get(10, TimeUnit.SECONDS), "while open: no echo reply from the kernel");
            assertTrue(pingFrames.get() >= 2, "the ring still received the ping's frames: " + pingFrames.get());
        }
        assertFalse(network.inUstack("nft", "list", "tables").contains(table), "the table is removed on close");
        assertEquals(0, ping(), "after: the kernel answers again");
    }

    /** Two pings from the kernel peer to ustack's end; the exit code (0: answered). */
    private int ping()
    {
        try
        {
            return network.exitCodeInKernel(10, "ping", "-c", "2", "-i", "0.2", "-W", "1", LOCAL);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }
}
