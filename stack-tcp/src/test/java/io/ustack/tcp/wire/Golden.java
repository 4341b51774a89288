package io.ustack.tcp.wire;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * TCP segments captured from real traffic, TCP header onwards (Ethernet and IPv4 headers cut off).
 *
 * <p>How they were captured (Linux 6.18, as root): two network namespaces joined by a veth pair, 198.18.0.1 (A) and
 * 198.18.0.2 (B), with transmit/receive checksum offload turned off on both ends (SIOCETHTOOL ETHTOOL_STXCSUM and
 * ETHTOOL_SRXCSUM = 0) so that the checksums on the wire are complete (on {@code lo} they are only the partial
 * pseudo-header sums). {@code tcpdump -i va -w v.pcap 'tcp port 18080 or udp port 18081'} in A while
 * {@code python3 -m http.server 18080 --bind 198.18.0.2} served in B and {@code curl -s http://198.18.0.2:18080/}
 * fetched from A. tcpdump -v reported every checksum "correct".
 *
 * <p>The SACK segment is Linux's own: in A, a Python script on an AF_PACKET socket spoke as 198.18.0.3 (an address
 * A's kernel does not own, given to B as a static neighbour so A's kernel sent no RSTs), completed a handshake with
 * a listener in B on port 18082 offering SACK and timestamps, then sent bytes 101..200 and 301..400 leaving holes;
 * B's kernel answered with the duplicate ACKs carrying SACK blocks. The RST closing that exchange was written by the
 * script, not by a kernel.
 */
final class Golden
{
    static final int ADDR_A = 0xC612_0001; // 198.18.0.1
    static final int ADDR_B = 0xC612_0002; // 198.18.0.2
    static final int ADDR_C = 0xC612_0003; // 198.18.0.3 (the scripted peer)

    /** A -> B SYN: MSS 1460, SACK_PERM, TS val 0xff30b664 ecr 0, NOP, WS 10 (Linux's order). */
    static final String SYN =
        "d05646a0e7b9403e00000000a002faf0cc5f0000020405b40402080aff30b664000000000103030a";
    /** B -> A SYN-ACK, same option layout. */
    static final String SYN_ACK =
        "46a0d056d00a1e0be7b9403fa012fe88cd8e0000020405b40402080a18bcf455ff30b6640103030a";
    /** A -> B PSH|ACK with NOP NOP TS and 80 bytes of data: curl's "GET / HTTP/1.1" request. */
    static final String DATA =
        "d05646a0e7b9403fd00a1e0c8018003f3eb100000101080aff30b66518bcf455474554202f20485454502f312e310d0a" +
        "486f73743a203139382e31382e302e323a31383038300d0a557365722d4167656e743a206375726c2f372e38382e310d0a" +
        "4163636570743a202a2f2a0d0a0d0a";
    /** A -> B FIN|ACK with NOP NOP TS. */
    static final String FIN_ACK =
        "d05646a0e7b9408fd00a20848011003ff7da00000101080aff30b66618bcf457";
    /** B -> C ACK with NOP NOP TS NOP NOP SACK of two blocks {301:401}{101:201} (relative), from Linux. */
    static final String SACK_ACK =
        "46a2a02850f8216a000f4241d010fe88b43800000101080ada105be90000030a01010512000f436d000f43d1000f42a5000f4309";
    /** C -> B RST, no options (written by the capture script). */
    static final String RST =
        "a02846a2000f443550f8216a5004faf08b540000";

    private Golden()
    {
    }

    static byte[] bytes(final String hex)
    {
        final byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = (byte)Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    /**
     * A buffer that is exactly {@code bytes[0, length)}, surrounded in memory by other bytes: any read past either
     * end throws (Agrona bounds checks are on in tests) instead of silently reading a neighbour.
     */
    static UnsafeBuffer exactSlice(final byte[] bytes, final int length)
    {
        final byte[] backing = new byte[length + 32];
        java.util.Arrays.fill(backing, (byte)0x5A);
        System.arraycopy(bytes, 0, backing, 16, length);
        return new UnsafeBuffer(backing, 16, length);
    }

    static UnsafeBuffer exactSlice(final byte[] bytes)
    {
        return exactSlice(bytes, bytes.length);
    }

    /** Calls every accessor of a successfully wrapped header, so an overrun would throw. */
    static long touchAll(final TcpHeader h, final int src, final int dst)
    {
        long acc = h.sourcePort() + h.destinationPort() + h.sequenceNumber() + h.acknowledgmentNumber() +
            h.dataOffset() + h.reservedBits() + h.flags() + h.window() + h.checksum() + h.urgentPointer() +
            h.headerLength() + h.optionsOffset() + h.optionsLength() + h.payloadOffset() + h.payloadLength() +
            (h.hasFlag(TcpHeader.SYN) ? 1 : 0) + (h.checksumValid(src, dst) ? 1 : 0);
        final TcpOptions o = h.options();
        acc += o.mss() + o.windowScale() + o.tsVal() + o.tsEcr() + (o.sackPermitted() ? 1 : 0);
        for (int i = 0; i < o.sackBlockCount(); i++)
        {
            acc += o.sackLeft(i) + o.sackRight(i);
        }
        for (int i = 0; i < h.payloadLength(); i++)
        {
            acc += h.buffer().getByte(h.payloadOffset() + i);
        }
        return acc;
    }
}
