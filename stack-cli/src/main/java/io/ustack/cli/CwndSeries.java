package io.ustack.cli;

import io.ustack.api.socket.TcpConnectionStats;
import io.ustack.api.socket.TcpSocket;
import org.agrona.concurrent.NanoClock;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A cwnd/RTT time series of one connection for plots: a thread samples the connection's statistics
 * ({@link TcpSocket#stats()}) every {@code intervalMs} and appends a CSV row ({@link #HEADER}); times are seconds
 * since the series started, windows in bytes, RTTs in microseconds. Used for the sending end of the demo's
 * transfer.
 */
final class CwndSeries implements AutoCloseable
{
    /** The CSV header: one column per sampled value. */
    static final String HEADER = "time_s,state,cwnd_bytes,ssthresh_bytes,srtt_us,rttvar_us,rto_ms,bytes_acked," +
        "retransmits";

    private final Path file;
    private final BufferedWriter writer;
    private final TcpSocket socket;
    private final long intervalMs;
    private final NanoClock clock;
    private final long startNs;
    private final Thread sampler;
    private volatile boolean running = true;
    private boolean closed;
    private volatile IOException failure;
    private long samples;

    /**
     * Creates (or truncates) {@code file}, writes the header and starts sampling {@code socket}.
     *
     * @throws IOException naming the file when it cannot be written
     */
    CwndSeries(final Path file, final TcpSocket socket, final long intervalMs, final NanoClock clock) throws IOException
    {
        if (intervalMs < 1)
        {
            throw new IllegalArgumentException("cwnd series interval " + intervalMs + " ms: use 1 ms or more");
        }
        this.file = file;
        this.socket = socket;
        this.intervalMs = intervalMs;
        this.clock = clock;
        try
        {
            this.writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
            writer.write(HEADER);
            writer.newLine();
        }
        catch (final IOException e)
        {
            throw new IOException("cannot write the cwnd/RTT series to " + file + ": " + e.getMessage(), e);
        }
        this.startNs = clock.nanoTime();
        this.sampler = new Thread(this::sampleUntilClosed, "demo-cwnd-series");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sampleUntilClosed()
    {
        while (running && failure == null)
        {
            sample();
            // parked, not interrupted, when closed: an interrupt would close the file's channel mid-write
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(intervalMs));
        }
    }

    /**
     * One row: now and the connection's statistics; none while the stack has published none yet. Only the sampler
     * thread (and close, after it) calls this.
     */
    private void sample()
    {
        final TcpConnectionStats stats = socket.stats();
        if (stats == null)
        {
            return;
        }
        final double seconds = (clock.nanoTime() - startNs) / 1e9;
        try
        {
            writer.write(String.format("%.3f,%s,%d,%d,%d,%d,%d,%d,%d", seconds, stats.state(), stats.cwndBytes(),
                stats.ssthreshBytes(), stats.srttUs(), stats.rttvarUs(), stats.rtoMs(), stats.bytesAcked(),
                stats.retransmits()));
            writer.newLine();
            samples++;
        }
        catch (final IOException e)
        {
            failure = e;
        }
    }

    /** The file written. */
    Path file()
    {
        return file;
    }

    /** Rows written. */
    long samples()
    {
        return samples;
    }

    /** Stops sampling, writes a last row and closes the file. Idempotent. */
    @Override
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        closed = true;
        running = false;
        LockSupport.unpark(sampler);
        try
        {
            sampler.join();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        if (failure == null)
        {
            sample();
        }
        writer.close();
        if (failure != null)
        {
            throw new IOException("writing the cwnd/RTT series to " + file + " failed: " + failure.getMessage(),
                failure);
        }
    }
}
