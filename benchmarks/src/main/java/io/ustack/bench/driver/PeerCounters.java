package io.ustack.bench.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An interface's counters as its own network namespace sees them: {@code /proc/PID/net/dev} of a placeholder process
 * ({@code sleep}) started inside that namespace, so each reading is a file read rather than a process start. The
 * frame-rate harness counts delivered frames here, at the receiving end, instead of trusting the sender's count.
 */
final class PeerCounters implements AutoCloseable
{
    /** One reading of the receive side of an interface. */
    record Reading(long rxPackets, long rxDropped, long txPackets, long txDropped)
    {
    }

    private final Process placeholder;
    private final Path netDev;
    private final String iface;

    PeerCounters(final String namespace, final String iface) throws IOException
    {
        this.iface = iface;
        this.placeholder = new ProcessBuilder("ip", "netns", "exec", namespace, "sleep", "1000000")
            .redirectErrorStream(true).start();
        this.netDev = Path.of("/proc", Long.toString(placeholder.pid()), "net", "dev");
        // `ip netns exec` execs sleep in place once it has entered the namespace; wait until the file shows iface.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.readString(netDev).contains(iface + ":"))
        {
            if (System.nanoTime() - deadline > 0 || !placeholder.isAlive())
            {
                close();
                throw new IOException("interface " + iface + " not visible in namespace " + namespace);
            }
            Thread.onSpinWait();
        }
    }

    /** The counters now (columns of /proc/net/dev: rx bytes packets errs drop ... tx bytes packets errs drop ...). */
    Reading read() throws IOException
    {
        for (final String line : Files.readAllLines(netDev))
        {
            final String trimmed = line.trim();
            if (trimmed.startsWith(iface + ":"))
            {
                final String[] f = trimmed.substring(iface.length() + 1).trim().split("\\s+");
                return new Reading(Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[9]),
                    Long.parseLong(f[11]));
            }
        }
        throw new IOException(iface + " vanished from " + netDev);
    }

    @Override
    public void close()
    {
        placeholder.destroy();
    }
}
