package io.ustack.cli.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import io.ustack.cli.NamespaceCommands;
import picocli.CommandLine;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ustack bench}: the quick run writes valid results; bad arguments get messages that say what to fix. */
@DisplayName("ustack bench")
class BenchCommandTest
{
    private static final class Run
    {
        int code;
        String out;
        String err;

        @Override
        public String toString()
        {
            return "exit " + code + "\nstdout:\n" + out + "\nerr:\n" + err;
        }
    }

    private static Run bench(final String... args)
    {
        return bench(new BenchCommand(), args);
    }

    private static Run bench(final BenchCommand command, final String... args)
    {
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final StringWriter err = new StringWriter();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            final CommandLine commandLine = new CommandLine(command);
            commandLine.setErr(new PrintWriter(err, true));
            final Run run = new Run();
            run.code = commandLine.execute(args);
            run.out = out.toString(StandardCharsets.UTF_8);
            run.err = err.toString();
            return run;
        }
        finally
        {
            System.setOut(stdout);
        }
    }

    @Test
    @DisplayName("--quick runs every part and writes results.json (schema fields, positive figures), results.md and results.svg")
    @SuppressWarnings("unchecked")
    void quickRunWritesValidResults(@TempDir final Path dir) throws Exception
    {
        final boolean root = NamespaceCommands.isRoot();
        final boolean withAfPacket = root && "true".equals(System.getenv("CI"));
        final int caseCount = withAfPacket ? 5 : 4;
        final Run run = bench("--quick", "--out", dir.toString());
        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.contains("[case 1/" + caseCount + "] baseline"), run.out);
        assertTrue(run.out.contains("left)"), "progress shows an estimate of the time left:\n" + run.out);

        final Map<String, Object> json = (Map<String, Object>)JsonReader.parse(
            Files.readString(dir.resolve(BenchReport.JSON)));
        assertEquals(BenchReport.SCHEMA, json.get("schema"));
        assertEquals(Boolean.TRUE, json.get("complete"));
        final Map<String, Object> machine = (Map<String, Object>)json.get("machine");
        for (final String field : List.of("jdk", "cpu", "cpus", "kernel", "gitCommit"))
        {
            assertNotNull(machine.get(field), "machine." + field);
        }
        final List<Object> cases = (List<Object>)json.get("cases");
        assertEquals(caseCount, cases.size(), "--quick: SHARED baseline, DEDICATED, INVOKER, AGRONA" +
            (withAfPacket ? ", and af_packet under CI=true as root" : ""));
        assertEquals(withAfPacket, cases.stream().anyMatch(c -> "link=af_packet".equals(
            ((Map<String, Object>)c).get("label"))), cases.toString());
        assertEquals(((Map<String, Object>)cases.get(0)).get("label"), "baseline");
        for (final Object c : cases)
        {
            final Map<String, Object> result = (Map<String, Object>)c;
            assertEquals(Boolean.TRUE, result.get("ok"), result.toString());
            for (final String figure : List.of("throughputMbps", "rttP50Us", "rttP99Us"))
            {
                final Map<String, Object> estimate = (Map<String, Object>)result.get(figure);
                assertTrue((Double)estimate.get("mean") > 0, figure + " " + estimate);
                assertTrue((Double)estimate.get("error") >= 0, figure + " " + estimate);
                assertEquals(3.0, estimate.get("n"), figure);
            }
            final Map<String, Object> ratio = (Map<String, Object>)result.get("ratioToBaseline");
            assertTrue((Double)((Map<String, Object>)ratio.get("throughput")).get("mean") > 0, ratio.toString());
            assertTrue(((Map<String, Object>)result.get("config")).keySet().containsAll(
                List.of("mode", "ring", "idle", "mtu", "cc", "nagle", "ackPolicy", "link")), result.toString());
        }
        assertKernelReference(json, root);

        final Map<String, Object> idle = (Map<String, Object>)json.get("idleConnections");
        final List<Object> profiles = (List<Object>)idle.get("profiles");
        assertEquals(List.of("default", "small"), profiles.stream().map(p -> ((Map<String, Object>)p).get("name"))
            .toList());
        final List<Double> perEnd = new java.util.ArrayList<>();
        for (final Object p : profiles)
        {
            final List<Object> steps = (List<Object>)((Map<String, Object>)p).get("steps");
            assertEquals(2, steps.size(), "--quick targets 1000 and 10000: " + p);
            for (final Object s : steps)
            {
                final Map<String, Object> step = (Map<String, Object>)s;
                assertTrue((Double)step.get("reached") > 0, step.toString());
                assertTrue((Double)step.get("bytesPerEnd") > 0, step.toString());
                assertTrue((Double)step.get("endsPerGiB") > 0, step.toString());
            }
            final Map<String, Object> last = (Map<String, Object>)steps.get(1);
            assertNotNull(last.get("limitedBy"), "the 96 MiB budget cannot hold 10,000 connections: " + last);
            perEnd.add((Double)last.get("bytesPerEnd"));
        }
        assertTrue(perEnd.get(1) < perEnd.get(0) / 4, "4 KiB rings and buffers cost far less than the 256 KiB " +
            "rings and 64 KiB buffers of the defaults: " + perEnd);
        final Map<String, Object> garbage = (Map<String, Object>)json.get("garbage");
        assertTrue((Double)garbage.get("measuredBytes") > 0, garbage.toString());
        assertTrue((Double)garbage.get("seconds") > 0, garbage.toString());
        assertTrue((Double)garbage.get("stackThreads") >= 1, garbage.toString());
        assertTrue((Double)garbage.get("youngGcCount") >= 0, garbage.toString());

        final String markdown = Files.readString(dir.resolve(BenchReport.MARKDOWN));
        assertTrue(markdown.contains("| case | mode | ring |"), markdown);
        assertTrue(markdown.contains("| mode=INVOKER |"), markdown);
        assertTrue(markdown.contains("Memory per idle connection"), markdown);
        assertEquals(root, markdown.contains("| ustack in-memory / kernel-veth |"), markdown);
        final Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(dir.resolve(BenchReport.SVG).toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName());
        assertEquals(caseCount * 3, svg.getElementsByTagName("rect").getLength() - 1,
            "a background, then per case a throughput, a p50 and a p99 bar");
    }

    /** As root the kernel reference ran, with figures and ustack's ratio to it; without root it is listed skipped. */
    @SuppressWarnings("unchecked")
    static void assertKernelReference(final Map<String, Object> json, final boolean root)
    {
        final Map<String, Object> kernel = (Map<String, Object>)json.get("kernelReference");
        final List<Object> skipped = (List<Object>)json.get("skipped");
        if (!root)
        {
            assertEquals(null, kernel);
            assertTrue(skipped.stream().anyMatch(s -> s.toString().startsWith("kernel reference")),
                skipped.toString());
            return;
        }
        assertNotNull(kernel, json.toString());
        assertEquals(null, kernel.get("error"), kernel.toString());
        for (final String figure : List.of("throughputMbps", "rttP50Us", "rttP99Us"))
        {
            assertTrue((Double)((Map<String, Object>)kernel.get(figure)).get("mean") > 0, figure + " " + kernel);
        }
        final Map<String, Object> ratio = (Map<String, Object>)kernel.get("ustackOverKernel");
        assertNotNull(ratio, "a SHARED in-memory case at the same MTU to compare with: " + kernel);
        assertTrue((Double)((Map<String, Object>)ratio.get("throughput")).get("mean") > 0, ratio.toString());
    }

    @Test
    @DisplayName("without root: the af_packet and tap cases and the kernel reference are skipped, said loudly, listed")
    @SuppressWarnings("unchecked")
    void withoutRootRealLinksAreSkippedAndListed(@TempDir final Path dir) throws Exception
    {
        final BenchCommand command = new BenchCommand();
        command.root = () -> false;
        final Run run = bench(command, "--mode", "SHARED", "--ring", "DISRUPTOR", "--idle", "BACKOFF", "--mtu", "1500",
            "--cc", "newreno", "--nagle", "on", "--ack", "delayed", "--link", "memory,af_packet,tap",
            "--warmup-ms", "100", "--window-ms", "100", "--repeats", "2", "--rr-messages", "50",
            "--idle-connections", "none", "--garbage-bytes", "0", "--out", dir.toString());
        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.contains("SKIPPED 3 part(s) of the run, which need root"), run.out);
        assertTrue(run.out.contains("link af_packet needs root") && run.out.contains("link tap needs root"), run.out);
        assertTrue(run.out.contains("[case 1/1] baseline"), run.out);
        final Map<String, Object> json = (Map<String, Object>)JsonReader.parse(
            Files.readString(dir.resolve(BenchReport.JSON)));
        assertEquals(1, ((List<Object>)json.get("cases")).size());
        assertEquals(3, ((List<Object>)json.get("skipped")).size(), json.get("skipped").toString());
        assertKernelReference(json, false);
        assertTrue(Files.readString(dir.resolve(BenchReport.MARKDOWN)).contains("**Skipped**"));
    }

    @Test
    @DisplayName("without root, a run of real links only is refused: exit 2 and what to do")
    void withoutRootOnlyRealLinksIsRefused()
    {
        final BenchCommand command = new BenchCommand();
        command.root = () -> false;
        final Run run = bench(command, "--link", "af_packet", "--mode", "SHARED");
        assertEquals(2, run.code, run.toString());
        assertTrue(run.err.contains("every case needs root (--link af_packet): run as root, or add memory"),
            run.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "--mode FOO;               --mode FOO: use one of INVOKER, SHARED, DEDICATED",
        "--ring SHARED,LMAX;       --ring SHARED: use one of",
        "--idle SPIN;              --idle SPIN: use one of",
        "--mtu 1500,12000;         --mtu 12000: use an IP MTU from 576 to 9000",
        "--mtu jumbo;              --mtu jumbo: not a whole number",
        "--cc newreno,nosuch;      --cc nosuch: no congestion control by that name; installed:",
        "--ack sometimes;          --ack sometimes: no ACK policy by that name; installed:",
        "--nagle maybe;            --nagle maybe: use on or off",
        "--garbage-bytes 12X;      --garbage-bytes 12X: give a byte count such as",
        "--garbage-bytes 100;      --garbage-bytes 100: use at least 1MiB, or 0 to skip",
        "--repeats 0;              --repeats 0: use at least 1",
        "--idle-connections 0,5;   --idle-connections 0: use 1 to 1000000",
        "--matrix diagonal;        --matrix diagonal: use vary-one or cross",
        "--baseline speed=1;       no axis 'speed'",
        "--baseline mode;          give axis=value pairs",
        "--link ethernet;          --link ethernet: use one of MEMORY, AF_PACKET, TAP",
        "--kernel-reference maybe; --kernel-reference maybe: use on or off",
        "--idle-ring-bytes 1KiB;   --idle-ring-bytes 1KiB: use 4KiB to 64MiB",
        "--idle-buffer-bytes 12X;  --idle-buffer-bytes 12X: give a byte count such as",
        "--mode SHARED,,INVOKER;   an empty value"})
    @DisplayName("bad arguments: exit status 2 and a message naming the option, the value and what to use")
    void badArgumentsAreExplained(final String args, final String message)
    {
        final Run run = bench(args.trim().split(" "));
        assertEquals(2, run.code, run.toString());
        assertTrue(run.err.contains(message.trim()), run.toString());
        assertFalse(run.out.contains("[case"), "nothing ran: " + run.out);
    }

    @Test
    @DisplayName("Ctrl-C (the shutdown hook) writes what finished, marked incomplete, and says so")
    @SuppressWarnings("unchecked")
    void interruptWritesWhatFinished(@TempDir final Path dir) throws Exception
    {
        final BenchSettings settings = new BenchSettings(true, BenchMatrix.Shape.VARY_ONE, 0, 1, 1, 1, 1, List.of(),
            1, 0, false, 4096, 4096);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BenchCase only = BenchMatrixTest.baselineCase();
        final BenchRun run = new BenchRun(new PrintStream(out, true, StandardCharsets.UTF_8), settings,
            List.of(only), List.of(), dir);
        run.onInterrupt();
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("interrupted: wrote the 0 finished cases"),
            out.toString(StandardCharsets.UTF_8));
        final Map<String, Object> json = (Map<String, Object>)JsonReader.parse(
            Files.readString(dir.resolve(BenchReport.JSON)));
        assertEquals(Boolean.FALSE, json.get("complete"));
        assertEquals(List.of(), json.get("cases"));
        assertTrue(Files.readString(dir.resolve(BenchReport.MARKDOWN)).contains("**Interrupted**"));
        run.onInterrupt();
        assertEquals(1, out.toString(StandardCharsets.UTF_8).split("interrupted:", -1).length - 1,
            "the files are written once");
    }
}
