package io.ustack.cli;

import io.ustack.link.packet.AfPacketConfig;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The AF_PACKET ring options of every command that opens an interface ({@code serve}, {@code get}, {@code ping},
 * {@code demo --kernel-peer}), as a picocli mixin: receive ring format, transmit mode, ring geometry, how an empty
 * receive ring waits, and whether the kernel's own input on the interface is dropped. Unset options keep {@link AfPacketConfig}'s defaults. {@link #applyTo} checks them together
 * and names the option to fix.
 */
final class RingOptions
{
    /** AfPacketConfig names a bad setting first in its message; the option a user types for it. */
    private static final Map<String, String> OPTION_OF_SETTING = Map.of(
        "frameSize", "--frame-size",
        "blockSize", "--block-size",
        "frameCount", "--ring-frames",
        "poll timeout", "--poll-timeout-ms",
        "block timeout", "--block-timeout-ms");

    @Option(names = "--rx-ring", description = "Receive ring format: ${COMPLETION-CANDIDATES} (default V2; V3 "
        + "packs frames into blocks, see --block-timeout-ms).")
    AfPacketConfig.RxRingVersion rxRing;

    @Option(names = "--tx-mode", description = "How frames reach the kernel: ${COMPLETION-CANDIDATES} (default "
        + "RING_SENDTO: a mapped transmit ring, one sendto per batch; RING_COPY: the same ring, each frame copied "
        + "by the kernel, cheaper on veth; RING_GSO: as RING_COPY, consecutive TCP segments sent as one frame of up "
        + "to 64 KiB that the kernel or the NIC cuts again (turn segmentation offload off on a veth whose peer is "
        + "not a kernel: `ethtool -K IF tso off`); SENDMMSG: no ring).")
    AfPacketConfig.TxMode txMode;

    @Option(names = "--frame-size", description = "Bytes per ring slot: a multiple of 16, at least the interface "
        + "MTU + 80 (default 2048).")
    Integer frameSize;

    @Option(names = "--block-size", description = "Bytes per ring block: a multiple of 4096 and of --frame-size "
        + "(default 65536).")
    Integer blockSize;

    @Option(names = "--ring-frames", description = "Slots in each ring (receive and transmit): a multiple of the "
        + "slots per block (default 1024).")
    Integer ringFrames;

    @Option(names = "--block-timeout-ms", description = "--rx-ring V3 only: how long a receive block stays open, "
        + "0..1000 ms (default 1).")
    Integer blockTimeoutMs;

    @Option(names = "--poll-mode", description = "An empty receive ring: ${COMPLETION-CANDIDATES} (default "
        + "BUSY_POLL: return at once; BLOCKING: wait in poll(2), see --poll-timeout-ms).")
    AfPacketConfig.PollMode pollMode;

    @Option(names = "--poll-timeout-ms", description = "--poll-mode BLOCKING only: longest poll(2) wait, at least "
        + "1 ms (default 1).")
    Integer pollTimeoutMs;

    @Option(names = "--ingress-drop", description = "While the stack runs, the kernel drops every frame arriving "
        + "on the interface after ustack's ring has it (an nftables netdev ingress chain; needs nft), so it does not "
        + "also run IP input for ustack's traffic. For an interface the kernel has no address on.")
    boolean ingressDrop;

    /**
     * Sets the given options on {@code link} and checks the result.
     *
     * @throws IllegalArgumentException naming the option to fix: a value out of range, or an option that has no
     *                                  effect with the others (--block-timeout-ms without --rx-ring V3,
     *                                  --poll-timeout-ms without --poll-mode BLOCKING)
     */
    AfPacketConfig applyTo(final AfPacketConfig.Builder link)
    {
        if (blockTimeoutMs != null && rxRing != AfPacketConfig.RxRingVersion.V3)
        {
            throw new IllegalArgumentException("--block-timeout-ms applies to --rx-ring V3 only: add --rx-ring V3 " +
                "or drop --block-timeout-ms");
        }
        if (pollTimeoutMs != null && pollMode != AfPacketConfig.PollMode.BLOCKING)
        {
            throw new IllegalArgumentException("--poll-timeout-ms applies to --poll-mode BLOCKING only: add " +
                "--poll-mode BLOCKING or drop --poll-timeout-ms");
        }
        if (rxRing != null)
        {
            link.rxRing(rxRing);
        }
        if (txMode != null)
        {
            link.txMode(txMode);
        }
        if (frameSize != null)
        {
            link.frameSize(frameSize);
        }
        if (blockSize != null)
        {
            link.blockSize(blockSize);
        }
        if (ringFrames != null)
        {
            link.frameCount(ringFrames);
        }
        if (blockTimeoutMs != null)
        {
            link.blockTimeoutMs(blockTimeoutMs);
        }
        if (pollMode == AfPacketConfig.PollMode.BLOCKING)
        {
            link.blocking(pollTimeoutMs == null ? 1 : pollTimeoutMs);
        }
        link.kernelIngressDrop(ingressDrop);
        try
        {
            return link.build();
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException(inOptionTerms(e.getMessage()), e);
        }
    }

    /** The options that were given, as arguments again (to pass on to a command this one runs). */
    List<String> asArguments()
    {
        final List<String> arguments = new ArrayList<>();
        add(arguments, "--rx-ring", rxRing);
        add(arguments, "--tx-mode", txMode);
        add(arguments, "--frame-size", frameSize);
        add(arguments, "--block-size", blockSize);
        add(arguments, "--ring-frames", ringFrames);
        add(arguments, "--block-timeout-ms", blockTimeoutMs);
        add(arguments, "--poll-mode", pollMode);
        add(arguments, "--poll-timeout-ms", pollTimeoutMs);
        if (ingressDrop)
        {
            arguments.add("--ingress-drop");
        }
        return arguments;
    }

    private static void add(final List<String> arguments, final String name, final Object value)
    {
        if (value != null)
        {
            arguments.add(name);
            arguments.add(value.toString());
        }
    }

    /**
     * "blockSize 4096 must be a multiple of ... frameSize 3072" becomes "--block-size 4096: must be a multiple of
     * ... --frame-size 3072"; messages about other settings stay as they are.
     */
    private static String inOptionTerms(final String message)
    {
        for (final Map.Entry<String, String> entry : OPTION_OF_SETTING.entrySet())
        {
            final String setting = entry.getKey() + " ";
            if (message.startsWith(setting))
            {
                final String rest = message.substring(setting.length());
                final int space = rest.indexOf(' ');
                if (space < 0)
                {
                    return entry.getValue() + " " + rest;
                }
                String reason = rest.substring(space + 1);
                for (final Map.Entry<String, String> other : OPTION_OF_SETTING.entrySet())
                {
                    reason = reason.replace(other.getKey(), other.getValue());
                }
                return entry.getValue() + " " + rest.substring(0, space) + ": " +
                    (reason.startsWith("ms ") ? reason.substring(3) : reason);
            }
        }
        return message;
    }
}
