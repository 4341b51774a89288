package io.ustack.bench;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.wire.Ipv4Header;
import io.ustack.link.wire.EthernetFrame;
import io.ustack.tcp.TcpModule;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.TcpState;
import io.ustack.tcp.wire.TcpHeader;
import io.ustack.tcp.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * One real {@link TcpModule} (10.0.0.1:80, passive) on the benchmark thread, and a scripted peer (10.0.0.2:40000)
 * in place of a second stack: the smallest in-thread harness for the engine benchmarks (the stack-tcp test helpers
 * are not visible here).
 *
 * <p>Outbound, this is the engine's {@link Ipv4Sender}: a fixed pool of off-heap packet buffers; {@link #send}
 * writes the IPv4 header (with its checksum) and the Ethernet header in front of the TCP bytes, as the IPv4 module
 * does for an unfragmented datagram, then reads the TCP sequence number, flags and length straight from the frame
 * (no parse, no copy), counts the segment and frees the buffer. Inbound, the peer writes its segments (header,
 * options, checksum) into its own off-heap buffer and hands them to {@link TcpModule#onDatagram} through one reused
 * {@link ReceivedDatagram}. Nothing here allocates after construction.
 */
final class BenchWire implements Ipv4Sender
{
    static final int LOCAL = 0x0A00_0001; // 10.0.0.1, the engine
    static final int REMOTE = 0x0A00_0002; // 10.0.0.2, the scripted peer
    static final int LOCAL_PORT = 80;
    static final int REMOTE_PORT = 40_000;
    static final int PEER_ISS = 0x7000_0000;
    /** The window scale the peer offers: its 16-bit window field then means up to 8 MiB. */
    static final int PEER_WINDOW_SHIFT = 7;
    private static final long LOCAL_MAC = 0x02_00_00_00_00_01L;
    private static final long REMOTE_MAC = 0x02_00_00_00_00_02L;
    private static final int POOL = 64;
    private static final int TCP_AT = PAYLOAD_OFFSET;

    final TcpModule tcp;
    final int mtu;
    private final int bufferSize;
    private final UnsafeBuffer[] buffers = new UnsafeBuffer[POOL];
    private final int[] free = new int[POOL];
    private int freeCount;
    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Header ipHeader = new Ipv4Header();
    private int identification;

    private final UnsafeBuffer peerBuffer;
    private final TcpHeader peerHeader = new TcpHeader();
    private final ReceivedDatagram datagram = new ReceivedDatagram();

    /** What the engine sent: counts, and the last segment's fields. */
    long segmentsSent;
    long dataSegmentsSent;
    long pureAcksSent;
    long bytesSent;
    int lastSeq;
    int lastAck;
    int lastFlags;
    /** Sequence number just past the highest data byte the engine sent. */
    int sndMax;
    /** RCV.NXT as the peer sees it: what it acknowledges. */
    int peerRcvNxt;
    /** The peer's next sequence number. */
    int peerSndNxt;
    int connId = -1;
    long nowNs = 1_000_000_000L;

    /**
     * @param mtu      the route MTU the engine sees (its MSS is {@code mtu - 40})
     * @param settings the engine's settings
     */
    BenchWire(final int mtu, final TcpSettings settings)
    {
        this.mtu = mtu;
        this.bufferSize = PAYLOAD_OFFSET + mtu;
        for (int i = 0; i < POOL; i++)
        {
            buffers[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(bufferSize));
            free[freeCount++] = i;
        }
        peerBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Ipv4Header.MIN_HEADER_LENGTH + mtu));
        tcp = new TcpModule(StackConfig.builder().randomSeed(42).build(), StackCounters.inMemory("bench"), settings);
        tcp.onAttach(this, null);
    }

    /**
     * Passive open on :80 driven by the peer (SYN with MSS {@code mtu - 40} and window scale, SYN-ACK, ACK), then
     * accept: the connection is ESTABLISHED and {@link #connId} is set.
     */
    void establish()
    {
        tcp.listen(0, LOCAL_PORT, 8);
        peerSndNxt = PEER_ISS;
        deliver(peerSndNxt, 0, TcpHeader.SYN, 0xFFFF, true, null, 0, 0);
        tcp.doWork(nowNs);
        if (lastFlags != (TcpHeader.SYN | TcpHeader.ACK))
        {
            throw new IllegalStateException("no SYN-ACK: flags " + lastFlags);
        }
        peerSndNxt = PEER_ISS + 1;
        peerRcvNxt = lastSeq + 1;
        sndMax = peerRcvNxt;
        deliver(peerSndNxt, peerRcvNxt, TcpHeader.ACK, 0xFFFF, false, null, 0, 0);
        tcp.doWork(nowNs);
        connId = tcp.accept(0);
        if (connId < 0 || tcp.state(connId) != TcpState.ESTABLISHED)
        {
            throw new IllegalStateException("not established: " + (connId < 0 ? "nothing to accept" :
                tcp.info(connId)));
        }
        resetCounts();
    }

    void resetCounts()
    {
        segmentsSent = 0;
        dataSegmentsSent = 0;
        pureAcksSent = 0;
        bytesSent = 0;
    }

    /** A pure ACK from the peer for everything the engine sent, with the window wide open. */
    void ackAll()
    {
        peerRcvNxt = sndMax;
        deliver(peerSndNxt, peerRcvNxt, TcpHeader.ACK, 0xFFFF, false, null, 0, 0);
    }

    /**
     * Builds a segment from the peer in its buffer (checksum included) and delivers it to the engine.
     *
     * @param synOptions whether to add MSS and window-scale options (SYN only)
     * @param data       payload source, or null for none
     */
    void deliver(final int seq, final int ack, final int flags, final int window, final boolean synOptions,
        final DirectBuffer data, final int dataOffset, final int dataLength)
    {
        final int length = writeSegment(peerBuffer, seq, ack, flags, window, synOptions, data, dataOffset, dataLength);
        deliverPrebuilt(peerBuffer, length);
    }

    /**
     * Writes a whole peer segment (TCP header at {@value Ipv4Header#MIN_HEADER_LENGTH}, after room for an IPv4
     * header) with a valid checksum into {@code buffer}.
     *
     * @return the TCP length (header and payload)
     */
    int writeSegment(final MutableDirectBuffer buffer, final int seq, final int ack, final int flags,
        final int window, final boolean synOptions, final DirectBuffer data, final int dataOffset,
        final int dataLength)
    {
        final int at = Ipv4Header.MIN_HEADER_LENGTH;
        final int optionsLength = synOptions ? 8 : 0;
        final int headerLength = TcpHeader.MIN_HEADER_LENGTH + optionsLength;
        peerHeader.wrapForWrite(buffer, at)
            .sourcePort(REMOTE_PORT)
            .destinationPort(LOCAL_PORT)
            .sequenceNumber(seq)
            .acknowledgmentNumber(ack)
            .dataOffset(headerLength / 4)
            .flags(flags)
            .window(window)
            .urgentPointer(0);
        if (synOptions)
        {
            final int o = at + TcpHeader.OPTIONS_OFFSET;
            buffer.putByte(o, (byte)TcpOptions.KIND_MSS);
            buffer.putByte(o + 1, (byte)4);
            buffer.putShort(o + 2, (short)(mtu - 40), BIG_ENDIAN);
            buffer.putByte(o + 4, (byte)TcpOptions.KIND_NOP);
            buffer.putByte(o + 5, (byte)TcpOptions.KIND_WINDOW_SCALE);
            buffer.putByte(o + 6, (byte)3);
            buffer.putByte(o + 7, (byte)PEER_WINDOW_SHIFT);
        }
        if (dataLength > 0)
        {
            buffer.putBytes(at + headerLength, data, dataOffset, dataLength);
        }
        peerHeader.computeAndSetChecksum(REMOTE, LOCAL, headerLength + dataLength);
        return headerLength + dataLength;
    }

    /** Hands a segment built by {@link #writeSegment} to the engine, as IPv4 would. */
    void deliverPrebuilt(final DirectBuffer buffer, final int tcpLength)
    {
        datagram.set(buffer, 0, Ipv4Header.MIN_HEADER_LENGTH, tcpLength, REMOTE, LOCAL, TcpHeader.PROTOCOL, 64, 0,
            false, false);
        tcp.onDatagram(datagram, nowNs);
    }

    // ---- Ipv4Sender: the engine's output ----------------------------------------------------------------------

    @Override
    public int claim()
    {
        return freeCount == 0 ? -1 : free[--freeCount];
    }

    @Override
    public MutableDirectBuffer buffer(final int bufferId)
    {
        return buffers[bufferId];
    }

    @Override
    public int bufferCapacity()
    {
        return bufferSize - PAYLOAD_OFFSET;
    }

    @Override
    public void abandon(final int bufferId)
    {
        free[freeCount++] = bufferId;
    }

    @Override
    public int send(final int bufferId, final int payloadLength, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        final UnsafeBuffer b = buffers[bufferId];
        if (payloadLength + Ipv4Header.MIN_HEADER_LENGTH > mtu)
        {
            abandon(bufferId);
            return TOO_BIG;
        }
        ipHeader.wrapForWrite(b, EthernetFrame.HEADER_LENGTH)
            .version(Ipv4Header.VERSION_4)
            .ihl(Ipv4Header.MIN_HEADER_LENGTH / 4)
            .dscp(0)
            .ecn(0)
            .totalLength(Ipv4Header.MIN_HEADER_LENGTH + payloadLength)
            .identification(identification++ & 0xFFFF)
            .flags((flags & DONT_FRAGMENT) != 0 ? Ipv4Header.FLAG_DONT_FRAGMENT : 0)
            .fragmentOffset(0)
            .timeToLive(ttl == 0 ? 64 : ttl)
            .protocol(protocol)
            .sourceAddress(sourceAddress == 0 ? LOCAL : sourceAddress)
            .destinationAddress(destinationAddress)
            .computeAndSetChecksum();
        ethernet.wrapForWrite(b, 0)
            .destination(REMOTE_MAC)
            .source(LOCAL_MAC)
            .etherType(EthernetFrame.ETHER_TYPE_IPV4);

        // The "wire": read what a receiver needs for its ACK straight from the frame, then free the buffer.
        final int seq = b.getInt(TCP_AT + 4, BIG_ENDIAN);
        final int tcpFlags = b.getByte(TCP_AT + 13) & 0x3F;
        final int headerLength = ((b.getByte(TCP_AT + 12) & 0xF0) >>> 4) * 4;
        final int dataLength = payloadLength - headerLength;
        lastSeq = seq;
        lastAck = b.getInt(TCP_AT + 8, BIG_ENDIAN);
        lastFlags = tcpFlags;
        segmentsSent++;
        if (dataLength > 0)
        {
            dataSegmentsSent++;
            bytesSent += dataLength;
            final int end = seq + dataLength;
            if (end - sndMax > 0)
            {
                sndMax = end;
            }
        }
        else if (tcpFlags == TcpHeader.ACK)
        {
            pureAcksSent++;
        }
        free[freeCount++] = bufferId;
        return SENT;
    }

    @Override
    public int sendFrom(final DirectBuffer payload, final int offset, final int length, final int sourceAddress,
        final int destinationAddress, final int protocol, final int flags, final int ttl, final long nowNs)
    {
        throw new UnsupportedOperationException("TCP sends from claimed buffers");
    }

    @Override
    public int sourceAddressFor(final int destination)
    {
        return destination == 0 ? 0 : LOCAL;
    }

    @Override
    public int pathMtu(final int destination, final long nowNs)
    {
        return mtu;
    }

    @Override
    public boolean isLocalAddress(final int address)
    {
        return address == LOCAL;
    }
}
