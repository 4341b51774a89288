package io.ustack.bench.driver;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} command-line options of the harnesses. */
public final class Options
{
    private Options()
    {
    }

    /** Parses {@code --name value} pairs; any name outside {@code known} is an error that lists the known ones. */
    public static Map<String, String> parse(final String[] args, final String... known)
    {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2)
        {
            if (!List.of(known).contains(args[i]) || i + 1 == args.length)
            {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i] + " (options: " +
                    String.join(" ", known) + ", each followed by a value)");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    /** The value of a required option, or an error naming it. */
    public static String required(final Map<String, String> options, final String name)
    {
        final String value = options.get(name);
        if (value == null)
        {
            throw new IllegalArgumentException("missing option " + name);
        }
        return value;
    }
}
