package io.ustack.cli;

import io.ustack.runtime.interop.KernelPeerNetwork;

import java.nio.file.Path;

/** What the kernel-peer tests of the command line check: SHA-256 of what moved, and no TCP connection left stuck. */
final class InteropChecks
{
    private InteropChecks()
    {
    }

    static String sha256(final Path file)
    {
        return Sha256.of(file);
    }

    /** SHA-256 of the first {@code n} bytes of {@link BytesPattern}, what {@code GET /bytes/N} must deliver. */
    static String patternSha256(final long n)
    {
        return Sha256.pattern(n);
    }

    /**
     * Waits up to {@code seconds} for the kernel's TCP sockets to be only LISTEN or TIME-WAIT (normal on whichever
     * side closed first); fails with ss's output if any other state (SYN-*, ESTAB, FIN-WAIT-*, CLOSE-WAIT, CLOSING,
     * LAST-ACK) is left.
     */
    static void assertNoConnectionStuck(final KernelPeerNetwork network, final int seconds) throws Exception
    {
        String ss = "";
        for (int i = 0; i < seconds * 10; i++)
        {
            ss = network.inKernel("ss", "-tan");
            if (ss.lines().skip(1).allMatch(l -> l.startsWith("LISTEN") || l.startsWith("TIME-WAIT")))
            {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("connections stuck in the kernel's namespace:\n" + ss);
    }
}
