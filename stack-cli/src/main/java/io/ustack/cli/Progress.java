package io.ustack.cli;

import java.io.PrintStream;

/**
 * A one-line progress display for long commands: done/total, rate and time left, redrawn in place on a terminal,
 * and printed every few seconds when output goes to a file or pipe.
 */
final class Progress
{
    private static final long FILE_INTERVAL_NS = 5_000_000_000L;
    private static final long TERMINAL_INTERVAL_NS = 200_000_000L;

    private final PrintStream out;
    private final long total;
    private final boolean terminal = System.console() != null;
    private long lastShownNs = Long.MIN_VALUE / 2;
    private boolean shown;

    Progress(final PrintStream out, final long total)
    {
        this.out = out;
        this.total = total;
    }

    /** Shows {@code done} of the total after {@code elapsedNs}, if it is time to redraw. */
    void show(final long done, final long elapsedNs)
    {
        final long intervalNs = terminal ? TERMINAL_INTERVAL_NS : FILE_INTERVAL_NS;
        if (elapsedNs - lastShownNs < intervalNs)
        {
            return;
        }
        lastShownNs = elapsedNs;
        final double seconds = Math.max(elapsedNs / 1e9, 1e-9);
        final double rate = done / seconds;
        // The first moments (ARP, handshake, slow start) say nothing about the rate: no estimate before a second.
        final String eta = rate > 0 && seconds >= 1 ? String.format("%.0f s left", (total - done) / rate) : "--";
        final String line = String.format("  %,d / %,d (%.0f%%)  %,.0f /s  %s", done, total,
            100.0 * done / Math.max(1, total), rate, eta);
        if (terminal)
        {
            out.print("\r" + line + "   ");
        }
        else
        {
            out.println(line);
        }
        out.flush();
        shown = true;
    }

    /** Ends the progress line. */
    void done()
    {
        if (terminal && shown)
        {
            out.println();
        }
    }
}
