package io.ustack.bench;

import io.ustack.api.timer.HeapTimerService;
import io.ustack.api.timer.TimerHandler;
import io.ustack.api.timer.TimerService;
import io.ustack.api.timer.WheelTimerService;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The timer service at {@value #PENDING} pending timers (a busy agent: an RTO timer per connection), the
 * {@link WheelTimerService} against the {@link HeapTimerService} (binary heap), all preallocated for 2<sup>17</sup>
 * timers so nothing grows. Two wheels: {@code wheel}, the defaults (2<sup>20</sup> ns ≈ 1 ms ticks, 1024 spokes:
 * about 100 of these timers share each tick), and {@code wheel-fine} (2<sup>16</sup> ns ≈ 66 µs ticks, 16,384 spokes,
 * the same ≈ 1.07 s rotation: about 6 timers per tick), to show how the wheel's cost depends on timers per tick
 * (Agrona's {@code DeadlineTimerWheel} looks through a tick's slots to place a timer and to expire them).
 *
 * <ul>
 *   <li>{@link #cancelAndSchedule} (ns per op): cancel one pending timer chosen at random and schedule a
 *       replacement at a random deadline 1 ms .. 1 s ahead: what restarting an RTO timer on each ACK costs. The
 *       pending count stays at {@value #PENDING}.</li>
 *   <li>{@link #expireAndRearm} (ns per op): the clock advances by 1 s / {@value #PENDING} = 10 µs and the service is
 *       polled; the timers that became due (on average one; they were spread evenly over 1 s) fire, and each handler
 *       schedules itself again 1 s later. Poll cost, expiry and a schedule; the pending count stays at
 *       {@value #PENDING}.</li>
 * </ul>
 * Random choices come from precomputed tables, so both services see the same sequence. With 100k timers the
 * services' arrays (a few MB) do not fit in L2: cache misses are part of the figures. Must allocate 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = BenchmarkJvm.FORKS, jvmArgsAppend = { BenchmarkJvm.ADD_EXPORTS, BenchmarkJvm.ENABLE_NATIVE_ACCESS })
@Warmup(iterations = BenchmarkJvm.WARMUP_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
@Measurement(iterations = BenchmarkJvm.MEASUREMENT_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
public class TimerServiceBenchmark
{
    /** Timers pending throughout. */
    static final int PENDING = 100_000;
    private static final long SPAN_NS = 1_000_000_000L;
    private static final long STEP_NS = SPAN_NS / PENDING;
    private static final int TABLE = 1 << 16;
    private static final long START_NS = 1_000_000_000_000L;

    /** {@code wheel} (default ticks), {@code wheel-fine} (ticks 16× finer, 16× more spokes) or {@code heap}. */
    @Param({ "wheel", "wheel-fine", "heap" })
    public String service;

    private TimerService timers;
    private final long[] ids = new long[PENDING];
    private final int[] victims = new int[TABLE];
    private final long[] delays = new long[TABLE];
    private int cursor;
    private long nowNs = START_NS;
    private long fired;

    /** Re-arms a fired timer one span later, in the same id slot (the context). */
    private final TimerHandler rearm = new TimerHandler()
    {
        @Override
        public void onTimer(final long context, final long timerId, final long now)
        {
            fired++;
            ids[(int)context] = timers.schedule(now + SPAN_NS, this, context);
        }
    };

    /** Fills the service with {@value #PENDING} timers spread evenly over the next second. */
    @Setup
    public void setUp()
    {
        timers = switch (service)
        {
            case "wheel" -> new WheelTimerService(START_NS, WheelTimerService.DEFAULT_TICK_NS,
                WheelTimerService.DEFAULT_TICKS_PER_WHEEL, 1 << 17);
            case "wheel-fine" -> new WheelTimerService(START_NS, WheelTimerService.DEFAULT_TICK_NS >> 4,
                WheelTimerService.DEFAULT_TICKS_PER_WHEEL << 4, 1 << 17);
            case "heap" -> new HeapTimerService(1 << 17);
            default -> throw new IllegalArgumentException("service: wheel, wheel-fine or heap, not " + service);
        };
        final SplittableRandom random = new SplittableRandom(0x71E);
        for (int i = 0; i < TABLE; i++)
        {
            victims[i] = random.nextInt(PENDING);
            delays[i] = 1_000_000L + random.nextLong(SPAN_NS - 1_000_000L);
        }
        for (int i = 0; i < PENDING; i++)
        {
            ids[i] = timers.schedule(nowNs + STEP_NS * (i + 1), rearm, i);
        }
        if (timers.pending() != PENDING)
        {
            throw new IllegalStateException("pending " + timers.pending());
        }
    }

    /** Cancel a random pending timer and schedule its replacement. */
    @Benchmark
    public long cancelAndSchedule()
    {
        final int i = cursor++ & (TABLE - 1);
        final int victim = victims[i];
        if (!timers.cancel(ids[victim]))
        {
            throw new IllegalStateException("timer " + victim + " was not pending");
        }
        final long id = timers.schedule(nowNs + delays[i], rearm, victim);
        ids[victim] = id;
        return id;
    }

    /** Advance 10 µs and poll: about one expiry, re-armed by its handler. */
    @Benchmark
    public int expireAndRearm()
    {
        nowNs += STEP_NS;
        return timers.poll(nowNs, 1024);
    }
}
