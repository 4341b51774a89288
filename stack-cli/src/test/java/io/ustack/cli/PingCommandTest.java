package io.ustack.cli;

import io.ustack.runtime.interop.KernelPeerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ustack ping} on AF_PACKET against the Linux kernel in a private namespace pair (TESTING.md). */
@Tag("netns")
@DisplayName("ustack ping against the Linux kernel")
class PingCommandTest
{
    private static final String USTACK = "198.18.7.1";
    private static final String KERNEL = "198.18.7.2";

    private static KernelPeerNetwork network;

    @BeforeAll
    static void network() throws Exception
    {
        network = KernelPeerNetwork.create();
        network.addVeth("pa", "pb", KERNEL + "/24", false);
    }

    @AfterAll
    static void removeNetwork()
    {
        if (network != null)
        {
            network.close();
        }
    }

    /** Runs the command line, returning exit code and everything printed. */
    private static Object[] run(final String... args)
    {
        final CliRun result = CliRun.run(args);
        return new Object[]{result.code, result.out + result.err};
    }

    @Test
    @DisplayName("RFC 792: three echoes to the kernel all come back, printed like ping(8)")
    void pingsTheKernel()
    {
        final Object[] result = run("ping", KERNEL, "--iface", "pa", "--netns", network.ustackNamespace(),
            "--addr", USTACK + "/24", "-c", "3", "-i", "10", "-s", "1000");
        final String output = (String)result[1];
        assertEquals(0, result[0], output);
        assertTrue(output.contains("3 packets transmitted, 3 received, 0% packet loss"), output);
        assertTrue(output.contains("1008 bytes from " + KERNEL), output);
    }

    @Test
    @DisplayName("the AF_PACKET ring options reach the driver: V3 blocks, sendmmsg, blocking poll, a small ring")
    void pingsWithRingOptions()
    {
        final Object[] result = run("ping", KERNEL, "--iface", "pa", "--netns", network.ustackNamespace(),
            "--addr", USTACK + "/24", "-c", "3", "-i", "10", "-s", "1000", "--rx-ring", "V3", "--block-timeout-ms",
            "2", "--tx-mode", "SENDMMSG", "--poll-mode", "BLOCKING", "--poll-timeout-ms", "5", "--frame-size", "4096",
            "--block-size", "65536", "--ring-frames", "64");
        final String output = (String)result[1];
        assertEquals(0, result[0], output);
        assertTrue(output.contains("3 packets transmitted, 3 received, 0% packet loss"), output);
    }

    @Test
    @DisplayName("a host nobody answers ARP for: every echo unreachable, exit 1")
    void unreachableHost()
    {
        final Object[] result = run("ping", "198.18.7.99", "--iface", "pa", "--netns", network.ustackNamespace(),
            "--addr", USTACK + "/24", "-c", "1", "-W", "5000");
        assertEquals(1, result[0], (String)result[1]);
        assertTrue(((String)result[1]).contains("destination unreachable"), (String)result[1]);
    }

    @Test
    @DisplayName("a missing interface is a one-line error saying so, exit 2, no stack trace")
    void missingInterface()
    {
        final Object[] result = run("ping", KERNEL, "--iface", "nosuch0", "--netns", network.ustackNamespace(),
            "--addr", USTACK + "/24", "-c", "1");
        final String output = (String)result[1];
        assertEquals(2, result[0], output);
        assertTrue(output.contains("nosuch0"), output);
        assertTrue(!output.contains("\tat "), "no stack trace: " + output);
    }

    @Test
    @DisplayName("a name without --dns, or a bad prefix, is refused with what to give instead")
    void badArguments()
    {
        Object[] result = run("ping", "host.example", "--iface", "pa", "--netns", network.ustackNamespace(),
            "--addr", USTACK + "/24");
        assertEquals(2, result[0], (String)result[1]);
        assertTrue(((String)result[1]).contains("--dns"), (String)result[1]);
        result = run("ping", KERNEL, "--iface", "pa", "--netns", network.ustackNamespace(), "--addr", USTACK + "/99");
        assertEquals(2, result[0], (String)result[1]);
        assertTrue(((String)result[1]).contains("0..32"), (String)result[1]);
    }
}
