package io.ustack.runtime.tcp;

import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.StackCounters;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bulk transfer matrix's check with TCP segmentation offload on every link ({@link SegmentationOffload#ALWAYS}):
 * TCP hands IPv4 datagrams of up to 64 KiB and IPv4 cuts them in software, the in-memory wire having no device that
 * does. Both directions at once, in every threading mode (the cut crosses the TCP to IPv4 hand-off differently in
 * each), clean and under loss, duplication, reordering and corruption; byte-exact, nothing held afterwards.
 */
@DisplayName("TCP segmentation offload, cut in software by IPv4: both directions byte-exact")
class SegmentationOffloadTransferTest
{
    private static final long BYTES = 32L << 20;

    static Stream<Arguments> modesAndProfiles()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final ThreadingMode mode : ThreadingMode.values())
        {
            for (final WireProfile profile : List.of(WireProfile.CLEAN, WireProfile.DUP_REORDER_CORRUPT,
                WireProfile.LOSS_5))
            {
                cases.add(Arguments.of(mode, profile));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("modesAndProfiles")
    void bothDirectionsArriveByteExactWithSegmentsCutBelowTcp(final ThreadingMode mode, final WireProfile profile)
        throws Exception
    {
        final long seed = 6_000 + mode.ordinal() * 10L + profile.ordinal();
        final StackCounters[] counters = TcpBulkTransferMatrixTest.transferBothWays("tso-" + mode + "-" + profile,
            mode, profile, BYTES, seed, SegmentationOffload.ALWAYS);
        for (final StackCounters each : counters)
        {
            final long cut = each.get(CounterDescriptor.IPV4_SEGMENTED_SOFTWARE);
            assertTrue(cut > BYTES / 65_536, "only " + cut + " datagrams were cut below TCP");
        }
    }
}
