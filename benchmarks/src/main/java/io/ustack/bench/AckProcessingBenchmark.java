package io.ustack.bench;

import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.wire.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * The receive path of a bulk transfer and the ACKs it produces, per {@code AckPolicy}: how much a data segment costs
 * the receiver, and how many ACKs the policy sends for it.
 *
 * <p>One invocation delivers {@value #SEGMENTS} in-order data segments of MSS (1460) bytes, pre-built with valid
 * checksums, to an ESTABLISHED connection ({@code TcpModule.onDatagram}: header checks, checksum verified, table
 * lookup, acceptability, text into the receive buffer, the policy's decision, delayed-ACK timer armed or not), with a
 * duty cycle ({@code TcpModule.doWork}, which sends the ACKs owed) after every {@code segmentsPerCycle} segments. The
 * score is ns per data segment ({@code @OperationsPerInvocation}), ACK output included. Between invocations, outside
 * the measurement ({@code Level.Invocation}), the application reads everything (and the window update this may
 * cause is sent and not counted), and the next {@value #SEGMENTS} segments get their sequence numbers and checksums;
 * at tens of µs per invocation JMH's per-invocation timestamps are lost in the noise.
 *
 * <p>{@code acks} and {@code segments} ({@code @AuxCounters}, JMH {@code EVENTS}: totals over the measured
 * iterations) count the pure ACKs the engine sent during measured invocations and the data segments delivered;
 * {@code acks / segments} is the ACKs per data segment. Expected: {@code delayed} (Linux-like, the default) ACKs every
 * second full-sized segment, 0.5, once its 16 initial quick ACKs are spent (long before measurement);
 * {@code immediate} and {@code quickack} ACK each segment, 1.0. With several segments per duty cycle
 * ({@code segmentsPerCycle = 8}, as when the link hands over a batch) the engine sends at most one ACK per connection
 * per cycle, so every policy gives 1/8: the batch, not the policy, sets the ACK rate.
 *
 * <p>The data path MUST NOT allocate: {@code gc.alloc.rate.norm} (from {@code -prof gc}) must be about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = BenchmarkJvm.FORKS, jvmArgsAppend = { BenchmarkJvm.ADD_EXPORTS, BenchmarkJvm.ENABLE_NATIVE_ACCESS })
@Warmup(iterations = BenchmarkJvm.WARMUP_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
@Measurement(iterations = BenchmarkJvm.MEASUREMENT_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
public class AckProcessingBenchmark
{
    /** Data segments per invocation. */
    static final int SEGMENTS = 64;
    /** Payload bytes per data segment: the MSS at MTU 1500. */
    static final int SEGMENT_BYTES = 1460;
    private static final int MTU = SEGMENT_BYTES + 40;

    /** The ACK policy by name ({@code TcpSettings.ackPolicy}). */
    @Param({ "delayed", "immediate", "quickack" })
    public String policy;

    /** Data segments delivered per duty cycle. */
    @Param({ "1", "8" })
    public int segmentsPerCycle;

    /** Event counts, summed by JMH over the measured iterations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counts
    {
        /** Pure ACKs the engine sent. */
        public long acks;
        /** Data segments delivered. */
        public long segments;

        /** JMH requires aux counters to be reset per iteration. */
        @Setup(Level.Iteration)
        public void reset()
        {
            acks = 0;
            segments = 0;
        }
    }

    private BenchWire wire;
    private final UnsafeBuffer[] segments = new UnsafeBuffer[SEGMENTS];
    private UnsafeBuffer payload;
    private UnsafeBuffer readBuffer;
    private int tcpLength;
    private long bytesRead;

    /** Establishes the connection and warms the policy past its quick ACKs. */
    @Setup
    public void setUp()
    {
        if (SEGMENTS % segmentsPerCycle != 0)
        {
            throw new IllegalArgumentException("segmentsPerCycle must divide " + SEGMENTS);
        }
        wire = new BenchWire(MTU, TcpSettings.builder().receiveBufferBytes(1 << 18).ackPolicy(policy)
            .isnGenerator("sequential").build());
        wire.establish();
        final byte[] bytes = new byte[SEGMENT_BYTES];
        new SplittableRandom(0xACC).nextBytes(bytes);
        payload = new UnsafeBuffer(ByteBuffer.allocateDirect(SEGMENT_BYTES));
        payload.putBytes(0, bytes);
        readBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 18));
        for (int i = 0; i < SEGMENTS; i++)
        {
            segments[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(MTU));
        }
        final Counts check = new Counts();
        for (int i = 0; i < 100; i++)
        {
            prepare();
            receive(check);
        }
        if (check.segments != 100L * SEGMENTS || check.acks == 0)
        {
            throw new IllegalStateException("warmup: " + check.segments + " segments, " + check.acks + " ACKs");
        }
    }

    /** Outside the measurement: the application reads everything, and the next segments are built. */
    @Setup(Level.Invocation)
    public void prepare()
    {
        final BenchWire w = wire;
        int n;
        while ((n = w.tcp.read(w.connId, readBuffer, 0, readBuffer.capacity(), w.nowNs)) > 0)
        {
            bytesRead += n;
        }
        if ((int)bytesRead != w.peerSndNxt - (BenchWire.PEER_ISS + 1))
        {
            // Every segment must have been taken in order (a gap would make every later one out of order); compared
            // modulo 2^32, as sequence numbers are.
            throw new IllegalStateException("read " + bytesRead + " bytes, but the peer sent " +
                Integer.toUnsignedString(w.peerSndNxt - (BenchWire.PEER_ISS + 1)) + " (mod 2^32): " +
                w.tcp.info(w.connId));
        }
        w.tcp.doWork(w.nowNs); // the window update the read may owe
        for (int i = 0; i < SEGMENTS; i++)
        {
            tcpLength = w.writeSegment(segments[i], w.peerSndNxt, w.sndMax, TcpHeader.ACK, 0xFFFF, false, payload,
                0, SEGMENT_BYTES);
            w.peerSndNxt += SEGMENT_BYTES;
        }
    }

    /** {@value #SEGMENTS} data segments received, with a duty cycle after every {@code segmentsPerCycle}. */
    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public long receive(final Counts counts)
    {
        final BenchWire w = wire;
        final long acksBefore = w.pureAcksSent;
        final int perCycle = segmentsPerCycle;
        for (int i = 0; i < SEGMENTS; i++)
        {
            w.nowNs += 1_000;
            w.deliverPrebuilt(segments[i], tcpLength);
            if ((i + 1) % perCycle == 0)
            {
                w.tcp.doWork(w.nowNs);
            }
        }
        final long acks = w.pureAcksSent - acksBefore;
        counts.acks += acks;
        counts.segments += SEGMENTS;
        return acks;
    }
}
