package io.ustack.bench.e2e;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.RingKind;
import io.ustack.runtime.Stack;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.socket.TcpSocketLayer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One ustack configuration of the end-to-end throughput runs, written {@code key=value/key=value} on the command line
 * ({@code --variants "base,ack=stretch,socket-ring=4194304"}): {@code ack} (ACK policy by name), {@code buffer} (TCP
 * send and receive buffer bytes), {@code socket-ring} (bytes of each socket ring between application and stack),
 * {@code idle} ({@link IdleStrategyKind}) and {@code rings} ({@link RingKind}, between the layers). {@code base} is the
 * harness's defaults. The spec is also the variant's label in the results.
 *
 * @param label        how the results name it ({@code ""} for the first, the reference)
 * @param ackPolicy    ACK policy name
 * @param bufferBytes  TCP send and receive buffer bytes
 * @param socketRing   socket ring bytes
 * @param idle         the stack thread's idle strategy during bulk transfers
 * @param rings        the layer ring implementation
 */
record UstackVariant(String label, String ackPolicy, int bufferBytes, int socketRing, IdleStrategyKind idle,
    RingKind rings)
{
    /** The harness's defaults: the stack's default ACK policy and rings, 4 MiB buffers, back-off idling. */
    static UstackVariant base()
    {
        return new UstackVariant("", TcpSettings.builder().build().ackPolicy(), 4 << 20,
            TcpSocketLayer.DEFAULT_RING_BYTES, IdleStrategyKind.BACKOFF, RingKind.DISRUPTOR);
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

    private static UstackVariant parse(final String spec, final String label)
    {
        UstackVariant v = base();
        if (spec.equals("base") || spec.isEmpty())
        {
            return new UstackVariant(label, v.ackPolicy, v.bufferBytes, v.socketRing, v.idle, v.rings);
        }
        for (final String pair : spec.split("/"))
        {
            final String[] kv = pair.split("=", 2);
            if (kv.length != 2)
            {
                throw new IllegalArgumentException("variant part '" + pair + "' is not key=value (keys: ack, buffer, " +
                    "socket-ring, idle, rings)");
            }
            final String value = kv[1];
            v = switch (kv[0])
            {
                case "ack" -> new UstackVariant(label, value, v.bufferBytes, v.socketRing, v.idle, v.rings);
                case "buffer" -> new UstackVariant(label, v.ackPolicy, Integer.parseInt(value), v.socketRing, v.idle,
                    v.rings);
                case "socket-ring" -> new UstackVariant(label, v.ackPolicy, v.bufferBytes, Integer.parseInt(value),
                    v.idle, v.rings);
                case "idle" -> new UstackVariant(label, v.ackPolicy, v.bufferBytes, v.socketRing,
                    IdleStrategyKind.valueOf(value.toUpperCase(Locale.ROOT)), v.rings);
                case "rings" -> new UstackVariant(label, v.ackPolicy, v.bufferBytes, v.socketRing, v.idle,
                    RingKind.valueOf(value.toUpperCase(Locale.ROOT)));
                default -> throw new IllegalArgumentException("unknown variant key '" + kv[0] + "' (keys: ack, " +
                    "buffer, socket-ring, idle, rings)");
            };
        }
        return new UstackVariant(label, v.ackPolicy, v.bufferBytes, v.socketRing, v.idle, v.rings);
    }

    /** Applies the stack-wide part (socket rings) to a stack builder. */
    Stack.Builder applyTo(final Stack.Builder builder)
    {
        return builder.tcpSocketRingBytes(socketRing);
    }
}
