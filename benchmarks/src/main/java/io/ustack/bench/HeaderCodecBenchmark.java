package io.ustack.bench;

import io.ustack.ip.wire.Ipv4Header;
import io.ustack.link.wire.EthernetFrame;
import io.ustack.tcp.wire.TcpHeader;
import io.ustack.tcp.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Building and parsing a whole frame, the per-packet cost of the wire layer: Ethernet II + IPv4 (20 bytes) + TCP with
 * 24 bytes of options (NOP NOP TS, NOP NOP SACK with one block, as Linux sends a segment of a SACK-enabled connection
 * that has seen loss), with both checksums.
 *
 * <ul>
 *   <li>{@link #encode}: wraps an off-heap buffer for writing and sets every header field, writes the options, and
 *       computes the IPv4 header checksum and the TCP checksum (pseudo-header + header + payload). The payload is
 *       already in the buffer, as it is when the application wrote it in place; each call sends the "next" segment
 *       (sequence number, IP identification and TSval advance), so nothing is constant.</li>
 *   <li>{@link #decode}: what the receive path does with a frame: {@code tryWrap} of all three headers (with their
 *       length and option checks), the TCP options parse, the IPv4 header checksum and the TCP checksum verified, and
 *       the fields the TCP layer reads next.</li>
 * </ul>
 * Two sizes: {@code payload = 0}, a pure ACK carrying SACK (78-byte frame), and {@code payload = 1436}, a full
 * 1500-byte IP datagram (1514-byte frame) where the TCP checksum dominates.
 *
 * <p>The data path MUST NOT allocate per packet (DESIGN.md): run with {@code -prof gc} and read
 * {@code gc.alloc.rate.norm}, which must be about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = BenchmarkJvm.FORKS, jvmArgsAppend = { BenchmarkJvm.ADD_EXPORTS, BenchmarkJvm.ENABLE_NATIVE_ACCESS })
@Warmup(iterations = BenchmarkJvm.WARMUP_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
@Measurement(iterations = BenchmarkJvm.MEASUREMENT_ITERATIONS, time = BenchmarkJvm.ITERATION_SECONDS)
public class HeaderCodecBenchmark
{
    private static final int IP_OFFSET = EthernetFrame.HEADER_LENGTH;
    private static final int TCP_OFFSET = IP_OFFSET + Ipv4Header.MIN_HEADER_LENGTH;
    /** NOP NOP TS (12) + NOP NOP SACK with one block (12). */
    private static final int TCP_OPTIONS_LENGTH = 24;
    private static final int TCP_HEADER_LENGTH = TcpHeader.MIN_HEADER_LENGTH + TCP_OPTIONS_LENGTH;
    private static final long SOURCE_MAC = 0x02_00_00_00_00_01L;
    private static final long DESTINATION_MAC = 0x02_00_00_00_00_02L;
    private static final int SOURCE_ADDRESS = 0x0A_00_00_01; // 10.0.0.1
    private static final int DESTINATION_ADDRESS = 0x0A_00_00_02; // 10.0.0.2

    /** TCP payload bytes: 0 (a pure ACK with SACK) or 1436 (a 1500-byte IP datagram). */
    @Param({ "0", "1436" })
    public int payload;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final int[] sackLefts = new int[TcpOptions.MAX_SACK_BLOCKS];
    private final int[] sackRights = new int[TcpOptions.MAX_SACK_BLOCKS];

    private UnsafeBuffer encodeBuffer;
    private UnsafeBuffer decodeBuffer;
    private int frameLength;
    private int sequenceNumber = 0x1234_5678;
    private int identification;
    private int tsVal = 1_000_000;

    /** Puts a random payload in both buffers, encodes a frame into the decode buffer and checks it decodes. */
    @Setup
    public void setUp()
    {
        frameLength = TCP_OFFSET + TCP_HEADER_LENGTH + payload;
        encodeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(frameLength));
        decodeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(frameLength));
        final byte[] bytes = new byte[payload];
        new SplittableRandom(0xC0DEC).nextBytes(bytes);
        encodeBuffer.putBytes(TCP_OFFSET + TCP_HEADER_LENGTH, bytes);
        decodeBuffer.putBytes(TCP_OFFSET + TCP_HEADER_LENGTH, bytes);

        encodeInto(decodeBuffer);
        if (decode() == 0)
        {
            throw new IllegalStateException("the benchmark frame does not decode: eth=" + ethernet.failure() +
                " ip=" + ip.failure() + " tcp=" + tcp.failure());
        }
    }

    /** Encodes the next segment's frame, checksums included; returns the TCP checksum written. */
    @Benchmark
    public int encode()
    {
        return encodeInto(encodeBuffer);
    }

    /**
     * Parses and verifies the frame; returns a value built from the fields read (0 when anything fails, which
     * {@link #setUp} has ruled out).
     */
    @Benchmark
    public long decode()
    {
        final UnsafeBuffer buffer = decodeBuffer;
        if (!ethernet.tryWrap(buffer, 0, frameLength) || ethernet.etherType() != EthernetFrame.ETHER_TYPE_IPV4)
        {
            return 0;
        }
        if (!ip.tryWrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength()) || !ip.checksumValid() ||
            ip.protocol() != Ipv4Header.PROTOCOL_TCP)
        {
            return 0;
        }
        if (!tcp.tryWrap(buffer, ip.payloadOffset(), ip.payloadLength()) ||
            !tcp.checksumValid(ip.sourceAddress(), ip.destinationAddress()))
        {
            return 0;
        }
        final TcpOptions options = tcp.options();
        if (!options.hasTimestamps() || options.sackBlockCount() != 1)
        {
            return 0;
        }
        return ((long)tcp.sequenceNumber() << 32) ^ tcp.acknowledgmentNumber() ^ tcp.window() ^ tcp.flags() ^
            tcp.destinationPort() ^ ((long)options.tsVal() << 16) ^ options.tsEcr() ^ options.sackLeft(0) ^
            ((long)options.sackRight(0) << 8) ^ tcp.payloadLength();
    }

    private int encodeInto(final UnsafeBuffer buffer)
    {
        final int ipTotalLength = Ipv4Header.MIN_HEADER_LENGTH + TCP_HEADER_LENGTH + payload;
        final int seq = sequenceNumber;
        sequenceNumber = seq + payload;
        final int ack = 0x7654_3210;
        final int ts = tsVal++;

        ethernet.wrapForWrite(buffer, 0)
            .destination(DESTINATION_MAC)
            .source(SOURCE_MAC)
            .etherType(EthernetFrame.ETHER_TYPE_IPV4);

        ip.wrapForWrite(buffer, IP_OFFSET)
            .version(Ipv4Header.VERSION_4)
            .ihl(Ipv4Header.MIN_HEADER_LENGTH / 4)
            .dscp(0)
            .ecn(0)
            .totalLength(ipTotalLength)
            .identification(identification++ & 0xFFFF)
            .flags(Ipv4Header.FLAG_DONT_FRAGMENT)
            .fragmentOffset(0)
            .timeToLive(64)
            .protocol(Ipv4Header.PROTOCOL_TCP)
            .sourceAddress(SOURCE_ADDRESS)
            .destinationAddress(DESTINATION_ADDRESS)
            .computeAndSetChecksum();

        tcp.wrapForWrite(buffer, TCP_OFFSET)
            .sourcePort(443)
            .destinationPort(50_123)
            .sequenceNumber(seq)
            .acknowledgmentNumber(ack)
            .dataOffset(TCP_HEADER_LENGTH / 4)
            .flags(TcpHeader.ACK | TcpHeader.PSH)
            .window(0xFFFF)
            .urgentPointer(0);
        final int optionsOffset = TCP_OFFSET + TcpHeader.OPTIONS_OFFSET;
        final int timestampsLength = TcpOptions.writeTimestamps(buffer, optionsOffset, ts, ts - 40);
        sackLefts[0] = ack + 2 * 1448;
        sackRights[0] = ack + 5 * 1448;
        TcpOptions.writeSackBlocks(buffer, optionsOffset + timestampsLength, sackLefts, sackRights, 1);
        return tcp.computeAndSetChecksum(SOURCE_ADDRESS, DESTINATION_ADDRESS, TCP_HEADER_LENGTH + payload).checksum();
    }
}
