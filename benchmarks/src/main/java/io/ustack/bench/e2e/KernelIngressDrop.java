package io.ustack.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An nftables netdev ingress chain on ustack's interface, in the harness's own namespace, that drops every frame
 * (the {@code ingress-drop=1} variant). The kernel hands a received frame to packet sockets (ustack's receive ring)
 * before the ingress hook, so ustack still gets every frame; what the chain stops is the kernel's own IP input
 * for the frame in this namespace, where no address matches, so each one costs a failed route lookup
 * ({@code ip_route_input_slow}) in whichever thread's softirq delivers it (on a veth: the sender's, which for
 * ACKs is ustack's stack thread). A deployment that gives ustack an interface can do the same (DESIGN.md "Link
 * drivers": the kernel should not have ustack's address). Needs root, as the whole harness does. Removed on close.
 */
final class KernelIngressDrop implements AutoCloseable
{
    private static final String TABLE = "ustack_bench_ingress_drop";

    private KernelIngressDrop()
    {
    }

    /** Adds the chain on {@code iface} (a table of its own, replaced if a failed run left one behind). */
    static KernelIngressDrop on(final String iface) throws IOException
    {
        nft(List.of("nft", "-f", "-"), "table netdev " + TABLE + "\ndelete table netdev " + TABLE + "\n" +
            "table netdev " + TABLE + " {\n  chain in {\n    type filter hook ingress device " + iface +
            " priority 0; policy drop;\n  }\n}\n");
        return new KernelIngressDrop();
    }

    @Override
    public void close()
    {
        try
        {
            nft(List.of("nft", "delete", "table", "netdev", TABLE), "");
        }
        catch (final IOException e)
        {
            System.err.println("could not remove the ingress drop chain: " + e.getMessage());
        }
    }

    private static void nft(final List<String> command, final String input) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try
        {
            if (process.waitFor() != 0)
            {
                throw new IOException(String.join(" ", command) + " failed (is nftables installed? apt-get install " +
                    "nftables): " + output.trim());
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running nft", e);
        }
    }
}
