package io.ustack.bench.e2e;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.RingKind;
import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.runtime.Stack;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.socket.TcpSocketLayer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One ustack configuration of the end-to-end throughput runs, written {@code key=value/key=value} on the command line
 * ({@code --variants "base,threads=1,ack=stretch,socket-ring=4194304"}). Keys:
 * <ul>
 * <li>{@code ack}: ACK policy by name; {@code buffer}: TCP send and receive buffer bytes; {@code socket-ring}: bytes
 *     of each socket ring between application and stack; {@code idle}: the stack thread's {@link IdleStrategyKind};
 *     {@code rings}: the {@link RingKind} between the layers; {@code link-batch}: frames per link receive and
 *     transmit batch ({@link StackConfig#linkBatchSize()}).</li>
 * <li>{@code threads}: 2 (the default) puts the stack on its own thread and the application, calling blocking
 *     socket methods, on another; 1 runs to completion: one thread polls the stack ({@code INVOKER}) between its own
 *     non-blocking socket calls.</li>
 * <li>{@code tx}: the driver's {@link AfPacketConfig.TxMode} (by default the harness's {@code --tx-mode}).</li>
 * <li>{@code ingress-drop=1}: while the stack runs, an nftables netdev ingress chain on its interface drops every
 *     frame after the packet socket has seen it, so that the kernel of ustack's own namespace does not also run
 *     IP input (a route lookup that fails) for each frame meant for ustack
 *     ({@link AfPacketConfig.Builder#kernelIngressDrop}).</li>
 * <li>{@code tso}: the stack's {@link SegmentationOffload} ({@code never}, {@code link}, the default, or
 *     {@code always}): whether TCP hands the driver datagrams of up to 64 KiB to cut ({@code tx=RING_GSO} only).</li>
 * </ul>
 * {@code base} is the harness's defaults. The spec is also the variant's label in the results.
 *
 * @param label           how the results name it ({@code ""} for the first, the reference)
 * @param ackPolicy       ACK policy name
 * @param bufferBytes     TCP send and receive buffer bytes
 * @param socketRing      socket ring bytes
 * @param idle            the stack thread's idle strategy during bulk transfers (two threads only)
 * @param rings           the layer ring implementation
 * @param runToCompletion one thread drives the stack and the application ({@code threads=1})
 * @param txMode          the driver's transmit mode, or null for the harness's
 * @param ingressDrop     the kernel of ustack's namespace drops ustack's frames at ingress
 * @param linkBatch       frames per link batch
 * @param tso             where TCP segmentation offload is used
 */
record UstackVariant(String label, String ackPolicy, int bufferBytes, int socketRing, IdleStrategyKind idle,
    RingKind rings, boolean runToCompletion, AfPacketConfig.TxMode txMode, boolean ingressDrop, int linkBatch,
    SegmentationOffload tso)
{
    private static final String KEYS = "keys: ack, buffer, socket-ring, idle, rings, link-batch, threads, tx, " +
        "ingress-drop, tso";

    /**
     * The harness's defaults: the stack's default ACK policy, rings and link batch, 4 MiB buffers, back-off idling,
     * 2 threads.
     */
    static UstackVariant base()
    {
        return new UstackVariant("", TcpSettings.builder().build().ackPolicy(), 4 << 20,
            TcpSocketLayer.DEFAULT_RING_BYTES, IdleStrategyKind.BACKOFF, RingKind.DISRUPTOR, false, null, false,
            StackConfig.builder().build().linkBatchSize(), StackConfig.builder().build().segmentationOffload());
    }

    /** Parses a comma-separated list of specs; the first is labelled {@code ""} (the reference). */
    static List<UstackVariant> parseList(final String specs)
    {
        final List<UstackVariant> variants = new ArrayList<>();
        for (final String spec : specs.split(","))
        {
            variants.add(parse(spec.trim(), variants.isEmpty() ? "" : " [" + spec.trim() + "]"));
        }
        return variants;
    }

    static UstackVariant parse(final String spec, final String label)
    {
        final Parts v = new Parts(base());
        if (!spec.equals("base") && !spec.isEmpty())
        {
            for (final String pair : spec.split("/"))
            {
                final String[] kv = pair.split("=", 2);
                if (kv.length != 2)
                {
                    throw new IllegalArgumentException("variant part '" + pair + "' is not key=value (" + KEYS + ")");
                }
                v.set(kv[0], kv[1]);
            }
        }
        return new UstackVariant(label, v.ackPolicy, v.bufferBytes, v.socketRing, v.idle, v.rings, v.runToCompletion,
            v.txMode, v.ingressDrop, v.linkBatch, v.tso);
    }

    /**
     * The driver configuration for this variant: the harness's, with this variant's transmit mode if it has one and
     * the kernel ingress drop if it asks for it.
     */
    AfPacketConfig link(final AfPacketConfig harnessLink)
    {
        if ((txMode == null || txMode == harnessLink.txMode()) && ingressDrop == harnessLink.kernelIngressDrop())
        {
            return harnessLink;
        }
        return AfPacketConfig.builder(harnessLink.interfaceName()).rxRing(harnessLink.rxRingVersion())
            .txMode(txMode == null ? harnessLink.txMode() : txMode).kernelIngressDrop(ingressDrop).build();
    }

    /** Applies the stack-wide part (socket rings) to a stack builder. */
    Stack.Builder applyTo(final Stack.Builder builder)
    {
        return builder.tcpSocketRingBytes(socketRing);
    }

    /** The variant's parts while a spec is parsed. */
    private static final class Parts
    {
        private String ackPolicy;
        private int bufferBytes;
        private int socketRing;
        private IdleStrategyKind idle;
        private RingKind rings;
        private boolean runToCompletion;
        private AfPacketConfig.TxMode txMode;
        private boolean ingressDrop;
        private int linkBatch;
        private SegmentationOffload tso;

        Parts(final UstackVariant from)
        {
            ackPolicy = from.ackPolicy;
            bufferBytes = from.bufferBytes;
            socketRing = from.socketRing;
            idle = from.idle;
            rings = from.rings;
            runToCompletion = from.runToCompletion;
            txMode = from.txMode;
            ingressDrop = from.ingressDrop;
            linkBatch = from.linkBatch;
            tso = from.tso;
        }

        void set(final String key, final String value)
        {
            switch (key)
            {
                case "ack" -> ackPolicy = value;
                case "buffer" -> bufferBytes = Integer.parseInt(value);
                case "socket-ring" -> socketRing = Integer.parseInt(value);
                case "idle" -> idle = IdleStrategyKind.valueOf(value.toUpperCase(Locale.ROOT));
                case "rings" -> rings = RingKind.valueOf(value.toUpperCase(Locale.ROOT));
                case "link-batch" -> linkBatch = Integer.parseInt(value);
                case "threads" -> runToCompletion = oneOf(key, value, "1", "2");
                case "tx" -> txMode = AfPacketConfig.TxMode.valueOf(value.toUpperCase(Locale.ROOT));
                case "ingress-drop" -> ingressDrop = oneOf(key, value, "1", "0");
                case "tso" -> tso = SegmentationOffload.valueOf(value.toUpperCase(Locale.ROOT));
                default -> throw new IllegalArgumentException("unknown variant key '" + key + "' (" + KEYS + ")");
            }
        }

        /** True for {@code yes}, false for {@code no}, an error naming both otherwise. */
        private static boolean oneOf(final String key, final String value, final String yes, final String no)
        {
            if (value.equals(yes) || value.equals(no))
            {
                return value.equals(yes);
            }
            throw new IllegalArgumentException(key + " must be " + yes + " or " + no + ", not " + value);
        }
    }
}
