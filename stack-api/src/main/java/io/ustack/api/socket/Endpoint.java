package io.ustack.api.socket;

import io.ustack.api.net.Ipv4Address;

/**
 * A mutable (address, port) pair that receive calls fill in, so receiving allocates nothing.
 */
public final class Endpoint
{
    private int address;
    private int port;

    /** The IPv4 address (network-order int). */
    public int address()
    {
        return address;
    }

    /** The port. */
    public int port()
    {
        return port;
    }

    /** Sets both. */
    public Endpoint set(final int address, final int port)
    {
        this.address = address;
        this.port = port;
        return this;
    }

    @Override
    public String toString()
    {
        return Ipv4Address.toString(address) + ":" + port;
    }
}
