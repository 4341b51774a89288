package io.ustack.api.net;

/**
 * An IPv4 address with a prefix length, as in {@code 198.18.0.1/24}: an interface address together with its subnet,
 * or a route's destination.
 *
 * @param address      the address (network order int)
 * @param prefixLength 0..32
 */
public record Ipv4Prefix(int address, int prefixLength)
{
    /** Checks the prefix length. */
    public Ipv4Prefix
    {
        if (prefixLength < 0 || prefixLength > 32)
        {
            throw new IllegalArgumentException("prefix length " + prefixLength + ": use 0..32");
        }
    }

    /**
     * Parses {@code a.b.c.d/n}; a bare address means {@code /32}.
     *
     * @throws IllegalArgumentException saying what form is expected
     */
    public static Ipv4Prefix parse(final String text)
    {
        if (text == null)
        {
            throw new IllegalArgumentException("IPv4 prefix missing: expected e.g. 198.18.0.1/24");
        }
        final int slash = text.indexOf('/');
        if (slash < 0)
        {
            return new Ipv4Prefix(Ipv4Address.parse(text), 32);
        }
        final String length = text.substring(slash + 1);
        if (length.isEmpty() || length.length() > 2 || !length.chars().allMatch(Character::isDigit))
        {
            throw new IllegalArgumentException("IPv4 prefix '" + text + "': '" + length + "' is not a length 0..32");
        }
        return new Ipv4Prefix(Ipv4Address.parse(text.substring(0, slash)), Integer.parseInt(length));
    }

    /** The netmask as an int (e.g. 0xFFFFFF00 for /24). */
    public int mask()
    {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** The network address (host bits cleared). */
    public int network()
    {
        return address & mask();
    }

    /** The subnet's directed broadcast address (all host bits set). */
    public int broadcast()
    {
        return address | ~mask();
    }

    /** Whether {@code candidate} lies inside this prefix. */
    public boolean contains(final int candidate)
    {
        return (candidate & mask()) == network();
    }

    @Override
    public String toString()
    {
        return Ipv4Address.toString(address) + "/" + prefixLength;
    }
}
