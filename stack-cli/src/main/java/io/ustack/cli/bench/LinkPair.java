package io.ustack.cli.bench;

import io.ustack.api.link.LinkEndpoint;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import io.ustack.link.tap.TapEndpoint;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two link endpoints of one case, stack a's and stack b's, and the private network behind them when the link is
 * real. The stacks close the endpoints when they shut down; {@link #close()} then removes the network.
 */
final class LinkPair implements AutoCloseable
{
    /** Slot size of the AF_PACKET rings for MTUs past the default 2048-byte slot (a multiple of 16 and of 4096's). */
    private static final int JUMBO_FRAME_SIZE = 16384;
    private static final AtomicInteger NEXT_TAP = new AtomicInteger();

    final LinkEndpoint a;
    final LinkEndpoint b;
    private final BenchNetwork network;

    private LinkPair(final LinkEndpoint a, final LinkEndpoint b, final BenchNetwork network)
    {
        this.a = a;
        this.b = b;
        this.network = network;
    }

    /**
     * Opens the link of {@code kind} at {@code mtu}.
     *
     * @throws IOException           when an endpoint cannot be opened
     * @throws IllegalStateException when the network cannot be built (not root, a tool missing, a command failed)
     */
    static LinkPair open(final LinkKind kind, final int mtu, final NanoClock clock) throws IOException
    {
        if (kind == LinkKind.MEMORY)
        {
            final InMemoryWire wire = new InMemoryWire(WireConfig.builder().mtu(mtu).queueDepth(4096).build(), clock);
            return new LinkPair(wire.endpointA(), wire.endpointB(), null);
        }
        final BenchNetwork network = BenchNetwork.create();
        LinkEndpoint a = null;
        try
        {
            if (kind == LinkKind.AF_PACKET)
            {
                final String nsA = network.namespace("a");
                final String nsB = network.namespace("b");
                network.veth(nsA, "ubench0a", nsB, "ubench0b", mtu);
                a = AfPacketEndpoint.open(afPacket("ubench0a", nsA, mtu));
                return new LinkPair(a, AfPacketEndpoint.open(afPacket("ubench0b", nsB, mtu)), network);
            }
            // TAP interfaces open in this process's namespace; each moves into the bridge's namespace at once, so the
            // host's own namespace carries none of the benchmark's frames.
            final String ns = network.namespace("t");
            network.ip(ns, "link", "add", "ubr0", "type", "bridge");
            network.quietUp(ns, "ubr0", mtu);
            final String name = "ubt" + ProcessHandle.current().pid() % 10_000 + "x" + NEXT_TAP.incrementAndGet() % 100;
            a = tap(network, ns, name + "a", 0x0200_0000_0b01L, mtu);
            return new LinkPair(a, tap(network, ns, name + "b", 0x0200_0000_0b02L, mtu), network);
        }
        catch (final IOException | RuntimeException e)
        {
            if (a != null)
            {
                a.close();
            }
            network.close();
            throw e;
        }
    }

    private static AfPacketConfig afPacket(final String device, final String namespace, final int mtu)
    {
        final AfPacketConfig.Builder config = AfPacketConfig.builder(device).namespace(namespace);
        if (mtu + 80 > 2048)
        {
            config.frameSize(JUMBO_FRAME_SIZE).blockSize(4 * JUMBO_FRAME_SIZE).frameCount(256);
        }
        return config.build();
    }

    private static TapEndpoint tap(final BenchNetwork network, final String ns, final String name, final long mac,
        final int mtu) throws IOException
    {
        final TapEndpoint tap = TapEndpoint.open(name, mac, mtu);
        try
        {
            network.moveInto(name, ns);
            network.ip(ns, "link", "set", "dev", name, "master", "ubr0");
            network.quietUp(ns, name, mtu);
            return tap;
        }
        catch (final RuntimeException e)
        {
            tap.close();
            throw e;
        }
    }

    /** Removes the private network, if any (after the stacks have closed the endpoints). */
    @Override
    public void close()
    {
        if (network != null)
        {
            network.close();
        }
    }
}
