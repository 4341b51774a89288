package io.ustack.api.net;

/**
 * IPv4 addresses as {@code int}s in network order (the first octet in the high byte), so the data path makes no
 * object per packet. Helpers to parse and print them for configuration and display.
 */
public final class Ipv4Address
{
    private Ipv4Address()
    {
    }

    /**
     * Parses dotted-quad text such as {@code 198.18.0.1}.
     *
     * @throws IllegalArgumentException saying what form is expected
     */
    public static int parse(final String text)
    {
        final String[] parts = text == null ? new String[0] : text.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("IPv4 address '" + text + "': expected four numbers like 198.18.0.1");
        }
        int address = 0;
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit))
            {
                throw new IllegalArgumentException("IPv4 address '" + text + "': '" + part + "' is not 0..255");
            }
            final int octet = Integer.parseInt(part);
            if (octet > 255)
            {
                throw new IllegalArgumentException("IPv4 address '" + text + "': " + octet + " is not 0..255");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    /** Formats an address as dotted-quad text. */
    public static String toString(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." +
            (address & 0xFF);
    }
}
