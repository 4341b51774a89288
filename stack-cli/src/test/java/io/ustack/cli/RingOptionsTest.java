package io.ustack.cli;

import io.ustack.link.packet.AfPacketConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AF_PACKET ring options of serve, get, ping and demo --kernel-peer: applied as given, refused with the option. */
@DisplayName("AF_PACKET ring options on the command line")
class RingOptionsTest
{
    private static final String[] SERVE = {"serve", "--iface", "nosuch0", "--addr", "198.18.9.1/24", "--app", "echo"};

    private static RingOptions parse(final String... args)
    {
        return CommandLine.populateCommand(new RingOptions(), args);
    }

    private static AfPacketConfig config(final String... args)
    {
        return parse(args).applyTo(AfPacketConfig.builder("ua"));
    }

    private static void assertRefused(final String expected, final String... ringArgs)
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> config(ringArgs));
        assertTrue(error.getMessage().startsWith(expected), error.getMessage());
    }

    private static String[] serveWith(final String... ringArgs)
    {
        final String[] args = new String[SERVE.length + ringArgs.length];
        System.arraycopy(SERVE, 0, args, 0, SERVE.length);
        System.arraycopy(ringArgs, 0, args, SERVE.length, ringArgs.length);
        return args;
    }

    @Test
    @DisplayName("no ring options: the driver's defaults (V2, ring + sendto, 2048 x 1024, busy poll)")
    void defaultsWhenNotGiven()
    {
        final AfPacketConfig config = config();
        final AfPacketConfig defaults = AfPacketConfig.builder("ua").build();
        assertEquals(defaults.toString(), config.toString());
        assertEquals(List.of(), parse().asArguments());
    }

    @Test
    @DisplayName("every given option reaches the endpoint's configuration")
    void everyOptionApplied()
    {
        final AfPacketConfig config = config("--rx-ring", "V3", "--tx-mode", "SENDMMSG", "--frame-size", "4096",
            "--block-size", "131072", "--ring-frames", "512", "--block-timeout-ms", "4", "--poll-mode", "BLOCKING",
            "--poll-timeout-ms", "7", "--ingress-drop");
        assertEquals(AfPacketConfig.RxRingVersion.V3, config.rxRingVersion());
        assertTrue(config.kernelIngressDrop());
        assertEquals(AfPacketConfig.TxMode.SENDMMSG, config.txMode());
        assertEquals(4096, config.frameSize());
        assertEquals(131072, config.blockSize());
        assertEquals(512, config.frameCount());
        assertEquals(4, config.blockTimeoutMs());
        assertEquals(AfPacketConfig.PollMode.BLOCKING, config.pollMode());
        assertEquals(7, config.pollTimeoutMs());
    }

    @Test
    @DisplayName("blocking without a timeout waits 1 ms; the options pass on to another command unchanged")
    void blockingDefaultAndRoundTrip()
    {
        assertEquals(1, config("--poll-mode", "BLOCKING").pollTimeoutMs());
        final RingOptions given = parse("--rx-ring", "V3", "--block-timeout-ms", "0", "--ring-frames", "64",
            "--poll-mode", "BLOCKING", "--poll-timeout-ms", "3", "--tx-mode", "SENDMMSG", "--ingress-drop");
        final List<String> arguments = given.asArguments();
        assertTrue(arguments.contains("--ingress-drop"), arguments::toString);
        assertEquals(given.applyTo(AfPacketConfig.builder("ua")).toString(),
            parse(arguments.toArray(new String[0])).applyTo(AfPacketConfig.builder("ua")).toString());
    }

    @Test
    @DisplayName("a value out of range names the option, the value and what would do")
    void outOfRangeNamesTheOption()
    {
        assertRefused("--frame-size 100: must be a multiple of 16", "--frame-size", "100");
        assertRefused("--block-size 5000: must be a multiple of the page size 4096", "--block-size", "5000");
        assertRefused("--block-size 4096: must be a multiple of the page size 4096 and of --frame-size 3072",
            "--frame-size", "3072", "--block-size", "4096");
        assertRefused("--ring-frames 33: must be a positive multiple of 32", "--ring-frames", "33");
        assertRefused("--ring-frames 0: must be", "--ring-frames", "0");
        assertRefused("--block-timeout-ms 2000: must be 0..1000", "--rx-ring", "V3", "--block-timeout-ms", "2000");
        assertRefused("--poll-timeout-ms 0: must be at least 1", "--poll-mode", "BLOCKING", "--poll-timeout-ms",
            "0");
    }

    @Test
    @DisplayName("an option that has no effect with the others is refused, saying which one to add or drop")
    void optionWithoutEffectRefused()
    {
        assertRefused("--block-timeout-ms applies to --rx-ring V3 only", "--block-timeout-ms", "2");
        assertRefused("--block-timeout-ms applies to --rx-ring V3 only", "--rx-ring", "V2", "--block-timeout-ms",
            "2");
        assertRefused("--poll-timeout-ms applies to --poll-mode BLOCKING only", "--poll-timeout-ms", "5");
        assertRefused("--poll-timeout-ms applies to --poll-mode BLOCKING only", "--poll-mode", "BUSY_POLL",
            "--poll-timeout-ms", "5");
    }

    @Test
    @DisplayName("serve, get and ping refuse bad ring options in one line, exit 2, before opening the interface")
    void commandsRefuseInOneLine()
    {
        for (final String[] args : List.of(serveWith("--frame-size", "100"),
            new String[]{"get", "http://198.18.9.2/", "--iface", "nosuch0", "--addr", "198.18.9.1/24",
                "--ring-frames", "33"},
            new String[]{"ping", "198.18.9.2", "--iface", "nosuch0", "--addr", "198.18.9.1/24",
                "--poll-timeout-ms", "5"}))
        {
            final CliRun result = CliRun.run(args);
            assertEquals(2, result.code, result.toString());
            assertEquals(1, result.err.strip().lines().count(), "one line: " + result);
            assertTrue(result.err.contains("--"), result.toString());
            assertTrue(!result.err.contains("nosuch0"), "refused before the interface was looked up: " + result);
        }
    }

    @Test
    @DisplayName("an unknown ring format or transmit mode lists the known ones")
    void unknownEnumListsChoices()
    {
        CliRun result = CliRun.run(serveWith("--rx-ring", "V4"));
        assertEquals(2, result.code, result.toString());
        assertTrue(result.err.contains("V2, V3"), result.toString());
        result = CliRun.run(serveWith("--tx-mode", "WRITE"));
        assertEquals(2, result.code, result.toString());
        assertTrue(result.err.contains("RING_SENDTO, SENDMMSG, RING_COPY, RING_GSO"), result.toString());
    }

    @Test
    @DisplayName("demo without --kernel-peer has no interface: ring options are refused, not ignored")
    void inMemoryDemoRefusesRingOptions()
    {
        final CliRun result = CliRun.run("demo", "--rx-ring", "V3");
        assertEquals(2, result.code, result.toString());
        assertTrue(result.err.contains("--rx-ring V3: AF_PACKET ring options apply to --kernel-peer only"),
            result.toString());
    }

    @Test
    @DisplayName("demo --kernel-peer checks ring options before it creates any namespace")
    void kernelPeerDemoChecksFirst()
    {
        final CliRun result = CliRun.run("demo", "--kernel-peer", "--block-size", "1000");
        assertEquals(2, result.code, result.toString());
        assertTrue(result.err.contains("--block-size 1000: must be a multiple"), result.toString());
        assertTrue(!result.out.contains("bytes each way"), "nothing started: " + result);
    }
}
