package io.ustack.link.decorator;

import io.ustack.api.counter.DropReason;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.api.net.MacAddress;
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
 * speed matters.
 */
public final class TracingEndpoint implements LinkEndpoint
{
    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int ETHER_TYPE_OFFSET = 12;

    private final LinkEndpoint inner;
    private final Consumer<String> lines;
    private final TracingHandler tracingHandler = new TracingHandler();

    /** Traces {@code inner} to {@code lines}, one call per frame. */
    public TracingEndpoint(final LinkEndpoint inner, final Consumer<String> lines)
    {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.lines = Objects.requireNonNull(lines, "lines");
    }

    /** Traces {@code inner} to {@code out}, one line per frame. */
    public TracingEndpoint(final LinkEndpoint inner, final PrintStream out)
    {
        this(inner, Objects.requireNonNull(out, "out")::println);
    }

    @Override
    public String name()
    {
        return inner.name();
    }

    @Override
    public long macAddress()
    {
        return inner.macAddress();
    }

    @Override
    public int mtu()
    {
        return inner.mtu();
    }

    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        tracingHandler.delegate = handler;
        try
        {
            return inner.receive(tracingHandler, limit);
        }
        finally
        {
            tracingHandler.delegate = null;
        }
    }

    @Override
    public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
    {
        final boolean accepted = inner.transmit(buffer, offset, length);
        lines.accept(describe(accepted ? "TX" : "TX refused", buffer, offset, length));
        return accepted;
    }

    @Override
    public int flush()
    {
        return inner.flush();
    }

    @Override
    public void close()
    {
        inner.close();
    }

    /** One line for a frame: direction, length, source and destination MAC, EtherType. */
    String describe(final String direction, final DirectBuffer buffer, final int offset, final int length)
    {
        final StringBuilder line = new StringBuilder(96)
            .append(inner.name()).append(' ').append(direction).append(' ').append(length).append(" bytes");
        if (length < ETHERNET_HEADER_LENGTH)
        {
            return line.append(" (shorter than an Ethernet header)").toString();
        }
        final int etherType = buffer.getShort(offset + ETHER_TYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return line.append(' ').append(MacAddress.toString(MacAddress.read(buffer, offset + MacAddress.LENGTH)))
            .append(" > ").append(MacAddress.toString(MacAddress.read(buffer, offset)))
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

    /** Traces each received frame or drop, then hands it on. */
    private final class TracingHandler implements RxFrameHandler
    {
        private RxFrameHandler delegate;

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            lines.accept(describe("RX", buffer, offset, length));
            delegate.onFrame(buffer, offset, length);
        }

        @Override
        public void onDrop(final DropReason reason)
        {
            lines.accept(inner.name() + " RX drop " + reason + " (" + reason.label() + ")");
            delegate.onDrop(reason);
        }
    }
}
