package io.ustack.runtime;

import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.ProtocolModule;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/** A test protocol module: records the frames it receives and sends what a test asks it to on its next cycle. */
final class RecordingModule implements ProtocolModule
{
    private final int etherType;
    final List<byte[]> received = new ArrayList<>();
    EthernetOutput output;
    int framesToSend;
    long destinationMac;
    int payloadLength = 46;

    RecordingModule(final int etherType)
    {
        this.etherType = etherType;
    }

    @Override
    public int etherType()
    {
        return etherType;
    }

    @Override
    public void onAttach(final NetworkInterfaces interfaces)
    {
        final EthernetOutput output = interfaces.get(0).output();
        this.output = output;
    }

    @Override
    public void onFrame(final int interfaceIndex, final DirectBuffer buffer, final int frameOffset,
        final int frameLength, final int flags, final long nowNs)
    {
        final byte[] copy = new byte[frameLength];
        buffer.getBytes(frameOffset, copy);
        received.add(copy);
    }

    @Override
    public int doWork(final long nowNs)
    {
        int sent = 0;
        while (framesToSend > 0)
        {
            framesToSend--;
            final int id = output.claim();
            if (id < 0)
            {
                continue;
            }
            output.writeHeader(id, destinationMac, etherType);
            output.buffer(id).setMemory(14, payloadLength, (byte)0x5A);
            output.send(id, 14 + payloadLength);
            sent++;
        }
        return sent;
    }
}
