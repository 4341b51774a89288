package io.ustack.api.tcp;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Named tunables handed to a policy factory when a policy is created (e.g. {@code delayMs=40} for delayed ACK,
 * {@code cwndBytes=65536} for a fixed window): the researcher's knobs, read once at creation, never per segment.
 *
 * <p>Immutable. Written {@code key=value,key=value} on the command line ({@link #parse(String)}). A policy calls
 * {@link #requireOnly(String, String...)} first, so a misspelt key is an error rather than a silently ignored knob.
 */
public final class TcpPolicySettings
{
    /** No settings: every policy's defaults. */
    public static final TcpPolicySettings EMPTY = new TcpPolicySettings(new TreeMap<>());

    private final Map<String, String> values;

    private TcpPolicySettings(final TreeMap<String, String> values)
    {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Settings from a map of keys to values.
     *
     * @param values keys and their values, copied
     * @return the settings
     */
    public static TcpPolicySettings of(final Map<String, String> values)
    {
        final TreeMap<String, String> copy = new TreeMap<>();
        for (final Map.Entry<String, String> e : values.entrySet())
        {
            copy.put(Objects.requireNonNull(e.getKey(), "key").trim(),
                Objects.requireNonNull(e.getValue(), "value of " + e.getKey()).trim());
        }
        return new TcpPolicySettings(copy);
    }

    /**
     * Parses {@code key=value,key=value}; an empty or blank string gives {@link #EMPTY}.
     *
     * @param text the settings as written on a command line
     * @return the settings
     * @throws IllegalArgumentException when an item has no {@code =} or an empty key
     */
    public static TcpPolicySettings parse(final String text)
    {
        final TreeMap<String, String> map = new TreeMap<>();
        if (text.isBlank())
        {
            return EMPTY;
        }
        for (final String item : text.split(","))
        {
            final int eq = item.indexOf('=');
            if (eq <= 0 || item.substring(0, eq).isBlank())
            {
                throw new IllegalArgumentException("policy setting '" + item + "' in '" + text +
                    "' is not key=value");
            }
            map.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return new TcpPolicySettings(map);
    }

    /** The keys and values, sorted by key, unmodifiable. */
    public Map<String, String> asMap()
    {
        return values;
    }

    /**
     * Fails when a key is not one the policy knows.
     *
     * @param policyName the policy, for the message
     * @param knownKeys every key the policy reads
     * @throws IllegalArgumentException naming the unknown key and the known ones
     */
    public void requireOnly(final String policyName, final String... knownKeys)
    {
        for (final String key : values.keySet())
        {
            if (!Arrays.asList(knownKeys).contains(key))
            {
                throw new IllegalArgumentException("policy '" + policyName + "' has no setting '" + key +
                    "'; its settings are " + (knownKeys.length == 0 ? "none" : String.join(", ", knownKeys)));
            }
        }
    }

    /**
     * A text value.
     *
     * @param key the setting
     * @param defaultValue returned when the setting is absent
     * @return the value
     */
    public String string(final String key, final String defaultValue)
    {
        return values.getOrDefault(key, defaultValue);
    }

    /**
     * A whole-number value within bounds.
     *
     * @param key the setting
     * @param defaultValue returned when the setting is absent
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return the value
     * @throws IllegalArgumentException when the value is not a number or out of bounds
     */
    public long longValue(final String key, final long defaultValue, final long min, final long max)
    {
        final String text = values.get(key);
        if (text == null)
        {
            return defaultValue;
        }
        final long value;
        try
        {
            value = Long.parseLong(text.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("policy setting " + key + "=" + text + " is not a whole number", ex);
        }
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("policy setting " + key + "=" + text + " is outside " + min + ".." +
                max);
        }
        return value;
    }

    /**
     * A boolean value ({@code true}/{@code false}, any case).
     *
     * @param key the setting
     * @param defaultValue returned when the setting is absent
     * @return the value
     * @throws IllegalArgumentException when the value is neither true nor false
     */
    public boolean booleanValue(final String key, final boolean defaultValue)
    {
        final String text = values.get(key);
        if (text == null)
        {
            return defaultValue;
        }
        if ("true".equalsIgnoreCase(text))
        {
            return true;
        }
        if ("false".equalsIgnoreCase(text))
        {
            return false;
        }
        throw new IllegalArgumentException("policy setting " + key + "=" + text + " is not true or false");
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof TcpPolicySettings && ((TcpPolicySettings)o).values.equals(values);
    }

    @Override
    public int hashCode()
    {
        return values.hashCode();
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Map.Entry<String, String> e : values.entrySet())
        {
            sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }
}
