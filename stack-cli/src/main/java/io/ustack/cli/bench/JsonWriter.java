package io.ustack.cli.bench;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes values as JSON (RFC 8259): maps (keys in their iteration order), lists, strings, booleans, null, and
 * numbers. Numbers that JSON cannot carry (NaN, infinities) are written as null.
 */
final class JsonWriter
{
    private final StringBuilder out = new StringBuilder();

    /** The value as indented JSON text. */
    static String write(final Object value)
    {
        final JsonWriter writer = new JsonWriter();
        writer.value(value, 0);
        return writer.out.append('\n').toString();
    }

    private void value(final Object value, final int depth)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Map<?, ?> map)
        {
            object(map, depth);
        }
        else if (value instanceof List<?> list)
        {
            array(list, depth);
        }
        else if (value instanceof double[] doubles)
        {
            out.append('[');
            for (int i = 0; i < doubles.length; i++)
            {
                out.append(i == 0 ? "" : ", ");
                value(doubles[i], depth);
            }
            out.append(']');
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double d = ((Number)value).doubleValue();
            out.append(Double.isFinite(d) ? Double.toString(d) : "null");
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            string(value.toString());
        }
    }

    private void object(final Map<?, ?> map, final int depth)
    {
        if (map.isEmpty())
        {
            out.append("{}");
            return;
        }
        out.append("{\n");
        final Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
        while (entries.hasNext())
        {
            final Map.Entry<?, ?> entry = entries.next();
            indent(depth + 1);
            string(String.valueOf(entry.getKey()));
            out.append(": ");
            value(entry.getValue(), depth + 1);
            out.append(entries.hasNext() ? ",\n" : "\n");
        }
        indent(depth);
        out.append('}');
    }

    private void array(final List<?> list, final int depth)
    {
        if (list.isEmpty())
        {
            out.append("[]");
            return;
        }
        out.append("[\n");
        for (int i = 0; i < list.size(); i++)
        {
            indent(depth + 1);
            value(list.get(i), depth + 1);
            out.append(i + 1 < list.size() ? ",\n" : "\n");
        }
        indent(depth);
        out.append(']');
    }

    private void string(final String s)
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private void indent(final int depth)
    {
        out.append("  ".repeat(depth));
    }
}
