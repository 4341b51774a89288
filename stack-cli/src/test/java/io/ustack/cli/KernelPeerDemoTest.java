package io.ustack.cli;

import io.ustack.runtime.interop.KernelPeerNetwork;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ustack demo --kernel-peer}: builds its own namespace pair, moves data both ways against the kernel with
 * SHA-256 checks, and leaves no namespace behind, also when a step fails.
 */
@Tag("netns")
@DisplayName("ustack demo --kernel-peer")
class KernelPeerDemoTest
{
    private static String namespaces() throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        final String list = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return list;
    }

    private static java.util.Set<String> demoTempDirectories() throws IOException
    {
        try (var files = java.nio.file.Files.list(Path.of(System.getProperty("java.io.tmpdir"))))
        {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ustack-demo-"))
                .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static String ours()
    {
        return "ustack-demo-" + ProcessHandle.current().pid() + "-";
    }

    @Test
    @DisplayName("8 MiB each way, both SHA-256 equal, exit 0, and the namespaces are gone afterwards")
    void transfersBothWaysAndCleansUp() throws Exception
    {
        KernelPeerNetwork.create().close(); // skips without root, fails under CI=true (TESTING.md)
        final CliRun run = CliRun.run("demo", "--kernel-peer", "--kernel-bytes", Long.toString(8L << 20));
        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.contains("ustack -> kernel") && run.out.contains("kernel -> ustack"), run.out);
        assertEquals(2, run.out.split("  equal", -1).length - 1, run.out);
        assertTrue(run.out.contains("result: OK"), run.out);
        assertTrue(run.out.contains("network namespaces removed"), run.out);
        assertFalse(namespaces().contains(ours()), namespaces());
    }

    @Test
    @DisplayName("a failing step is an IllegalStateException with its output; close() still removes the namespaces")
    void failureStillRemovesNamespaces() throws Exception
    {
        KernelPeerNetwork.create().close();
        final DemoNetwork network = DemoNetwork.create();
        try
        {
            assertTrue(network.exists());
            assertTrue(namespaces().contains(ours() + "a") && namespaces().contains(ours() + "b"), namespaces());
            final IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> network.inKernel("ip", "link", "set", "nosuch0", "up"));
            assertTrue(failure.getMessage().contains("nosuch0"), failure.getMessage());
        }
        finally
        {
            network.close();
        }
        assertFalse(network.exists());
        assertFalse(namespaces().contains(ours()), namespaces());
        network.close(); // idempotent
    }

    @Test
    @DisplayName("SIGTERM in the middle of a transfer: the process ends and its namespaces are gone")
    void sigtermRemovesNamespaces() throws Exception
    {
        KernelPeerNetwork.create().close();
        final java.util.Set<String> tempBefore = demoTempDirectories();
        final Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            UstackCommand.class.getName(), "demo", "--kernel-peer", "--kernel-bytes", Long.toString(1L << 40))
            .redirectErrorStream(true).start();
        try
        {
            final BufferedReader lines = new BufferedReader(new InputStreamReader(demo.getInputStream(),
                StandardCharsets.UTF_8));
            final StringBuilder output = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("serving http"))
            {
                output.append(line).append('\n');
            }
            assertTrue(line != null, "the demo ended before serving:\n" + output);
            final String prefix = "ustack-demo-" + demo.pid() + "-";
            assertTrue(namespaces().contains(prefix + "a"), namespaces());
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(demo.pid())).start().waitFor());
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo did not end after SIGTERM");
            assertFalse(namespaces().contains(prefix), namespaces());
            assertEquals(tempBefore, demoTempDirectories(), "the demo's temporary directory is left behind");
        }
        finally
        {
            demo.destroyForcibly();
            demo.waitFor(10, TimeUnit.SECONDS);
            for (final String side : new String[]{"a", "b"})
            {
                final String namespace = "ustack-demo-" + demo.pid() + "-" + side;
                if (namespaces().contains(namespace))
                {
                    new ProcessBuilder("ip", "netns", "del", namespace).start().waitFor(); // only if the test failed
                }
            }
        }
    }
}
