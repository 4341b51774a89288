package io.ustack.cli.bench;

/**
 * The measurement windows of a throughput run, shared by ustack's runs and the kernel reference's receiver so both
 * are measured alike: after the warm-up, the receiver notes bytes and time at the end of each window, and each
 * window gives one sample in Mbit/s (bytes over the window's real length, so a late mark does not bias the rate).
 */
final class ThroughputWindows
{
    private final long warmupNs;
    private final long windowNs;
    private final int windows;
    private final long[] bytesAt;
    private final long[] timeAt;
    private final long startNs;
    private int marked;

    ThroughputWindows(final long startNs, final long warmupNs, final long windowNs, final int windows)
    {
        this.startNs = startNs;
        this.warmupNs = warmupNs;
        this.windowNs = windowNs;
        this.windows = windows;
        this.bytesAt = new long[windows + 1];
        this.timeAt = new long[windows + 1];
    }

    /** Notes {@code total} bytes received by {@code nowNs}; true once every window is measured. */
    boolean observe(final long total, final long nowNs)
    {
        if (marked > windows)
        {
            return true;
        }
        final long dueNs = startNs + warmupNs + marked * windowNs;
        if (nowNs - dueNs >= 0)
        {
            bytesAt[marked] = total;
            timeAt[marked] = nowNs;
            marked++;
        }
        return marked > windows;
    }

    /** Mbit/s of each window. */
    double[] rates()
    {
        if (marked <= windows)
        {
            throw new IllegalStateException("the transfer ended before its last measurement window");
        }
        final double[] rates = new double[windows];
        for (int i = 0; i < windows; i++)
        {
            rates[i] = (bytesAt[i + 1] - bytesAt[i]) * 8.0 / ((timeAt[i + 1] - timeAt[i]) / 1e9) / 1e6;
        }
        return rates;
    }
}
