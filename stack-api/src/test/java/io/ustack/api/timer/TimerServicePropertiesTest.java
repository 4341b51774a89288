package io.ustack.api.timer;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.List;

/**
 * Random schedule / cancel / reschedule / poll sequences against a {@link java.util.TreeMap} model, for both timer
 * services. The wheel is small (16 ticks of 1,024 ns) so sequences cross many rotations, grow its spokes and its side
 * table, and jump over long gaps; start times include one just below {@link Long#MAX_VALUE} so time wraps.
 */
class TimerServicePropertiesTest
{
    private static final int TICK_SHIFT = 10;
    private static final long TICK_NS = 1L << TICK_SHIFT;
    private static final int TICKS_PER_WHEEL = 16;

    /** One step: kind 0 schedule, 1 cancel, 2 reschedule, 3 poll. */
    record Op(int kind, int pick, long deltaNs, int limit)
    {
    }

    @Property(tries = 400)
    @Label("heap: fires exactly the due timers, in deadline order, never early, once")
    void heapMatchesModel(@ForAll("starts") final long startNs, @ForAll("ops") final List<Op> ops)
    {
        run(new TimerModel(new HeapTimerService(2), startNs, -1), ops);
    }

    @Property(tries = 400)
    @Label("wheel: fires exactly the due timers, in tick order, never early, once")
    void wheelMatchesModel(@ForAll("starts") final long startNs, @ForAll("ops") final List<Op> ops)
    {
        final WheelTimerService wheel = new WheelTimerService(startNs, TICK_NS, TICKS_PER_WHEEL, 2);
        run(new TimerModel(wheel, startNs, TICK_SHIFT), ops);
    }

    private static void run(final TimerModel model, final List<Op> ops)
    {
        for (final Op op : ops)
        {
            switch (op.kind())
            {
                case 0 -> model.schedule(op.deltaNs());
                case 1 -> model.cancel(op.pick());
                case 2 -> model.reschedule(op.pick(), op.deltaNs());
                default -> model.poll(Math.abs(op.deltaNs()), op.limit());
            }
        }
        model.poll(Long.MAX_VALUE >> 3, Integer.MAX_VALUE);
    }

    @Provide
    Arbitrary<Long> starts()
    {
        return Arbitraries.of(0L, Long.MAX_VALUE - 40 * TICK_NS, -7_000_000_123L, 123_456_789L);
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        final Arbitrary<Long> delta = Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.longs().between(-2 * TICK_NS, 3 * TICK_NS)),
            Tuple.of(4, Arbitraries.longs().between(0, 3 * TICKS_PER_WHEEL * TICK_NS)),
            Tuple.of(1, Arbitraries.longs().between(0, 1_000 * TICKS_PER_WHEEL * TICK_NS)),
            Tuple.of(1, Arbitraries.of(0L, TICK_NS - 1, TICK_NS, TICK_NS + 1)));
        final Arbitrary<Integer> limit = Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(Integer.MAX_VALUE)),
            Tuple.of(1, Arbitraries.integers().between(0, 4)));
        final Arbitrary<Integer> kind = Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.just(0)),
            Tuple.of(2, Arbitraries.just(1)),
            Tuple.of(2, Arbitraries.just(2)),
            Tuple.of(3, Arbitraries.just(3)));
        return Combinators.combine(kind, Arbitraries.integers(), delta, limit).as(Op::new).list().ofMaxSize(120);
    }
}
