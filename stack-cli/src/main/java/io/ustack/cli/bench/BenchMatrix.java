package io.ustack.cli.bench;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.RingKind;
import io.ustack.api.config.ThreadingMode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The values chosen on each axis, and the cases made from them. The first value of every axis forms the baseline
 * case. {@link Shape#VARY_ONE} then changes one axis at a time (the baseline plus one case per other value: the
 * effect of each setting alone, and few cases); {@link Shape#CROSS} runs every combination.
 */
record BenchMatrix(List<ThreadingMode> modes, List<RingKind> rings, List<IdleStrategyKind> idles, List<Integer> mtus,
    List<String> ccs, List<Boolean> nagles, List<String> ackPolicies, List<LinkKind> links)
{
    /** How the axes combine into cases. */
    enum Shape
    {
        /** The baseline, then each other value of each axis with the rest at the baseline. */
        VARY_ONE,
        /** Every combination of every axis's values. */
        CROSS
    }

    /** The first value of every axis. */
    BenchCase baseline()
    {
        return new BenchCase(modes.get(0), rings.get(0), idles.get(0), mtus.get(0), ccs.get(0), nagles.get(0),
            ackPolicies.get(0), links.get(0));
    }

    /** The cases, baseline first, without duplicates. */
    List<BenchCase> cases(final Shape shape)
    {
        final LinkedHashSet<BenchCase> cases = new LinkedHashSet<>();
        final BenchCase b = baseline();
        cases.add(b);
        if (shape == Shape.VARY_ONE)
        {
            modes.forEach(v -> cases.add(new BenchCase(v, b.ring(), b.idle(), b.mtu(),
                b.cc(), b.nagle(), b.ackPolicy(), b.link())));
            rings.forEach(v -> cases.add(new BenchCase(b.mode(), v, b.idle(), b.mtu(),
                b.cc(), b.nagle(), b.ackPolicy(), b.link())));
            idles.forEach(v -> cases.add(new BenchCase(b.mode(), b.ring(), v, b.mtu(),
                b.cc(), b.nagle(), b.ackPolicy(), b.link())));
            mtus.forEach(v -> cases.add(new BenchCase(b.mode(), b.ring(), b.idle(), v,
                b.cc(), b.nagle(), b.ackPolicy(), b.link())));
            ccs.forEach(v -> cases.add(new BenchCase(b.mode(), b.ring(), b.idle(), b.mtu(),
                v, b.nagle(), b.ackPolicy(), b.link())));
            nagles.forEach(v -> cases.add(new BenchCase(b.mode(), b.ring(), b.idle(), b.mtu(),
                b.cc(), v, b.ackPolicy(), b.link())));
            ackPolicies.forEach(v -> cases.add(new BenchCase(b.mode(), b.ring(), b.idle(), b.mtu(),
                b.cc(), b.nagle(), v, b.link())));
            links.forEach(v -> cases.add(new BenchCase(b.mode(), b.ring(), b.idle(), b.mtu(),
                b.cc(), b.nagle(), b.ackPolicy(), v)));
            return new ArrayList<>(cases);
        }
        for (final ThreadingMode mode : modes)
        {
            for (final RingKind ring : rings)
            {
                for (final IdleStrategyKind idle : idles)
                {
                    for (final int mtu : mtus)
                    {
                        for (final String cc : ccs)
                        {
                            for (final boolean nagle : nagles)
                            {
                                for (final String ack : ackPolicies)
                                {
                                    for (final LinkKind link : links)
                                    {
                                        cases.add(new BenchCase(mode, ring, idle, mtu, cc, nagle, ack, link));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new ArrayList<>(cases);
    }
}
