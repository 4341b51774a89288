package io.ustack.cli;

import io.ustack.api.tcp.TcpPolicies;
import io.ustack.tcp.TcpSettings;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The TCP options of the commands that carry data on a real interface ({@code serve}): congestion control and RTO
 * estimator by name, and the per-connection buffer size, as a picocli mixin. Names are checked against the policies
 * on the class path, so a typo is refused with the list of names there are, before any interface opens.
 */
final class TcpOptions
{
    @Option(names = "--cc", defaultValue = "newreno", description = "Congestion control by name (default "
        + "${DEFAULT-VALUE}); the installed ones are listed when the name is unknown.")
    String congestionControl;

    @Option(names = "--rto", defaultValue = "linux", description = "RTO estimator: rfc6298 (1 s minimum), linux "
        + "(200 ms minimum, as the kernel peer), fixed (default ${DEFAULT-VALUE}).")
    String rtoEstimator;

    @Option(names = "--tcp-buffer", defaultValue = "1048576", description = "Send and receive buffer bytes per "
        + "connection, a power of two (default ${DEFAULT-VALUE}).")
    int bufferBytes;

    /**
     * The settings these options describe.
     *
     * @throws IllegalArgumentException naming the option to fix and what it accepts
     */
    TcpSettings settings()
    {
        final TcpPolicies policies = TcpPolicies.installed();
        requireKnown("--cc", congestionControl, policies.congestionControlNames());
        requireKnown("--rto", rtoEstimator, policies.rtoEstimatorNames());
        if (bufferBytes < 4096 || Integer.bitCount(bufferBytes) != 1)
        {
            throw new IllegalArgumentException("--tcp-buffer " + bufferBytes
                + ": give a power of two of at least 4096, e.g. 1048576");
        }
        return TcpSettings.builder().congestionControl(congestionControl).rtoEstimator(rtoEstimator)
            .sendBufferBytes(bufferBytes).receiveBufferBytes(bufferBytes).build();
    }

    private static void requireKnown(final String option, final String name, final List<String> known)
    {
        if (!known.contains(name))
        {
            throw new IllegalArgumentException(option + " " + name + ": unknown; installed are " + String.join(", ",
                known));
        }
    }
}
