package io.ustack.runtime.probe;

import io.ustack.ip.EthernetOutput;
import io.ustack.ip.NetworkInterfaces;
import io.ustack.ip.ProtocolModule;
import io.ustack.link.wire.EthernetFrame;
import org.agrona.DirectBuffer;

import java.util.BitSet;

/**
 * Sends numbered probe frames to a peer's {@link LinkProbeReflector} and checks what comes back: every byte of every
 * echo, duplicates, losses and round-trip times. Keeps at most a window of probes outstanding; a probe not echoed
 * within the loss timeout is given up as lost, so a lossy wire cannot stall it.
 *
 * <p>State is written on the stack's thread; the progress accessors are safe to read from any thread.
 */
public final class LinkProbeSender implements ProtocolModule
{
    private final long peerMac;
    private final long frameCount;
    private final int payloadLength;
    private final int window;
    private final long lossTimeoutNs;
    private final BitSet echoedSequences;
    private final EthernetFrame frame = new EthernetFrame();
    private EthernetOutput output;

    private volatile long sent;
    private volatile long echoed;
    private volatile long duplicates;
    private volatile long corrupted;
    private volatile long rttSumNs;
    private volatile long rttMaxNs;
    private long rttMinNs = Long.MAX_VALUE;
    private long lastProgressNs;
    private long givenUp;

    /**
     * @param peerMac       the reflector's MAC
     * @param frameCount    probes to send in all
     * @param payloadLength bytes of probe body per frame (20..mtu)
     * @param window        most probes outstanding at once
     * @param lossTimeoutNs how long without any echo before outstanding probes count as lost
     */
    public LinkProbeSender(final long peerMac, final long frameCount, final int payloadLength, final int window,
        final long lossTimeoutNs)
    {
        if (frameCount < 1 || frameCount > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("probe frame count " + frameCount + ": use 1.." + Integer.MAX_VALUE);
        }
        if (payloadLength < ProbePayload.PATTERN_OFFSET)
        {
            throw new IllegalArgumentException("probe payload " + payloadLength + " bytes: use at least " +
                ProbePayload.PATTERN_OFFSET);
        }
        if (window < 1)
        {
            throw new IllegalArgumentException("probe window " + window + ": use at least 1");
        }
        this.peerMac = peerMac;
        this.frameCount = frameCount;
        this.payloadLength = payloadLength;
        this.window = window;
        this.lossTimeoutNs = lossTimeoutNs;
        this.echoedSequences = new BitSet((int)frameCount);
    }

    @Override
    public int etherType()
    {
        return EthernetFrame.ETHER_TYPE_LOCAL_EXPERIMENTAL;
    }

    @Override
    public void onAttach(final NetworkInterfaces interfaces)
    {
        final EthernetOutput output = interfaces.get(0).output();
        if (payloadLength + EthernetFrame.HEADER_LENGTH > output.maxFrameLength())
        {
            throw new IllegalArgumentException("probe payload " + payloadLength + " bytes does not fit a " +
                output.maxFrameLength() + "-byte packet buffer");
        }
        this.output = output;
    }

    @Override
    public int doWork(final long nowNs)
    {
        if (lastProgressNs == 0)
        {
            lastProgressNs = nowNs;
        }
        if (outstanding() > 0 && nowNs - (lastProgressNs + lossTimeoutNs) >= 0)
        {
            givenUp = sent - echoed; // the wire lost them; stop waiting
            lastProgressNs = nowNs;
        }
        int work = 0;
        while (sent < frameCount && outstanding() < window)
        {
            final int bufferId = output.claim();
            if (bufferId < 0)
            {
                break;
            }
            output.writeHeader(bufferId, peerMac, EthernetFrame.ETHER_TYPE_LOCAL_EXPERIMENTAL);
            ProbePayload.write(output.buffer(bufferId), EthernetFrame.HEADER_LENGTH, payloadLength, sent, nowNs);
            output.send(bufferId, EthernetFrame.HEADER_LENGTH + payloadLength);
            sent = sent + 1; // single writer
            work++;
        }
        return work;
    }

    private long outstanding()
    {
        return sent - echoed - givenUp;
    }

    @Override
    public void onFrame(final int interfaceIndex, final DirectBuffer buffer, final int frameOffset,
        final int frameLength, final int flags, final long nowNs)
    {
        if (!frame.tryWrap(buffer, frameOffset, frameLength) || frame.payloadLength() < payloadLength)
        {
            corrupted = corrupted + 1;
            return;
        }
        final int body = frame.payloadOffset();
        final long sequence = buffer.getLong(body + ProbePayload.SEQUENCE_OFFSET);
        if (buffer.getInt(body + ProbePayload.MAGIC_OFFSET) != ProbePayload.MAGIC || sequence < 0 ||
            sequence >= sent || !ProbePayload.patternIntact(buffer, body, payloadLength))
        {
            corrupted = corrupted + 1;
            return;
        }
        if (echoedSequences.get((int)sequence))
        {
            duplicates = duplicates + 1;
            return;
        }
        echoedSequences.set((int)sequence);
        echoed = echoed + 1;
        if (givenUp > 0 && outstanding() < 0)
        {
            givenUp--; // a late echo of a probe we had given up on
        }
        lastProgressNs = nowNs;
        final long rttNs = nowNs - buffer.getLong(body + ProbePayload.SENT_AT_OFFSET);
        rttSumNs = rttSumNs + rttNs;
        rttMinNs = Math.min(rttMinNs, rttNs);
        if (rttNs > rttMaxNs)
        {
            rttMaxNs = rttNs;
        }
    }

    /** Probes sent. */
    public long sent()
    {
        return sent;
    }

    /** Distinct probes echoed intact. */
    public long echoed()
    {
        return echoed;
    }

    /** Echoes of a probe already echoed (the wire duplicated a frame). */
    public long duplicates()
    {
        return duplicates;
    }

    /** Echoes whose bytes were not what was sent: must stay 0 when the link checks its FCS. */
    public long corrupted()
    {
        return corrupted;
    }

    /** Whether every probe was sent and each was echoed or given up as lost. */
    public boolean finished()
    {
        return sent == frameCount && sent - echoed - givenUp <= 0;
    }

    /** Probes to send in all. */
    public long frameCount()
    {
        return frameCount;
    }

    /** Mean round-trip time in ns over echoed probes. */
    public long meanRttNs()
    {
        final long n = echoed;
        return n == 0 ? 0 : rttSumNs / n;
    }

    /** Smallest round-trip time in ns (read after the stack stopped). */
    public long minRttNs()
    {
        return rttMinNs == Long.MAX_VALUE ? 0 : rttMinNs;
    }

    /** Largest round-trip time in ns. */
    public long maxRttNs()
    {
        return rttMaxNs;
    }
}
