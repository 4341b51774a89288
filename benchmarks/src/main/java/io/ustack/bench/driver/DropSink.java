package io.ustack.bench.driver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the peer interface a cheap sink for the "out" measurement: an nftables {@code netdev} ingress chain with
 * policy drop, so every frame the driver under test sends ends at the first hook of the peer's receive path,
 * the same for every contender. The peer's {@code rx_packets} still counts each frame (veth counts it when it hands
 * the frame over). {@code tc ... matchall action drop} would do the same; this kernel has neither the matchall
 * classifier nor the gact action built in, nftables' netdev family it has.
 */
final class DropSink implements AutoCloseable
{
    private static final String TABLE = "ustack_frame_sink";

    private final String namespace;

    private DropSink(final String namespace)
    {
        this.namespace = namespace;
    }

    /** Installs the drop chain on {@code iface} in {@code namespace}. */
    static DropSink install(final String namespace, final String iface) throws IOException, InterruptedException
    {
        final DropSink sink = new DropSink(namespace);
        sink.nft("add", "table", "netdev", TABLE);
        try
        {
            sink.nft("add", "chain", "netdev", TABLE, "in", "{ type filter hook ingress device " + iface +
                " priority 0; policy drop; }");
        }
        catch (final IOException e)
        {
            sink.close();
            throw e;
        }
        return sink;
    }

    private void nft(final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "nft"));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    /** Removes the chain and its table. */
    @Override
    public void close()
    {
        try
        {
            nft("delete", "table", "netdev", TABLE);
        }
        catch (final IOException | InterruptedException e)
        {
            System.err.println("could not remove the drop sink: " + e.getMessage());
        }
    }
}
