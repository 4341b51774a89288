package io.ustack.cli.bench;

import io.ustack.api.tcp.TcpPolicies;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --baseline mode=DEDICATED,mtu=9000}: puts the named values first on their axes (adding them when the axis
 * list lacks them), so they form the baseline case.
 */
final class BaselineOption
{
    private BaselineOption()
    {
    }

    static BenchMatrix apply(final BenchMatrix m, final String text, final TcpPolicies policies)
    {
        BenchMatrix result = m;
        for (final String raw : text.split(","))
        {
            final String pair = raw.trim();
            final int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1)
            {
                throw new IllegalArgumentException("--baseline " + text + ": give axis=value pairs separated by " +
                    "commas, e.g. mode=DEDICATED,mtu=9000 (axes: " + String.join(", ", BenchCase.AXIS_NAMES) + ")");
            }
            final String axis = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            final String value = pair.substring(eq + 1).trim();
            final String option = "--baseline " + axis;
            result = switch (axis)
            {
                case "mode" -> new BenchMatrix(first(result.modes(), ArgumentParsing.enums(option, value,
                    io.ustack.api.config.ThreadingMode.class)), result.rings(), result.idles(), result.mtus(),
                    result.ccs(), result.nagles(), result.ackPolicies(), result.links());
                case "ring" -> new BenchMatrix(result.modes(), first(result.rings(), ArgumentParsing.enums(option,
                    value, io.ustack.api.config.RingKind.class)), result.idles(), result.mtus(), result.ccs(),
                    result.nagles(), result.ackPolicies(), result.links());
                case "idle" -> new BenchMatrix(result.modes(), result.rings(), first(result.idles(),
                    ArgumentParsing.enums(option, value, io.ustack.api.config.IdleStrategyKind.class)), result.mtus(),
                    result.ccs(), result.nagles(), result.ackPolicies(), result.links());
                case "mtu" -> new BenchMatrix(result.modes(), result.rings(), result.idles(), first(result.mtus(),
                    ArgumentParsing.mtus(value)), result.ccs(), result.nagles(), result.ackPolicies(), result.links());
                case "cc" -> new BenchMatrix(result.modes(), result.rings(), result.idles(), result.mtus(),
                    first(result.ccs(), ArgumentParsing.congestionControls(value, policies)), result.nagles(),
                    result.ackPolicies(), result.links());
                case "nagle" -> new BenchMatrix(result.modes(), result.rings(), result.idles(), result.mtus(),
                    result.ccs(), first(result.nagles(), ArgumentParsing.nagles(value)), result.ackPolicies(),
                    result.links());
                case "ack" -> new BenchMatrix(result.modes(), result.rings(), result.idles(), result.mtus(),
                    result.ccs(), result.nagles(), first(result.ackPolicies(), ArgumentParsing.ackPolicies(value,
                    policies)), result.links());
                case "link" -> new BenchMatrix(result.modes(), result.rings(), result.idles(), result.mtus(),
                    result.ccs(), result.nagles(), result.ackPolicies(), first(result.links(),
                    ArgumentParsing.links(value)));
                default -> throw new IllegalArgumentException("--baseline " + text + ": no axis '" + axis +
                    "'; axes: " + String.join(", ", BenchCase.AXIS_NAMES));
            };
        }
        return result;
    }

    /** {@code values} with the one value of {@code chosen} moved (or added) to the front. */
    private static <T> List<T> first(final List<T> values, final List<T> chosen)
    {
        if (chosen.size() != 1)
        {
            throw new IllegalArgumentException("--baseline takes one value per axis, not " + chosen);
        }
        final List<T> reordered = new ArrayList<>(values);
        reordered.remove(chosen.get(0));
        reordered.add(0, chosen.get(0));
        return reordered;
    }
}
