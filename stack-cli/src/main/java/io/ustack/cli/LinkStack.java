package io.ustack.cli;

import io.ustack.api.config.StackConfig;
import io.ustack.api.net.MacAddress;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import io.ustack.runtime.Stack;

import java.io.IOException;

/** Opens a started stack on an AF_PACKET endpoint the way every interface command does (--iface, --addr, ...). */
final class LinkStack
{
    private LinkStack()
    {
    }

    /**
     * Opens {@code iface} (inside {@code netns} when given) and starts a stack owning {@code address}.
     *
     * @throws IllegalStateException when the interface cannot be opened (no such interface, no CAP_NET_RAW, ...)
     */
    static Stack open(final String name, final String iface, final String address, final String gateway,
        final String mac, final String netns) throws IOException
    {
        final AfPacketConfig.Builder link = AfPacketConfig.builder(iface);
        if (netns != null)
        {
            link.namespace(netns);
        }
        if (mac != null)
        {
            link.macAddress(MacAddress.parse(mac).bits());
        }
        final AfPacketEndpoint endpoint;
        try
        {
            endpoint = AfPacketEndpoint.open(link.build());
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(e.getMessage(), e);
        }
        final Stack.Builder builder = Stack.builder(StackConfig.builder().name(name).build()).iface(endpoint, address);
        try
        {
            if (gateway != null)
            {
                builder.defaultGateway(gateway);
            }
            return builder.build().start();
        }
        catch (final RuntimeException e)
        {
            endpoint.close();
            throw e;
        }
    }
}
