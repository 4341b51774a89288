package io.ustack.link;

import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;

/**
 * A test endpoint that receives nothing and needs no flushing or closing: tests extend it with the transmit side
 * they look at. MTU 1500, a fixed locally administered MAC.
 */
public abstract class SilentEndpoint implements LinkEndpoint
{
    private final String name;

    protected SilentEndpoint(final String name)
    {
        this.name = name;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public long macAddress()
    {
        return 0x0200_0000_0001L;
    }

    @Override
    public int mtu()
    {
        return 1500;
    }

    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        return 0;
    }

    @Override
    public int flush()
    {
        return 0;
    }

    @Override
    public void close()
    {
    }
}
