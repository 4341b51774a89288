package io.ustack.link.decorator;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes Ethernet frames to a classic pcap file (nanosecond variant: magic {@code 0xa1b23c4d}, version 2.4,
 * LINKTYPE_ETHERNET), readable by tcpdump and Wireshark. Each record holds the first {@link #snapLength()} bytes of
 * its frame (65535 unless a shorter snap length was given: e.g. 96 keeps Ethernet, IPv4 and TCP headers with
 * options, so a capture of a 1 GiB transfer stays small) and the frame's full length, as {@code tcpdump -s} does.
 *
 * <p>Timestamps come from an injected {@link EpochNanoClock} (nanoseconds since 1970); to stamp frames with a
 * {@link NanoClock} such as a virtual clock, use {@link #epochClock(NanoClock, long)} with an epoch offset.
 *
 * <p>Records are gathered in one direct buffer and written to a {@link FileChannel} when it fills, when
 * {@link #flushIfDue()} finds the flush interval has passed (so a capture of a quiet link is still up to date), and
 * on {@link #close()}: no object is made per frame. An IO error while capturing never reaches the data path: the
 * writer stops (a pcap with a hole in the middle of a record would be unreadable), reports the error once to the
 * {@link ErrorHandler} with the file name, and counts every frame it did not capture
 * ({@link #framesNotCaptured()}). Used by one thread.
 */
public final class PcapWriter implements AutoCloseable
{
    /** Magic number of a nanosecond-resolution pcap file. */
    public static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    /** Longest part of a frame recorded by default (and the longest snap length allowed). */
    public static final int SNAPLEN = 65535;
    /** Shortest snap length allowed: an Ethernet header. */
    public static final int MIN_SNAPLEN = 14;
    /** LINKTYPE_ETHERNET: frames start at the destination MAC. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** Default time between flushes of buffered records. */
    public static final long DEFAULT_FLUSH_INTERVAL_NS = 1_000_000_000L;

    private static final int RECORD_HEADER_LENGTH = 16;
    private static final int BUFFER_LENGTH = 256 * 1024;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final String fileName;
    private final WritableByteChannel channel;
    private final EpochNanoClock clock;
    private final ErrorHandler errorHandler;
    private final long flushIntervalNs;
    private final int snapLength;
    private final ByteBuffer out = BufferUtil.allocateDirectAligned(BUFFER_LENGTH, 64).order(ByteOrder.LITTLE_ENDIAN);
    private long lastFlushNs;
    private int recordsBuffered;
    private long framesCaptured;
    private long framesNotCaptured;
    private long errors;
    private boolean failed;
    private boolean closed;

    /**
     * Creates (or truncates) {@code path} and writes the pcap file header.
     *
     * @param path            where to write
     * @param clock           timestamps, nanoseconds since the Unix epoch
     * @param flushIntervalNs longest time records wait in memory (see {@link #flushIfDue()})
     * @param errorHandler    told about each IO failure, with the file name
     * @throws IOException naming the file when it cannot be created or written
     */
    public PcapWriter(
        final Path path, final EpochNanoClock clock, final long flushIntervalNs, final ErrorHandler errorHandler)
        throws IOException
    {
        this(open(path), path.toString(), clock, flushIntervalNs, errorHandler, SNAPLEN);
    }

    /**
     * Creates (or truncates) {@code path} and writes the pcap file header; records keep at most {@code snapLength}
     * bytes of each frame.
     *
     * @param path            where to write
     * @param clock           timestamps, nanoseconds since the Unix epoch
     * @param flushIntervalNs longest time records wait in memory (see {@link #flushIfDue()})
     * @param errorHandler    told about each IO failure, with the file name
     * @param snapLength      bytes kept of each frame, {@link #MIN_SNAPLEN} to {@link #SNAPLEN}
     * @throws IOException naming the file when it cannot be created or written
     * @throws IllegalArgumentException when {@code snapLength} is out of range (nothing is created then)
     */
    public PcapWriter(final Path path, final EpochNanoClock clock, final long flushIntervalNs,
        final ErrorHandler errorHandler, final int snapLength)
        throws IOException
    {
        this(openChecked(path, snapLength), path.toString(), clock, flushIntervalNs, errorHandler, snapLength);
    }

    /** Writes to any channel (tests use one that fails on demand); {@code fileName} names it in messages. */
    PcapWriter(
        final WritableByteChannel channel,
        final String fileName,
        final EpochNanoClock clock,
        final long flushIntervalNs,
        final ErrorHandler errorHandler)
        throws IOException
    {
        this(channel, fileName, clock, flushIntervalNs, errorHandler, SNAPLEN);
    }

    private PcapWriter(
        final WritableByteChannel channel,
        final String fileName,
        final EpochNanoClock clock,
        final long flushIntervalNs,
        final ErrorHandler errorHandler,
        final int snapLength)
        throws IOException
    {
        this.snapLength = checkSnapLength(snapLength);
        this.channel = Objects.requireNonNull(channel, "channel");
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
        if (flushIntervalNs <= 0)
        {
            channel.close();
            throw new IllegalArgumentException("pcap flushIntervalNs " + flushIntervalNs +
                ": use a positive time, e.g. " + DEFAULT_FLUSH_INTERVAL_NS + " (1 s)");
        }
        this.flushIntervalNs = flushIntervalNs;
        writeFileHeader();
        this.lastFlushNs = clock.nanoTime();
    }

    /** Writes to {@code path}, flushing every second and reporting IO errors on standard error. */
    public PcapWriter(final Path path, final EpochNanoClock clock) throws IOException
    {
        this(path, clock, DEFAULT_FLUSH_INTERVAL_NS, ex -> System.err.println("ustack: " + ex.getMessage()));
    }

    /** An epoch clock reading {@code clock} plus {@code epochOffsetNs}: for pcap timestamps on a virtual clock. */
    public static EpochNanoClock epochClock(final NanoClock clock, final long epochOffsetNs)
    {
        return () -> clock.nanoTime() + epochOffsetNs;
    }

    private static int checkSnapLength(final int snapLength)
    {
        if (snapLength < MIN_SNAPLEN || snapLength > SNAPLEN)
        {
            throw new IllegalArgumentException("pcap snap length " + snapLength + ": use " + MIN_SNAPLEN + " (an " +
                "Ethernet header) to " + SNAPLEN + " (whole frames); 96 keeps Ethernet, IPv4 and TCP headers");
        }
        return snapLength;
    }

    /** Refuses a bad snap length before the file is created or truncated. */
    private static FileChannel openChecked(final Path path, final int snapLength) throws IOException
    {
        checkSnapLength(snapLength);
        return open(path);
    }

    private static FileChannel open(final Path path) throws IOException
    {
        Objects.requireNonNull(path, "path");
        try
        {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot create pcap file " + path + ": " + ex, ex);
        }
    }

    /** Records one frame (the first {@link #snapLength()} bytes of it), stamped now. */
    public void record(final DirectBuffer buffer, final int offset, final int length)
    {
        if (failed || closed)
        {
            framesNotCaptured++;
            return;
        }
        final int capturedLength = Math.min(length, snapLength);
        if (RECORD_HEADER_LENGTH + capturedLength > out.remaining())
        {
            writeOut();
            if (failed)
            {
                framesNotCaptured++;
                return;
            }
        }
        final long nowNs = clock.nanoTime();
        out.putInt((int)Math.floorDiv(nowNs, NANOS_PER_SECOND));
        out.putInt((int)Math.floorMod(nowNs, NANOS_PER_SECOND));
        out.putInt(capturedLength);
        out.putInt(length);
        buffer.getBytes(offset, out, out.position(), capturedLength);
        out.position(out.position() + capturedLength);
        recordsBuffered++;
        framesCaptured++;
        if (nowNs - lastFlushNs >= flushIntervalNs)
        {
            writeOut();
        }
    }

    /**
     * Writes buffered records to the file if the flush interval has passed since the last write.
     *
     * @return records written
     */
    public int flushIfDue()
    {
        if (recordsBuffered == 0 || failed || closed || clock.nanoTime() - lastFlushNs < flushIntervalNs)
        {
            return 0;
        }
        return writeOut();
    }

    /** Writes buffered records and closes the file; an error is reported like any other. Idempotent. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (!failed)
        {
            writeOut();
        }
        closed = true;
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            onError("closing", ex);
        }
    }

    /** Bytes kept of each frame (the file header's snaplen field). */
    public int snapLength()
    {
        return snapLength;
    }

    /** The file being written, as given. */
    public String fileName()
    {
        return fileName;
    }

    /** Frames recorded (in the file or in the buffer). */
    public long framesCaptured()
    {
        return framesCaptured;
    }

    /** Frames missing from the capture because writing failed (or the writer was closed). */
    public long framesNotCaptured()
    {
        return framesNotCaptured;
    }

    /** IO errors met. */
    public long errors()
    {
        return errors;
    }

    /** Whether an IO error stopped the capture. */
    public boolean failed()
    {
        return failed;
    }

    private void writeFileHeader() throws IOException
    {
        out.putInt(MAGIC_NANOSECONDS);
        out.putShort((short)2); // version 2.4
        out.putShort((short)4);
        out.putInt(0);          // thiszone: timestamps are UTC
        out.putInt(0);          // sigfigs
        out.putInt(snapLength);
        out.putInt(LINKTYPE_ETHERNET);
        out.flip();
        try
        {
            while (out.hasRemaining())
            {
                channel.write(out);
            }
        }
        catch (final IOException ex)
        {
            channel.close();
            throw new IOException("cannot write the header of pcap file " + fileName + ": " + ex, ex);
        }
        out.clear();
    }

    private int writeOut()
    {
        final int records = recordsBuffered;
        out.flip();
        try
        {
            while (out.hasRemaining())
            {
                channel.write(out);
            }
        }
        catch (final IOException ex)
        {
            framesNotCaptured += records;
            framesCaptured -= records;
            onError("writing", ex);
        }
        out.clear();
        recordsBuffered = 0;
        lastFlushNs = clock.nanoTime();
        return failed ? 0 : records;
    }

    private void onError(final String action, final IOException ex)
    {
        errors++;
        final boolean first = !failed;
        failed = true;
        if (first)
        {
            errorHandler.onError(new IOException("pcap capture to " + fileName + " stopped: error " + action +
                " the file (" + ex + "); the link keeps running, frames are counted as not captured", ex));
        }
    }
}
