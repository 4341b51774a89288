package io.ustack.link.decorator;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.net.MacAddress;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.DirectBuffer;

import java.io.PrintStream;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes one line per frame through the endpoint it wraps, for debugging:
 * <pre>
 * wire-a TX 60 bytes 02:00:00:00:00:01 &gt; 02:00:00:00:00:02 type 0x0800 IPv4
 * wire-a RX drop LINK_BAD_FCS (frame check sequence mismatch)
 * </pre>
 * This is a debugging tool: it builds a {@code String} per frame (it allocates), so keep it off a link where
 * speed matters. It passes the inner endpoint's segmentation offload through, tracing a frame to cut as one line
 * ({@code TX cut 1448}) since it changes nothing in it.
 */
public final class TracingEndpoint extends ObservingEndpoint
{
    private final Consumer<String> lines;

    /** Traces {@code inner} to {@code lines}, one call per frame. */
    public TracingEndpoint(final LinkEndpoint inner, final Consumer<String> lines)
    {
        super(inner);
        this.lines = Objects.requireNonNull(lines, "lines");
    }

    /** Traces {@code inner} to {@code out}, one line per frame. */
    public TracingEndpoint(final LinkEndpoint inner, final PrintStream out)
    {
        this(inner, Objects.requireNonNull(out, "out")::println);
    }

    @Override
    public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
    {
        final boolean accepted = inner.transmit(buffer, offset, length);
        lines.accept(describe(accepted ? "TX" : "TX refused", buffer, offset, length));
        return accepted;
    }

    @Override
    public int segmentationOffloadLimit()
    {
        return inner.segmentationOffloadLimit();
    }

    @Override
    public boolean transmitSegmented(final DirectBuffer buffer, final int offset, final int length,
        final int segmentSize)
    {
        final boolean accepted = inner.transmitSegmented(buffer, offset, length, segmentSize);
        lines.accept(describe((accepted ? "TX cut " : "TX cut refused ") + segmentSize, buffer, offset, length));
        return accepted;
    }

    /** One line for a frame: direction, length, source and destination MAC, EtherType. */
    String describe(final String direction, final DirectBuffer buffer, final int offset, final int length)
    {
        final StringBuilder line = new StringBuilder(96)
            .append(inner.name()).append(' ').append(direction).append(' ').append(length).append(" bytes");
        if (length < EthernetFrame.HEADER_LENGTH)
        {
            return line.append(" (shorter than an Ethernet header)").toString();
        }
        final int etherType = buffer.getShort(offset + EthernetFrame.ETHER_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return line.append(' ').append(MacAddress.toString(MacAddress.read(buffer, offset + EthernetFrame.SOURCE_OFFSET)))
            .append(" > ").append(MacAddress.toString(MacAddress.read(buffer, offset + EthernetFrame.DESTINATION_OFFSET)))
            .append(" type 0x").append(String.format("%04x", etherType)).append(' ').append(etherTypeName(etherType))
            .toString();
    }

    private static String etherTypeName(final int etherType)
    {
        if (etherType < 0x0600)
        {
            return "802.3 length";
        }
        switch (etherType)
        {
            case 0x0800:
                return "IPv4";
            case 0x0806:
                return "ARP";
            case 0x86DD:
                return "IPv6";
            case 0x8100:
                return "802.1Q";
            default:
                return "unknown";
        }
    }

    @Override
    void onReceived(final DirectBuffer buffer, final int offset, final int length)
    {
        lines.accept(describe("RX", buffer, offset, length));
    }

    @Override
    void onReceiveDropped(final DropReason reason)
    {
        lines.accept(inner.name() + " RX drop " + reason + " (" + reason.label() + ")");
    }
}
