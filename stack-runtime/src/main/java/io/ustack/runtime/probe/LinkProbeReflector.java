package io.ustack.runtime.probe;

import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.ProtocolModule;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.DirectBuffer;

/**
 * Answers link probe frames: sends each one back to its sender unchanged but for the addresses. The peer of
 * {@link LinkProbeSender}.
 */
public final class LinkProbeReflector implements ProtocolModule
{
    private final EthernetFrame frame = new EthernetFrame();
    private NetworkInterfaces interfaces;
    private long reflected;

    @Override
    public int etherType()
    {
        return EthernetFrame.ETHER_TYPE_LOCAL_EXPERIMENTAL;
    }

    @Override
    public void onAttach(final NetworkInterfaces interfaces)
    {
        this.interfaces = interfaces;
    }

    @Override
    public void onFrame(final int interfaceIndex, final DirectBuffer buffer, final int frameOffset,
        final int frameLength, final int flags, final long nowNs)
    {
        final EthernetOutput output = interfaces.get(interfaceIndex).output(); // answer on the arrival link
        if (!frame.tryWrap(buffer, frameOffset, frameLength) || frameLength > output.maxFrameLength())
        {
            return;
        }
        final int bufferId = output.claim();
        if (bufferId < 0)
        {
            return;
        }
        output.writeHeader(bufferId, frame.source(), EthernetFrame.ETHER_TYPE_LOCAL_EXPERIMENTAL);
        output.buffer(bufferId).putBytes(EthernetFrame.HEADER_LENGTH, buffer, frame.payloadOffset(),
            frame.payloadLength());
        if (output.send(bufferId, frameLength))
        {
            reflected++;
        }
    }

    @Override
    public int doWork(final long nowNs)
    {
        return 0;
    }

    /** Frames sent back so far (read from the stack's thread, or after it stopped). */
    public long reflected()
    {
        return reflected;
    }
}
