package io.ustack.api.counter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The check behind the append-only enums whose type ids are written to the counters file ({@link DropReason},
 * {@link CounterDescriptor}): the constants frozen when ids became explicit keep their ids and places, no two
 * constants share an id, and later constants were appended with increasing ids.
 */
final class FrozenIds
{
    private FrozenIds()
    {
    }

    /**
     * What is wrong with constants {@code names} (declaration order) carrying {@code ids}, against {@code frozen}
     * where {@code frozen[i]} has id {@code firstId + i}; empty when nothing is.
     */
    static List<String> problems(final String enumName, final String[] frozen, final int firstId,
        final String[] names, final int[] ids)
    {
        final List<String> problems = new ArrayList<>();
        final Map<Integer, String> byId = new HashMap<>();
        for (int i = 0; i < names.length; i++)
        {
            final String other = byId.putIfAbsent(ids[i], names[i]);
            if (other != null)
            {
                problems.add(names[i] + " and " + other + " have the same id " + ids[i] + ": give the later one " +
                    "the next free id");
            }
        }
        final List<String> declared = Arrays.asList(names);
        for (int i = 0; i < frozen.length; i++)
        {
            final int at = declared.indexOf(frozen[i]);
            if (at < 0)
            {
                problems.add(frozen[i] + " is missing: constants are never removed (keep it, documented as retired)");
                continue;
            }
            if (ids[at] != firstId + i)
            {
                problems.add(frozen[i] + " has id " + ids[at] + ", frozen as " + (firstId + i) + ": ids never " +
                    "change");
            }
            if (at != i)
            {
                problems.add(frozen[i] + " moved from place " + i + " to " + at + ": append new constants at the " +
                    "end of " + enumName + ", never reorder or insert (the counters file lists them in this order)");
            }
        }
        for (int i = Math.max(1, frozen.length); i < names.length; i++)
        {
            if (ids[i] <= ids[i - 1])
            {
                problems.add(names[i] + " has id " + ids[i] + ", not above " + names[i - 1] + "'s " + ids[i - 1] +
                    ": append new constants at the end with the next id");
            }
        }
        return problems;
    }
}
