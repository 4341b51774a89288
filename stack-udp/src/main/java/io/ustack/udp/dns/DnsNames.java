package io.ustack.udp.dns;

import java.util.Locale;

/**
 * Host names as the resolver accepts them (RFC 1035 §2.3.1 preferred syntax, with RFC 1123 §2.1 allowing a leading
 * digit, and '_' tolerated), and names read off the wire as text.
 */
final class DnsNames
{
    /** RFC 1035 §2.3.4: labels are 63 octets or less. */
    static final int MAX_LABEL = 63;
    /** RFC 1035 §2.3.4: names are 255 octets or less on the wire (length octets and the root included). */
    static final int MAX_WIRE_NAME = 255;

    private DnsNames()
    {
    }

    /**
     * Checks a host name and returns its canonical form: lower case, no trailing dot.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static String canonical(final String name)
    {
        if (name == null)
        {
            throw new IllegalArgumentException("host name is null");
        }
        String n = name;
        if (n.endsWith("."))
        {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty())
        {
            throw new IllegalArgumentException("host name '" + name + "' is empty");
        }
        int wireLength = 1; // the root label
        int labelStart = 0;
        for (int i = 0; i <= n.length(); i++)
        {
            if (i == n.length() || n.charAt(i) == '.')
            {
                final int labelLength = i - labelStart;
                if (labelLength == 0)
                {
                    throw new IllegalArgumentException("host name '" + name + "' has an empty label");
                }
                if (labelLength > MAX_LABEL)
                {
                    throw new IllegalArgumentException("host name '" + name + "' has a label of " + labelLength +
                        " characters: RFC 1035 §2.3.4 allows 63");
                }
                if (n.charAt(labelStart) == '-' || n.charAt(i - 1) == '-')
                {
                    throw new IllegalArgumentException("host name '" + name + "': a label may not start or end with '-'");
                }
                wireLength += labelLength + 1;
                labelStart = i + 1;
                continue;
            }
            final char c = n.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'))
            {
                throw new IllegalArgumentException("host name '" + name + "' has the character '" + c +
                    "': use letters, digits, '-' and '.'");
            }
        }
        if (wireLength > MAX_WIRE_NAME)
        {
            throw new IllegalArgumentException("host name '" + name + "' is " + wireLength +
                " octets on the wire: RFC 1035 §2.3.4 allows 255");
        }
        return n.toLowerCase(Locale.ROOT);
    }

    /** A dotted-quad IPv4 literal as an unsigned int, or -1 when {@code name} is not one. */
    static long parseIpv4Literal(final String name)
    {
        final String[] parts = name.split("\\.", -1);
        if (parts.length != 4)
        {
            return -1;
        }
        long address = 0;
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9'))
            {
                return -1;
            }
            final int value = Integer.parseInt(part);
            if (value > 255)
            {
                return -1;
            }
            address = address << 8 | value;
        }
        return address;
    }

    /**
     * Appends a label read off the wire, as RFC 1035 §5.1 writes names in text: '.' and '\' escaped with '\', other
     * octets outside printable ASCII as {@code \DDD}, letters in lower case (RFC 1035 §2.3.3: case-insensitive). So
     * a label holding a '.' cannot pass for two labels.
     */
    static void appendLabel(final StringBuilder out, final byte[] message, final int offset, final int length)
    {
        for (int i = offset; i < offset + length; i++)
        {
            final int b = message[i] & 0xFF;
            if (b == '.' || b == '\\')
            {
                out.append('\\').append((char)b);
            }
            else if (b <= 0x20 || b >= 0x7F)
            {
                out.append('\\').append((char)('0' + b / 100)).append((char)('0' + b / 10 % 10))
                    .append((char)('0' + b % 10));
            }
            else
            {
                out.append(Character.toLowerCase((char)b));
            }
        }
    }
}
