package io.ustack.cli.bench;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.RingKind;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.tcp.TcpPolicies;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code ustack bench}'s text options into values; every refusal is an {@link IllegalArgumentException}
 * whose message names the option, the bad value and what would be accepted.
 */
final class ArgumentParsing
{
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)",
        Pattern.CASE_INSENSITIVE);

    private ArgumentParsing()
    {
    }

    /** A comma-separated list of enum constants, case-insensitive, duplicates removed, order kept. */
    static <E extends Enum<E>> List<E> enums(final String option, final String text, final Class<E> type)
    {
        return list(option, text, item ->
        {
            try
            {
                return Enum.valueOf(type, item.toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException e)
            {
                throw new IllegalArgumentException(option + " " + item + ": use one of " +
                    Arrays.toString(type.getEnumConstants()).replaceAll("[\\[\\]]", ""));
            }
        });
    }

    static List<ThreadingMode> modes(final String text)
    {
        return enums("--mode", text, ThreadingMode.class);
    }

    static List<RingKind> rings(final String text)
    {
        return enums("--ring", text, RingKind.class);
    }

    static List<IdleStrategyKind> idles(final String text)
    {
        return enums("--idle", text, IdleStrategyKind.class);
    }

    static List<LinkKind> links(final String text)
    {
        return enums("--link", text, LinkKind.class);
    }

    /** MTUs the stack accepts (StackConfig: 576..9000). */
    static List<Integer> mtus(final String text)
    {
        return list("--mtu", text, item ->
        {
            final int mtu = integer("--mtu", item);
            if (mtu < 576 || mtu > 9000)
            {
                throw new IllegalArgumentException("--mtu " + item + ": use an IP MTU from 576 to 9000, e.g. 1500 " +
                    "or 9000");
            }
            return mtu;
        });
    }

    /** Congestion-control names, checked against what {@link TcpPolicies} finds on the class path now. */
    static List<String> congestionControls(final String text, final TcpPolicies policies)
    {
        return names("--cc", text, policies.congestionControlNames(), "congestion control");
    }

    /** ACK-policy names, checked against what {@link TcpPolicies} finds on the class path now. */
    static List<String> ackPolicies(final String text, final TcpPolicies policies)
    {
        return names("--ack", text, policies.ackPolicyNames(), "ACK policy");
    }

    /** "on"/"off" (also true/false, yes/no) to Nagle's algorithm on or off. */
    static List<Boolean> nagles(final String text)
    {
        return list("--nagle", text, item -> switch (item.toLowerCase(Locale.ROOT))
        {
            case "on", "true", "yes" -> Boolean.TRUE;
            case "off", "false", "no" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("--nagle " + item + ": use on or off (e.g. --nagle on,off)");
        });
    }

    /** One on/off switch (also true/false, yes/no). */
    static boolean onOff(final String option, final String text)
    {
        return switch (text.trim().toLowerCase(Locale.ROOT))
        {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException(option + " " + text + ": use on or off");
        };
    }

    /** Idle-connection targets, ascending; "none" or "0" for none. */
    static List<Integer> idleTargets(final String text)
    {
        if (text.isBlank() || text.trim().equalsIgnoreCase("none") || text.trim().equals("0"))
        {
            return List.of();
        }
        final List<Integer> targets = new ArrayList<>(list("--idle-connections", text, item ->
        {
            final int n = integer("--idle-connections", item);
            if (n < 1 || n > 1_000_000)
            {
                throw new IllegalArgumentException("--idle-connections " + item + ": use 1 to 1000000 connections " +
                    "(or none)");
            }
            return n;
        }));
        targets.sort(null);
        return targets;
    }

    /** A byte count: digits with an optional binary suffix (K/KiB, M/MiB, G/GiB); "256MiB", "10GiB", "65536". */
    static long bytes(final String option, final String text)
    {
        final Matcher m = SIZE.matcher(text.trim());
        if (!m.matches())
        {
            throw new IllegalArgumentException(option + " " + text + ": give a byte count such as 268435456, " +
                "256MiB or 10GiB");
        }
        final int shift = switch (m.group(2).toLowerCase(Locale.ROOT))
        {
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            case "g", "gb", "gib" -> 30;
            default -> 0;
        };
        try
        {
            final long value = Long.parseLong(m.group(1));
            if (value > (Long.MAX_VALUE >> shift))
            {
                throw new NumberFormatException();
            }
            return value << shift;
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(option + " " + text + ": too large");
        }
    }

    /** A whole number at least {@code min}. */
    static int atLeast(final String option, final int value, final int min)
    {
        if (value < min)
        {
            throw new IllegalArgumentException(option + " " + value + ": use at least " + min);
        }
        return value;
    }

    private static List<String> names(final String option, final String text, final List<String> known,
        final String kind)
    {
        return list(option, text, item ->
        {
            final String name = item.toLowerCase(Locale.ROOT);
            if (!known.contains(name))
            {
                throw new IllegalArgumentException(option + " " + item + ": no " + kind + " by that name; " +
                    "installed: " + String.join(", ", known));
            }
            return name;
        });
    }

    private static int integer(final String option, final String item)
    {
        try
        {
            return Integer.parseInt(item);
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(option + " " + item + ": not a whole number");
        }
    }

    private static <T> List<T> list(final String option, final String text, final Function<String, T> parse)
    {
        final List<T> values = new ArrayList<>();
        for (final String raw : text.split(","))
        {
            final String item = raw.trim();
            if (item.isEmpty())
            {
                throw new IllegalArgumentException(option + " '" + text + "': an empty value; give a " +
                    "comma-separated list such as a,b");
            }
            final T value = parse.apply(item);
            if (!values.contains(value))
            {
                values.add(value);
            }
        }
        return values;
    }
}
