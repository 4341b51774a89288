package io.ustack.cli;

import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.api.net.MacAddress;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.link.decorator.PcapWriter;
import io.ustack.link.decorator.PcapWriterEndpoint;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import io.ustack.runtime.Stack;
import io.ustack.tcp.TcpSettings;
import org.agrona.concurrent.SystemEpochNanoClock;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The options every command on a real interface shares (--iface, --addr, --gateway, --mac, --netns), as a picocli
 * mixin, and opening a started stack from them on an AF_PACKET endpoint.
 */
final class LinkOptions
{
    @Option(names = "--iface", required = true, description = "Interface to run the stack on, e.g. eth0.")
    String iface;

    @Option(names = "--addr", required = true, description = "The stack's own address and prefix, e.g. 198.18.0.1/24.")
    String address;

    @Option(names = "--gateway", description = "Default gateway for hosts off the subnet.")
    String gateway;

    @Option(names = "--mac", description = "The stack's MAC address (default: the interface's).")
    String mac;

    @Option(names = "--netns", description = "Open the interface inside this network namespace (name or path).")
    String netns;

    @Option(names = "--tso", defaultValue = "LINK", description = "TCP segmentation offload, TCP sending up to 64 KiB "
        + "at once for the device to cut: ${COMPLETION-CANDIDATES} (default LINK: where the driver hands the cut to "
        + "the kernel or NIC, --tx-mode RING_GSO without --pcap; ALWAYS: elsewhere IPv4 cuts in software).")
    SegmentationOffload tso = SegmentationOffload.LINK;

    /** AF_PACKET ring format, transmit mode, geometry and polling (--rx-ring, --tx-mode, ...). */
    @Mixin
    RingOptions ring = new RingOptions();

    /**
     * Opens the interface (inside the namespace when given) and starts a stack named {@code name} owning the address.
     *
     * @throws IllegalStateException when the interface cannot be opened (no such interface, no CAP_NET_RAW, ...)
     */
    Stack openStack(final String name)
    {
        return openStack(name, TcpSettings.defaults(), null);
    }

    /**
     * As {@link #openStack(String)}, with these TCP settings and, when {@code pcap} is not null, every frame the
     * interface sends and receives written to that pcap file (closed when the stack shuts down).
     *
     * @throws IllegalStateException when the interface or the capture file cannot be opened
     */
    Stack openStack(final String name, final TcpSettings tcp, final Path pcap)
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
        LinkEndpoint endpoint;
        try
        {
            endpoint = AfPacketEndpoint.open(ring.applyTo(link));
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(e.getMessage(), e);
        }
        try
        {
            if (pcap != null)
            {
                final SystemEpochNanoClock clock = new SystemEpochNanoClock();
                endpoint = new PcapWriterEndpoint(endpoint, new PcapWriter(pcap, clock));
            }
            final Stack.Builder builder = Stack.builder(StackConfig.builder().name(name).segmentationOffload(tso)
                .build()).iface(endpoint, address).tcp(tcp);
            if (gateway != null)
            {
                builder.defaultGateway(gateway);
            }
            return builder.build().start();
        }
        catch (final IOException e)
        {
            endpoint.close();
            throw new IllegalStateException(e.getMessage(), e);
        }
        catch (final RuntimeException e)
        {
            endpoint.close();
            throw e;
        }
    }
}
