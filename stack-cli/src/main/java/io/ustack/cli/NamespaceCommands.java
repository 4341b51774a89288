package io.ustack.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Running the commands that build private test networks ({@code ip}, {@code ethtool}, a program inside a namespace),
 * shared by {@code ustack demo --kernel-peer} and {@code ustack bench}: is this process root, is a tool on the PATH,
 * run a command to its end within a time limit with its output in the error when it fails.
 */
public final class NamespaceCommands
{
    private NamespaceCommands()
    {
    }

    /** True when this process runs as root (effective uid 0), which network namespaces, AF_PACKET and TAP need. */
    public static boolean isRoot()
    {
        try
        {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(line -> line.matches("Uid:\\s+\\d+\\s+0\\s.*"));
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot read /proc/self/status: " + e.getMessage(), e);
        }
    }

    /** True when {@code tool} is an executable in a directory of the PATH. */
    public static boolean onPath(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
        {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code command} to its end and returns its output (stdout and stderr together).
     *
     * @param timeoutSeconds how long it may run before it is killed
     * @param tracker        when not null, told {@code (process, true)} once it started and {@code (process, false)}
     *                       once it ended, so an owner can kill it on close
     * @throws IllegalStateException when it cannot start, runs too long or exits non-zero, with its output
     */
    public static String run(final long timeoutSeconds, final BiConsumer<Process, Boolean> tracker,
        final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (tracker != null)
            {
                tracker.accept(process, true);
            }
            final ByteArrayOutputStream output = new ByteArrayOutputStream();
            final Thread reader = new Thread(() ->
            {
                try
                {
                    process.getInputStream().transferTo(output);
                }
                catch (final IOException e)
                {
                    // killed: what it printed so far goes into the message
                }
            }, "ustack-command-output");
            reader.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                reader.join(1_000);
                throw new IllegalStateException(String.join(" ", command) + " took longer than " + timeoutSeconds
                    + " s: " + output.toString(StandardCharsets.UTF_8).strip());
            }
            reader.join(5_000);
            if (tracker != null)
            {
                tracker.accept(process, false);
            }
            final String text = output.toString(StandardCharsets.UTF_8);
            if (process.exitValue() != 0)
            {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": "
                    + text.strip());
            }
            return text;
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }

    /** Kills each process and waits up to 5 s for each to end. */
    public static void killAll(final List<Process> processes)
    {
        for (final Process process : processes)
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Deletes the network namespaces, the last made first (which deletes their interfaces); one that will not go is
     * reported on stderr under {@code who} and the rest are still deleted. Never throws.
     */
    public static void deleteNamespaces(final List<String> namespaces, final String who)
    {
        for (int i = namespaces.size() - 1; i >= 0; i--)
        {
            try
            {
                run(30, null, "ip", "netns", "del", namespaces.get(i));
            }
            catch (final RuntimeException e)
            {
                System.err.println(who + ": could not delete network namespace " + namespaces.get(i) + ": "
                    + e.getMessage());
            }
        }
    }
}
