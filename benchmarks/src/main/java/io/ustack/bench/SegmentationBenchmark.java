package io.ustack.bench;

import io.ustack.tcp.TcpSettings;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Segmentation through the real engine: one 64 KiB application write on an ESTABLISHED connection becomes MSS-sized
 * segments with all headers and both checksums, the send path a bulk sender runs for every byte.
 *
 * <p>One op ({@link #write64KiB}, ns per 64 KiB write; Gbit/s = 524,288 bits / ns):
 * <ol>
 *   <li>{@code TcpModule.write} of 65,536 bytes from an off-heap buffer: the copy into the send buffer;</li>
 *   <li>{@code TcpModule.doWork}: Nagle off ({@code noDelay}), window open, so the whole write leaves in one duty
 *       cycle as ⌈65,536 / MSS⌉ segments (45 at MSS 1460, 8 at MSS 8960): for each, a packet buffer claimed, the TCP
 *       header written, the payload copied out of the send buffer, the TCP checksum over pseudo-header + header +
 *       payload, then in {@link BenchWire#send} (standing in for the IPv4 module and the link) the IPv4 header with
 *       its checksum and the Ethernet header, and the buffer freed;</li>
 *   <li>one cumulative pure ACK from the scripted peer for everything sent (a stretch ACK, as after GRO), built with
 *       its checksum and processed by the engine (checksum verified, RTT sample, congestion control, send buffer
 *       freed, retransmission timer re-armed), so the window stays open for the next op. About one segment's worth
 *       of the op's cost at MSS 1460.</li>
 * </ol>
 * The wire (BenchWire) reads four header fields from each frame and frees it: no copy, no delivery to a receiver.
 * Congestion control is the default NewReno: warmup grows its window far past 64 KiB (it grows on every ACK and is
 * never limited while the sender is application-limited), so every measured op is a single burst; the op loops
 * (doWork, ACK) until the write is all out in case it is not. The peer's window (65,535 &lt;&lt; 7) never limits.
 * MSS 1460 (MTU 1500) and 8960 (MTU 9000): the fixed per-segment cost against the per-byte cost (two copies and a
 * checksum per byte); compare with {@code ChecksumBenchmark.fast} at 1500 and 9000 bytes.
 *
 * <p>The data path MUST NOT allocate (DESIGN.md): with {@code -prof gc}, {@code gc.alloc.rate.norm} must be about
 * 0 B/op. The {@code segments} and {@code acks} counters (JMH {@code EVENTS}: totals over the measured iterations of
 * data segments the engine sent and ACKs the peer returned, one ACK per op when each write leaves in one burst) show
 * the ops were single bursts: segments / acks = ⌈65,536 / MSS⌉.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = BenchmarkJvm.FORKS, jvmArgsAppend = { BenchmarkJvm.ADD_EXPORTS, BenchmarkJvm.ENABLE_NATIVE_ACCESS })
@Warmup(iterations = BenchmarkJvm.WARMUP_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
@Measurement(iterations = BenchmarkJvm.MEASUREMENT_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
public class SegmentationBenchmark
{
    /** Bytes per application write. */
    static final int WRITE = 64 * 1024;
    private static final int MAX_ROUNDS = 1_000;

    /** Maximum segment size: 1460 (MTU 1500) or 8960 (MTU 9000). */
    @Param({ "1460", "8960" })
    public int mss;

    /** Event counts, summed by JMH over the measured iterations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counts
    {
        /** Data segments the engine sent. */
        public long segments;
        /** ACKs the peer returned. */
        public long acks;

        /** JMH requires aux counters to be reset per iteration. */
        @Setup(Level.Iteration)
        public void reset()
        {
            segments = 0;
            acks = 0;
        }
    }

    private BenchWire wire;
    private UnsafeBuffer data;

    /** Brings a connection to ESTABLISHED with Nagle off, and checks that one write leaves as expected. */
    @Setup
    public void setUp()
    {
        wire = new BenchWire(mss + 40, TcpSettings.builder().sendBufferBytes(1 << 18).receiveBufferBytes(1 << 16)
            .isnGenerator("sequential").build());
        wire.establish();
        wire.tcp.noDelay(wire.connId, true);
        final byte[] bytes = new byte[WRITE];
        new SplittableRandom(0x5E6).nextBytes(bytes);
        data = new UnsafeBuffer(ByteBuffer.allocateDirect(WRITE));
        data.putBytes(0, bytes);
        final Counts check = new Counts();
        for (int i = 0; i < 1_000; i++)
        {
            write64KiB(check);
        }
        if (wire.bytesSent != 1_000L * WRITE)
        {
            throw new IllegalStateException("sent " + wire.bytesSent + " bytes, expected " + 1_000L * WRITE);
        }
    }

    /** One 64 KiB write, segmented, checksummed, sent and acknowledged. */
    @Benchmark
    public int write64KiB(final Counts counts)
    {
        final BenchWire w = wire;
        w.nowNs += 10_000;
        final long segmentsBefore = w.dataSegmentsSent;
        final int written = w.tcp.write(w.connId, data, 0, WRITE, w.nowNs);
        if (written != WRITE)
        {
            throw new IllegalStateException("write took " + written + ": " + w.tcp.info(w.connId));
        }
        final int target = w.sndMax + WRITE;
        int rounds = 0;
        while (w.peerRcvNxt != target)
        {
            w.tcp.doWork(w.nowNs);
            if (w.sndMax != w.peerRcvNxt)
            {
                w.ackAll();
                counts.acks++;
            }
            if (++rounds == MAX_ROUNDS)
            {
                throw new IllegalStateException("write not sent after " + rounds + " rounds: " + w.tcp.info(w.connId));
            }
        }
        counts.segments += w.dataSegmentsSent - segmentsBefore;
        return written;
    }
}
