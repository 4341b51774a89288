package io.ustack.cli.bench;

import io.ustack.runtime.interop.KernelPeerNetwork;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ustack bench} on real links (root): AF_PACKET over a veth and TAP through a bridge carry the cases, the
 * kernel reference runs beside them, and no network namespace is left behind.
 */
@Tag("netns")
@DisplayName("ustack bench on AF_PACKET and TAP")
class BenchLinksTest
{
    private static String ourNamespaces() throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        final String list = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        final String ours = "ustack-bench-" + ProcessHandle.current().pid() + "-";
        return String.join("\n", list.lines().filter(l -> l.startsWith(ours)).toList());
    }

    @Test
    @DisplayName("af_packet at MTU 1500 and 9000, and tap: each case moves data, the kernel reference runs, " +
        "no namespace remains")
    @SuppressWarnings("unchecked")
    void realLinksCarryTheCasesAndCleanUp(@TempDir final Path dir) throws Exception
    {
        KernelPeerNetwork.create().close(); // skips without root, fails under CI=true (TESTING.md)
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int code;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            code = new CommandLine(new BenchCommand()).execute("--link", "af_packet,tap", "--mtu", "1500,9000",
                "--mode", "SHARED", "--ring", "DISRUPTOR", "--idle", "BACKOFF", "--cc", "newreno", "--nagle", "on",
                "--ack", "delayed", "--warmup-ms", "200", "--window-ms", "200", "--repeats", "2", "--rr-messages",
                "100", "--idle-connections", "none", "--garbage-bytes", "0", "--out", dir.toString());
        }
        finally
        {
            System.setOut(stdout);
        }
        final String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        final Map<String, Object> json = (Map<String, Object>)JsonReader.parse(
            Files.readString(dir.resolve(BenchReport.JSON)));
        final List<Object> cases = (List<Object>)json.get("cases");
        assertEquals(List.of("baseline", "mtu=9000", "link=tap"), cases.stream()
            .map(c -> ((Map<String, Object>)c).get("label")).toList(), text);
        for (final Object c : cases)
        {
            final Map<String, Object> result = (Map<String, Object>)c;
            assertEquals(Boolean.TRUE, result.get("ok"), result.toString());
            assertTrue((Double)((Map<String, Object>)result.get("throughputMbps")).get("mean") > 0, result.toString());
            assertEquals(Boolean.TRUE, result.get("shutdownClean"), result.toString());
        }
        assertEquals("af_packet", ((Map<String, Object>)((Map<String, Object>)cases.get(0)).get("config"))
            .get("link"));
        final Map<String, Object> kernel = (Map<String, Object>)json.get("kernelReference");
        assertTrue((Double)((Map<String, Object>)kernel.get("throughputMbps")).get("mean") > 0, kernel.toString());
        assertFalse(kernel.containsKey("ustackOverKernel"), "no in-memory case ran, so no ratio: " + kernel);
        assertEquals("", ourNamespaces(), "every bench namespace is removed");
    }

    @Test
    @DisplayName("closing a bench network kills what runs inside and deletes its namespaces, once")
    void closeKillsProgramsAndDeletesNamespaces() throws Exception
    {
        KernelPeerNetwork.create().close(); // skips without root, fails under CI=true (TESTING.md)
        final BenchNetwork network = BenchNetwork.create();
        final String namespace;
        final Process sleeper;
        try
        {
            namespace = network.namespace("t");
            assertTrue(ourNamespaces().contains(namespace), ourNamespaces());
            sleeper = network.start(namespace, "sh", "-c", "echo " + KernelTcpPeer.READY + "; exec sleep 600")
                .process();
            assertTrue(sleeper.isAlive());
        }
        finally
        {
            network.close();
        }
        assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS), "the program inside was killed");
        assertEquals("", ourNamespaces());
        network.close();
        assertEquals(List.of(), network.namespaces());
    }
}
