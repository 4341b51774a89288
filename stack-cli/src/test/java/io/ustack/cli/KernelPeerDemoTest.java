package io.ustack.cli;

import io.ustack.runtime.interop.KernelPeerNetwork;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
}
