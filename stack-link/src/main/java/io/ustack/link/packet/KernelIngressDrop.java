package io.ustack.link.packet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An nftables netdev ingress chain that drops every frame arriving on the interface ustack owns
 * ({@link AfPacketConfig.Builder#kernelIngressDrop}). The kernel hands a received frame to packet sockets (ustack's
 * receive ring) before the ingress hook, so ustack still gets every frame; what the chain stops is the kernel's own
 * IP input for it, where no address matches (DESIGN.md "Link drivers": the kernel must not have ustack's address),
 * which otherwise costs a failed route lookup per frame in whichever thread's softirq delivers it: on a veth the
 * peer's sender, or for ACKs ustack's own stack thread. It won kernel to ustack TCP in 8 of 8 paired runs
 * (benchmarks/results/2026-11-26-kperf.txt). Runs {@code nft} (in the interface's namespace,
 * through {@code nsenter}, when it has one); needs CAP_NET_ADMIN. The table is removed on {@link #close()}.
 */
final class KernelIngressDrop implements AutoCloseable
{
    private final String namespacePath;
    private final String table;

    private KernelIngressDrop(final String namespacePath, final String table)
    {
        this.namespacePath = namespacePath;
        this.table = table;
    }

    /** The table's name for {@code iface}: one table per interface, named after it. */
    static String tableFor(final String iface)
    {
        return "ustack_ingress_drop_" + iface.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /**
     * Adds the chain on {@code iface} (replacing a table a crashed run left behind).
     *
     * @param namespacePath the namespace file the interface is in, or null for this process's
     * @throws IOException saying how to fix it: nftables missing, no permission, or nft's own message
     */
    static KernelIngressDrop install(final String iface, final String namespacePath) throws IOException
    {
        final String table = tableFor(iface);
        nft(namespacePath, List.of("-f", "-"), "table netdev " + table + "\ndelete table netdev " + table + "\n" +
            "table netdev " + table + " {\n  chain in {\n    type filter hook ingress device \"" + iface +
            "\" priority 0; policy drop;\n  }\n}\n");
        return new KernelIngressDrop(namespacePath, table);
    }

    /** Removes the table; a failure (the namespace already gone, say) is reported on stderr, never thrown. */
    @Override
    public void close()
    {
        try
        {
            nft(namespacePath, List.of("delete", "table", "netdev", table), "");
        }
        catch (final IOException e)
        {
            System.err.println("ustack: could not remove the kernel ingress drop (nft table netdev " + table + "): " +
                e.getMessage());
        }
    }

    private static void nft(final String namespacePath, final List<String> arguments, final String input)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        if (namespacePath != null)
        {
            command.addAll(List.of("nsenter", "--net=" + namespacePath));
        }
        command.add("nft");
        command.addAll(arguments);
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException e)
        {
            throw new IOException("the kernel ingress drop needs nft" + (namespacePath == null ? "" : " and nsenter") +
                ": apt-get install nftables, or open the interface without it (" + e.getMessage() + ")", e);
        }
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try
        {
            if (process.waitFor() != 0)
            {
                throw new IOException(String.join(" ", command) + " failed (it needs root or CAP_NET_ADMIN): " +
                    output);
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running nft", e);
        }
    }
}
