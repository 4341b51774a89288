package io.ustack.cli;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.StackCounters;

import java.util.List;

/**
 * The one-line status {@code ustack serve} prints every few seconds: connections open and served, throughput in and
 * out of the apps since the last line, and TCP retransmissions (all, and how many of them on a timeout).
 */
final class ServeStatus
{
    private final List<ServeCommand.Counters> apps;
    private final StackCounters stack;
    private long lastNs;
    private long lastIn;
    private long lastOut;
    private long lastRetransmits;

    ServeStatus(final List<ServeCommand.Counters> apps, final StackCounters stack, final long nowNs)
    {
        this.apps = apps;
        this.stack = stack;
        this.lastNs = nowNs;
    }

    /** The line for the interval since the previous call, e.g. {@code 2 open, 7 served | in 0.1 Mbit/s ...}. */
    String line(final int open, final long nowNs)
    {
        long connections = 0;
        long in = 0;
        long out = 0;
        for (final ServeCommand.Counters app : apps)
        {
            connections += app.connections.get();
            in += app.bytesIn.get();
            out += app.bytesOut.get();
        }
        final long retransmits = stack.get(CounterDescriptor.TCP_RETRANSMITS);
        final double seconds = Math.max(1e-9, (nowNs - lastNs) / 1e9);
        final String line = String.format("%d open, %d served | in %.1f Mbit/s, out %.1f Mbit/s | retransmits %d "
                + "(+%d), of them on timeout %d", open, connections, (in - lastIn) * 8 / seconds / 1e6,
            (out - lastOut) * 8 / seconds / 1e6, retransmits, retransmits - lastRetransmits,
            stack.get(CounterDescriptor.TCP_RETRANSMIT_TIMEOUTS));
        lastNs = nowNs;
        lastIn = in;
        lastOut = out;
        lastRetransmits = retransmits;
        return line;
    }
}
