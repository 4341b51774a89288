package io.ustack.bench.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An interface whose transmit function frees every frame and counts it, for the "out" measurement without any
 * receive path behind the sender: what is left is the driver under test and the kernel's AF_PACKET send path. Created
 * in the harness's own network namespace (run-driver.sh's private one, so it also goes when that namespace goes) and
 * removed on {@link #close()}.
 *
 * <p>A {@code dummy} link when the kernel has it ({@code dummy_xmit} counts {@code tx_packets} and frees the skb).
 * Without it (this machine's kernel is built without CONFIG_DUMMY) an {@code ifb} link: {@code ifb_xmit} counts
 * {@code rx_packets}, then frees a frame that no tc action redirected to it and counts it in {@code rx_dropped},
 * before any queueing. Both are brought up with {@code txqueuelen 0}, so no qdisc sits in front of their transmit
 * function for senders that do not bypass it (libpcap, sendmmsg).
 */
final class DummySink implements AutoCloseable
{
    private final String name;
    private final String kind;

    private DummySink(final String name, final String kind)
    {
        this.name = name;
        this.kind = kind;
    }

    /** Creates and brings up interface {@code name}: a dummy link, or an ifb link where the kernel has no dummy. */
    static DummySink create(final String name) throws IOException, InterruptedException
    {
        if (Files.exists(Path.of("/sys/class/net", name)))
        {
            throw new IOException("interface " + name + " exists already (a harness run that did not clean up? " +
                "remove it with `ip link del " + name + "`)");
        }
        String kind = "dummy";
        if (!ip(false, "link", "add", name, "txqueuelen", "0", "type", "dummy"))
        {
            kind = "ifb";
            ip(true, "link", "add", name, "txqueuelen", "0", "type", "ifb");
        }
        final DummySink sink = new DummySink(name, kind);
        try
        {
            ip(true, "link", "set", name, "up");
        }
        catch (final IOException | InterruptedException e)
        {
            sink.close();
            throw e;
        }
        return sink;
    }

    /** The interface to send on. */
    String name()
    {
        return name;
    }

    /** {@code dummy} or {@code ifb}. */
    String kind()
    {
        return kind;
    }

    /** Frames the interface's transmit function has taken (and freed) so far. */
    long taken() throws IOException
    {
        return counter(kind.equals("dummy") ? "tx_packets" : "rx_packets");
    }

    /** Frames it counted as dropped: all of them on an ifb, none on a dummy (which counts nothing as dropped). */
    long dropped() throws IOException
    {
        return counter(kind.equals("dummy") ? "tx_dropped" : "rx_dropped");
    }

    private long counter(final String counter) throws IOException
    {
        return Long.parseLong(Files.readString(Path.of("/sys/class/net", name, "statistics", counter)).trim());
    }

    /** Runs {@code ip ARGS}; false (or, with {@code required}, an error with ip's message) when it fails. */
    private static boolean ip(final boolean required, final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        final boolean done = process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        if (!done && required)
        {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
        return done;
    }

    /** Deletes the interface. */
    @Override
    public void close()
    {
        try
        {
            ip(true, "link", "del", name);
        }
        catch (final IOException | InterruptedException e)
        {
            System.err.println("could not remove the dummy sink: " + e.getMessage());
        }
    }
}
