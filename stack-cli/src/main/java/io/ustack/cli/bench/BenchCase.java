package io.ustack.cli.bench;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.RingKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.tcp.TcpSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One configuration of the matrix: every axis of {@code ustack bench} with one value. Knows how to make the two
 * stacks' {@link StackConfig} and {@link TcpSettings} from it.
 *
 * @param mode       threading mode of both stacks
 * @param ring       layer ring of both stacks
 * @param idle       what idle stack threads do
 * @param mtu        IP MTU of the wire and both stacks
 * @param cc         congestion control by name (TcpPolicies)
 * @param nagle      true to leave Nagle's algorithm on (RFC 9293 §3.7.4), false for NODELAY
 * @param ackPolicy  ACK policy by name (TcpPolicies), e.g. {@code delayed}
 * @param link       what joins the two stacks
 */
record BenchCase(ThreadingMode mode, RingKind ring, IdleStrategyKind idle, int mtu, String cc, boolean nagle,
    String ackPolicy, LinkKind link)
{
    /** StackConfig's default slot, kept for MTUs that fit it. */
    private static final int DEFAULT_SLOT_SIZE = 2048;
    /** Send and receive buffer of each connection in the throughput and latency runs. */
    static final int TCP_BUFFER_BYTES = 1 << 20;

    /** The stack configuration of one side. */
    StackConfig stackConfig(final String name)
    {
        return StackConfig.builder().name(name).threadingMode(mode).ringKind(ring).idleStrategy(idle).mtu(mtu)
            .bufferSlotSize(slotSizeFor(mtu)).arpRetryIntervalMs(100).randomSeed(name.hashCode()).build();
    }

    /** TCP settings of both sides, with 1 MiB buffers so one connection can fill the wire. */
    TcpSettings tcpSettings()
    {
        return TcpSettings.builder().sendBufferBytes(TCP_BUFFER_BYTES).receiveBufferBytes(TCP_BUFFER_BYTES)
            .congestionControl(cc).ackPolicy(ackPolicy).rtoEstimator("linux").build();
    }

    /** The axes and their values, in a fixed order, for tables and JSON. */
    Map<String, Object> axes()
    {
        final Map<String, Object> axes = new LinkedHashMap<>();
        axes.put("mode", mode.name());
        axes.put("ring", ring.name());
        axes.put("idle", idle.name());
        axes.put("mtu", mtu);
        axes.put("cc", cc);
        axes.put("nagle", nagle);
        axes.put("ackPolicy", ackPolicy);
        axes.put("link", link.optionName());
        return axes;
    }

    /** Every axis value as short text, in the order of {@link #AXIS_NAMES}. */
    List<String> values()
    {
        return List.of(mode.name(), ring.name(), idle.name(), Integer.toString(mtu), cc, nagle ? "on" : "off",
            ackPolicy, link.optionName());
    }

    /** Names of the axes, as the command line spells them. */
    static final List<String> AXIS_NAMES = List.of("mode", "ring", "idle", "mtu", "cc", "nagle", "ack",
        "link");

    /** What sets this case apart from {@code baseline} ("baseline" for the baseline itself), e.g. "mode=DEDICATED". */
    String labelAgainst(final BenchCase baseline)
    {
        final List<String> mine = values();
        final List<String> theirs = baseline.values();
        final List<String> differences = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++)
        {
            if (!mine.get(i).equals(theirs.get(i)))
            {
                differences.add(AXIS_NAMES.get(i) + "=" + mine.get(i));
            }
        }
        return differences.isEmpty() ? "baseline" : String.join(" ", differences);
    }

    /** All axes as one line: "mode=SHARED ring=DISRUPTOR ...". */
    String fullLabel()
    {
        final List<String> mine = values();
        final List<String> parts = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++)
        {
            parts.add(AXIS_NAMES.get(i) + "=" + mine.get(i));
        }
        return String.join(" ", parts);
    }

    /** The default slot, or the smallest (a multiple of 64) that holds an MTU-sized frame with the stack's link headroom. */
    static int slotSizeFor(final int mtu)
    {
        return Math.max(DEFAULT_SLOT_SIZE, ((mtu + 64 + 63) / 64) * 64);
    }
}
