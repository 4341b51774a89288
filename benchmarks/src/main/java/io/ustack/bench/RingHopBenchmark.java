package io.ustack.bench;

import io.ustack.api.config.RingKind;
import io.ustack.api.ring.DescriptorHandler;
import io.ustack.api.ring.DescriptorRing;
import io.ustack.runtime.ring.DescriptorRings;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.TimeUnit;

/**
 * One hop of the layer ring (DESIGN.md, "Data path"): Agrona's {@code OneToOneRingBuffer} against the LMAX Disruptor,
 * through {@link DescriptorRing} as the layer agents use it, one producer thread and one consumer thread.
 *
 * <ul>
 *   <li>{@link #offer} / {@link #drain} (group {@code throughput}, ops/µs): a producer thread offers descriptors as
 *       fast as the ring accepts them (spinning while full) and a consumer thread drains them in batches of
 *       {@value #DRAIN_LIMIT} (the default {@code linkBatchSize}) into a handler that reads all four fields, on a
 *       ring of {@value #THROUGHPUT_CAPACITY} descriptors (the default {@code ringCapacity}). Read
 *       {@code throughput:offer} (descriptors offered per µs) and {@code throughput:received} (descriptors handed to
 *       the consumer per µs); the group total adds the consumer's drain calls and means nothing by itself.</li>
 *   <li>{@link #roundTrip} (ns per op, average and sampled percentiles): one descriptor goes out on one ring to an
 *       echo thread, which offers it back on a second ring of the same kind; an op is the whole round trip, so a hop
 *       costs about half. This is the latency a packet sees crossing two layer boundaries in {@code DEDICATED} mode
 *       with busy-spinning agents.</li>
 * </ul>
 * A waiting thread spins ({@link Thread#onSpinWait()}) for {@value #SPINS_BEFORE_YIELD} failed attempts, then
 * yields between attempts (the spin and yield stages of Agrona's {@code BackoffIdleStrategy}, the stack's default,
 * without its park stage). Spinning alone would turn any third runnable thread on a 2-core machine into
 * timeslice-long stalls (milliseconds per op) whenever both benchmark threads share one core; yielding hands the
 * core over in microseconds instead. With two free cores the threads never reach the yield stage in steady state, and
 * the figures are inter-core hand-offs; anything else running shows as noise.
 * Busy-spinning SPSC throughput is also bimodal by nature: while the consumer keeps the ring empty every descriptor
 * costs cache-line transfers (and the consumer's polling competes for the lines the producer writes); once the
 * consumer falls behind it drains in batches and the rate jumps. Which regime an iteration settles in varies, so
 * read the error bars, and the per-iteration figures in the log, before the mean.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = BenchmarkJvm.RING_FORKS, jvmArgsAppend = { BenchmarkJvm.ADD_EXPORTS, BenchmarkJvm.ENABLE_NATIVE_ACCESS })
@Warmup(iterations = BenchmarkJvm.WARMUP_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
@Measurement(iterations = BenchmarkJvm.MEASUREMENT_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
public class RingHopBenchmark
{
    /** Descriptors in the throughput ring: {@code StackConfig}'s default ring capacity. */
    static final int THROUGHPUT_CAPACITY = 4096;
    /** Most descriptors per drain: {@code StackConfig}'s default batch size. */
    static final int DRAIN_LIMIT = 64;
    /** Descriptors in each ping-pong ring (one is in flight at a time). */
    static final int ROUND_TRIP_CAPACITY = 64;
    /** Failed attempts a waiting thread spins through before it starts yielding its core. */
    static final int SPINS_BEFORE_YIELD = 100;

    /** The ring both threads of a throughput group share. */
    @State(Scope.Group)
    public static class SharedRing
    {
        /** Which implementation: {@link RingKind} name. */
        @Param({ "AGRONA", "DISRUPTOR" })
        public String ring;

        DescriptorRing descriptorRing;

        /** Makes the ring. */
        @Setup(Level.Trial)
        public void setUp()
        {
            descriptorRing = DescriptorRings.create(RingKind.valueOf(ring), THROUGHPUT_CAPACITY);
        }
    }

    /** The producer's sequence: each descriptor differs, as buffer ids and offsets do. */
    @State(Scope.Thread)
    public static class ProducerState
    {
        int next;
    }

    /** The consumer's handler, which reads every field, and the count of what it received (a JMH counter). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ConsumerState implements DescriptorHandler
    {
        /** Descriptors handed to the consumer in this iteration, reported per µs. */
        public long received;
        long checksum;
        int emptyDrains;

        /** Counters restart with each iteration. */
        @Setup(Level.Iteration)
        public void resetCounters()
        {
            received = 0;
        }

        @Override
        public void onDescriptor(final int bufferId, final int offset, final int length, final int flags)
        {
            checksum += bufferId ^ offset ^ length ^ flags;
        }
    }

    /** Producer: offers one descriptor, waiting while the ring is full (until the iteration ends). */
    @Benchmark
    @Group("throughput")
    @GroupThreads(1)
    public boolean offer(final SharedRing shared, final ProducerState producer, final Control control)
    {
        final int n = producer.next++;
        final DescriptorRing ring = shared.descriptorRing;
        int attempts = 0;
        while (!ring.offer(n, n & 0x7FF, 1514, 0))
        {
            if (control.stopMeasurement)
            {
                return false;
            }
            idle(++attempts);
        }
        return true;
    }

    /** Consumer: drains up to a batch; idles once when the ring is empty. */
    @Benchmark
    @Group("throughput")
    @GroupThreads(1)
    public long drain(final SharedRing shared, final ConsumerState consumer)
    {
        final int drained = shared.descriptorRing.drain(consumer, DRAIN_LIMIT);
        if (drained == 0)
        {
            idle(++consumer.emptyDrains);
        }
        else
        {
            consumer.emptyDrains = 0;
            consumer.received += drained;
        }
        return consumer.checksum;
    }

    /** Spin, then yield: see the class comment. */
    static void idle(final int failedAttempts)
    {
        if (failedAttempts < SPINS_BEFORE_YIELD)
        {
            Thread.onSpinWait();
        }
        else
        {
            Thread.yield();
        }
    }

    /** Two rings of one kind and an echo thread that sends back on the second what arrives on the first. */
    @State(Scope.Thread)
    public static class PingPong
    {
        /** Which implementation: {@link RingKind} name. */
        @Param({ "AGRONA", "DISRUPTOR" })
        public String ring;

        DescriptorRing out;
        DescriptorRing back;
        final Reply reply = new Reply();
        int next;
        private volatile boolean running;
        private Thread echo;

        /** Makes the rings and starts the echo thread. */
        @Setup(Level.Trial)
        public void setUp()
        {
            out = DescriptorRings.create(RingKind.valueOf(ring), ROUND_TRIP_CAPACITY);
            back = DescriptorRings.create(RingKind.valueOf(ring), ROUND_TRIP_CAPACITY);
            running = true;
            echo = new Thread(this::echoLoop, "ring-echo");
            echo.setDaemon(true);
            echo.start();
        }

        /** Stops the echo thread. */
        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException
        {
            running = false;
            echo.join(TimeUnit.SECONDS.toMillis(5));
        }

        private void echoLoop()
        {
            final DescriptorHandler sendBack = (bufferId, offset, length, flags) ->
            {
                int attempts = 0;
                while (!back.offer(bufferId, offset, length, flags))
                {
                    idle(++attempts);
                }
            };
            int emptyDrains = 0;
            while (running)
            {
                if (out.drain(sendBack, DRAIN_LIMIT) == 0)
                {
                    idle(++emptyDrains);
                }
                else
                {
                    emptyDrains = 0;
                }
            }
        }

        boolean echoAlive()
        {
            return echo.isAlive();
        }
    }

    /** The descriptor that came back. */
    static final class Reply implements DescriptorHandler
    {
        int bufferId;

        @Override
        public void onDescriptor(final int bufferId, final int offset, final int length, final int flags)
        {
            this.bufferId = bufferId;
        }
    }

    /** One round trip: offer on the first ring, wait until the echo arrives on the second. */
    @Benchmark
    @BenchmarkMode({ Mode.AverageTime, Mode.SampleTime })
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int roundTrip(final PingPong pingPong)
    {
        final int n = pingPong.next++;
        if (!pingPong.out.offer(n, 0, 64, 0))
        {
            throw new IllegalStateException("ping ring full: the echo thread is not draining");
        }
        int attempts = 0;
        while (pingPong.back.drain(pingPong.reply, 1) == 0)
        {
            idle(++attempts);
            if ((attempts & 0xF_FFFF) == 0 && !pingPong.echoAlive())
            {
                throw new IllegalStateException("the echo thread died");
            }
        }
        if (pingPong.reply.bufferId != n)
        {
            throw new IllegalStateException("echo out of order: sent " + n + ", got " + pingPong.reply.bufferId);
        }
        return n;
    }
}
