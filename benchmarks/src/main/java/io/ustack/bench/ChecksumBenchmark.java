package io.ustack.bench;

import io.ustack.ip.checksum.InternetChecksum;
import io.ustack.ip.checksum.PlainChecksum;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The Internet checksum (RFC 1071), the hottest loop of the stack: every received and sent segment is summed once.
 *
 * <p>Measured, in nanoseconds per call, over the same {@code size} bytes of random content in an off-heap buffer (an
 * {@link UnsafeBuffer} over a direct {@link ByteBuffer}, as packet buffers are):
 * <ul>
 *   <li>{@link #fast}: {@link InternetChecksum#sum}, the data-path implementation;</li>
 *   <li>{@link #plain}: {@link PlainChecksum#sum}, the 16-bit-at-a-time reference: the baseline of the target
 *       (fast at least 3× plain at 1500 bytes on JDK 17);</li>
 *   <li>{@link #copyOffHeap}: {@code UnsafeBuffer.putBytes} of the same length between two direct buffers, and
 *       {@link #copyHeap}: {@code System.arraycopy} of a {@code byte[]} of the same size. These are the memory-bandwidth
 *       yardstick: a checksum reads each byte once, a copy reads and writes it once, so a checksum near copy speed has
 *       little left to gain.</li>
 * </ul>
 * Sizes: an IPv4 header (20), IPv4 + TCP headers (40), the IPv4 minimum reassembly size (576), an Ethernet MTU
 * (1500), a jumbo frame (9000) and the largest IPv4 datagram (65535, odd: the trailing-byte path runs too). All data
 * fits in L2 except 65535 (three 64 KiB buffers for the copies), so these are cache-hot figures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = BenchmarkJvm.FORKS, jvmArgsAppend = { BenchmarkJvm.ADD_EXPORTS, BenchmarkJvm.ENABLE_NATIVE_ACCESS })
@Warmup(iterations = BenchmarkJvm.WARMUP_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
@Measurement(iterations = BenchmarkJvm.MEASUREMENT_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
public class ChecksumBenchmark
{
    /** Bytes summed (or copied) per call. */
    @Param({ "20", "40", "576", "1500", "9000", "65535" })
    public int size;

    private UnsafeBuffer source;
    private UnsafeBuffer destination;
    private byte[] heapSource;
    private byte[] heapDestination;

    /** Fills the buffers with seeded random bytes and checks that both checksums agree on them. */
    @Setup
    public void setUp()
    {
        heapSource = new byte[size];
        heapDestination = new byte[size];
        new SplittableRandom(0x5EED_C0DEL + size).nextBytes(heapSource);
        source = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        destination = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        source.putBytes(0, heapSource);

        final int fastSum = InternetChecksum.sum(source, 0, size, 0);
        final int plainSum = PlainChecksum.sum(source, 0, size, 0);
        if (fastSum != plainSum)
        {
            throw new IllegalStateException("checksums disagree at size " + size + ": fast=0x" +
                Integer.toHexString(fastSum) + " plain=0x" + Integer.toHexString(plainSum));
        }
    }

    /** The data-path checksum. */
    @Benchmark
    public int fast()
    {
        return InternetChecksum.sum(source, 0, size, 0);
    }

    /** The plain 16-bit reference: the baseline. */
    @Benchmark
    public int plain()
    {
        return PlainChecksum.sum(source, 0, size, 0);
    }

    /** Off-heap copy of the same length (direct buffer to direct buffer): the bandwidth yardstick. */
    @Benchmark
    public UnsafeBuffer copyOffHeap()
    {
        destination.putBytes(0, source, 0, size);
        return destination;
    }

    /** {@code System.arraycopy} of the same length between two heap arrays: the classic yardstick. */
    @Benchmark
    public byte[] copyHeap()
    {
        System.arraycopy(heapSource, 0, heapDestination, 0, size);
        return heapDestination;
    }
}
