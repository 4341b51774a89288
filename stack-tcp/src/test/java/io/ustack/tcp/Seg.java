package io.ustack.tcp;

import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.agrona.concurrent.UnsafeBuffer;

/** A segment the stack sent, decoded with {@link TcpHeader}; an assertion-friendly value. */
record Seg(int sourcePort, int destinationPort, int seq, int ack, int flags, int window, int mss, int windowScale,
    byte[] payload, boolean checksumOk, boolean sackPermitted, int[] sackBlocks, int optionsLength, boolean timestamps,
    int tsVal, int tsEcr)
{
    static Seg decode(final FakeIp.Datagram d)
    {
        final TcpHeader h = new TcpHeader();
        if (!h.tryWrap(new UnsafeBuffer(d.bytes()), 0, d.bytes().length))
        {
            throw new AssertionError("stack sent a malformed segment: " + h.failure());
        }
        final byte[] payload = new byte[h.payloadLength()];
        h.buffer().getBytes(h.payloadOffset(), payload);
        final int[] sack = new int[2 * h.options().sackBlockCount()];
        for (int b = 0; b < h.options().sackBlockCount(); b++)
        {
            sack[2 * b] = h.options().sackLeft(b);
            sack[2 * b + 1] = h.options().sackRight(b);
        }
        return new Seg(h.sourcePort(), h.destinationPort(), h.sequenceNumber(), h.acknowledgmentNumber(), h.flags(),
            h.window(), h.options().hasMss() ? h.options().mss() : -1,
            h.options().hasWindowScale() ? h.options().windowScale() : -1, payload,
            h.checksumValid(d.source(), d.destination()), h.options().sackPermitted(), sack,
            h.dataOffset() * 4 - 20, h.options().hasTimestamps(), h.options().tsVal(), h.options().tsEcr());
    }

    boolean has(final int flag)
    {
        return (flags & flag) == flag;
    }

    /** Only these flags set (PSH ignored). */
    boolean only(final int flag)
    {
        return (flags & ~TcpHeader.PSH) == flag;
    }

    int length()
    {
        return payload.length;
    }

    /** Sequence space taken: text plus SYN and FIN. */
    int seqEnd()
    {
        return SeqNum.add(seq, payload.length + (has(TcpHeader.SYN) ? 1 : 0) + (has(TcpHeader.FIN) ? 1 : 0));
    }

    @Override
    public String toString()
    {
        final StringBuilder f = new StringBuilder();
        if (has(TcpHeader.SYN))
        {
            f.append("S");
        }
        if (has(TcpHeader.FIN))
        {
            f.append("F");
        }
        if (has(TcpHeader.RST))
        {
            f.append("R");
        }
        if (has(TcpHeader.PSH))
        {
            f.append("P");
        }
        if (has(TcpHeader.ACK))
        {
            f.append(".");
        }
        return sourcePort + ">" + destinationPort + " [" + f + "] seq " + SeqNum.toUnsigned(seq) + " ack " +
            SeqNum.toUnsigned(ack) + " win " + window + " len " + payload.length + (mss >= 0 ? " mss " + mss : "") +
            (sackBlocks.length > 0 ? " sack " + java.util.Arrays.toString(sackBlocks) : "");
    }
}
