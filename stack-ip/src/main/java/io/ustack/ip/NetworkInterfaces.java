package io.ustack.ip;

import java.util.Arrays;
import java.util.List;

/** The stack's interfaces, fixed once it is built; indexable without allocation. */
public final class NetworkInterfaces
{
    private final NetworkInterface[] interfaces;

    /** @param interfaces in index order (interface i must have index i) */
    public NetworkInterfaces(final List<NetworkInterface> interfaces)
    {
        this.interfaces = interfaces.toArray(new NetworkInterface[0]);
        for (int i = 0; i < this.interfaces.length; i++)
        {
            if (this.interfaces[i].index() != i)
            {
                throw new IllegalArgumentException("interface " + this.interfaces[i] + " is at position " + i);
            }
        }
    }

    /** How many. */
    public int count()
    {
        return interfaces.length;
    }

    /** Interface {@code index}. */
    public NetworkInterface get(final int index)
    {
        return interfaces[index];
    }

    /** The interface whose IPv4 address is {@code address}, or null. */
    public NetworkInterface byAddress(final int address)
    {
        for (final NetworkInterface candidate : interfaces)
        {
            if (candidate.hasAddress() && candidate.ipv4Address() == address)
            {
                return candidate;
            }
        }
        return null;
    }

    /** All of them, for iteration off the data path. */
    public List<NetworkInterface> asList()
    {
        return Arrays.asList(interfaces);
    }
}
