package io.ustack.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where the figures come from: JDK, CPU model and count, kernel, and the git commit of the code that ran.
 *
 * @param jdk        java.version and VM name
 * @param cpu        model name from /proc/cpuinfo, or os.arch when there is none
 * @param cpus       processors the JVM may use
 * @param kernel     os.name and os.version
 * @param gitCommit  {@code git rev-parse HEAD} of the checkout the running jar was built in (else of the working
 *                   directory), "+dirty" with uncommitted changes, or "unknown" when neither is a git checkout
 * @param maxHeapBytes the JVM's heap limit
 */
record MachineInfo(String jdk, String cpu, int cpus, String kernel, String gitCommit, long maxHeapBytes)
{
    static MachineInfo detect()
    {
        return new MachineInfo(System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
            cpuModel(), Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name") + " " + System.getProperty("os.version"), detectGitCommit(),
            Runtime.getRuntime().maxMemory());
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            // no /proc here: fall through
        }
        return System.getProperty("os.arch");
    }

    /**
     * The commit of the checkout the jar (or class directory) was built in, so a bench started from another
     * directory still says which code it measured; the working directory's when the code lives elsewhere.
     */
    private static String detectGitCommit()
    {
        final String fromCode = gitCommitOf(codeDirectory());
        if (fromCode != null)
        {
            return fromCode;
        }
        final String fromWorkingDirectory = gitCommitOf(Path.of("."));
        return fromWorkingDirectory != null ? fromWorkingDirectory : "unknown";
    }

    private static Path codeDirectory()
    {
        try
        {
            final Path code = Path.of(MachineInfo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(code) ? code : code.getParent();
        }
        catch (final java.net.URISyntaxException | RuntimeException e) // no code source, or not a file
        {
            return null;
        }
    }

    private static String gitCommitOf(final Path directory)
    {
        if (directory == null)
        {
            return null;
        }
        final String where = directory.toString();
        final String head = run("git", "-C", where, "rev-parse", "HEAD");
        if (head == null || head.isEmpty())
        {
            return null;
        }
        final String status = run("git", "-C", where, "status", "--porcelain", "--untracked-files=no");
        return head + (status != null && !status.isEmpty() ? "+dirty" : "");
    }

    private static String run(final String... command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            final String text;
            try (InputStream in = process.getInputStream())
            {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0)
            {
                process.destroy();
                return null;
            }
            return text;
        }
        catch (final IOException e)
        {
            return null;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
