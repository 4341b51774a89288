package io.ustack.link.decorator;

import io.ustack.api.net.MacAddress;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/** Builds valid Ethernet II + IPv4 + UDP frames by hand (correct IPv4 header checksum), for capture tests. */
final class UdpFrames
{
    static final int ETHERNET_HEADER = 14;
    static final int IPV4_HEADER = 20;
    static final int UDP_HEADER = 8;

    private UdpFrames()
    {
    }

    /** A frame from {@code srcIp:srcPort} to {@code dstIp:dstPort} carrying {@code payloadLength} bytes. */
    static UnsafeBuffer udp(
        final long srcMac,
        final long dstMac,
        final int srcIp,
        final int dstIp,
        final int srcPort,
        final int dstPort,
        final int payloadLength)
    {
        final int length = ETHERNET_HEADER + IPV4_HEADER + UDP_HEADER + payloadLength;
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[length]);
        MacAddress.write(frame, 0, dstMac);
        MacAddress.write(frame, 6, srcMac);
        frame.putShort(12, (short)0x0800, ByteOrder.BIG_ENDIAN);

        final int ip = ETHERNET_HEADER;
        frame.putByte(ip, (byte)0x45);                                                      // version 4, IHL 5
        frame.putShort(ip + 2, (short)(IPV4_HEADER + UDP_HEADER + payloadLength), ByteOrder.BIG_ENDIAN);
        frame.putShort(ip + 4, (short)0x1234, ByteOrder.BIG_ENDIAN);                        // identification
        frame.putShort(ip + 6, (short)0x4000, ByteOrder.BIG_ENDIAN);                        // don't fragment
        frame.putByte(ip + 8, (byte)64);                                                    // TTL
        frame.putByte(ip + 9, (byte)17);                                                    // UDP
        frame.putInt(ip + 12, srcIp, ByteOrder.BIG_ENDIAN);
        frame.putInt(ip + 16, dstIp, ByteOrder.BIG_ENDIAN);
        frame.putShort(ip + 10, (short)ipv4HeaderChecksum(frame, ip), ByteOrder.BIG_ENDIAN);

        final int udp = ip + IPV4_HEADER;
        frame.putShort(udp, (short)srcPort, ByteOrder.BIG_ENDIAN);
        frame.putShort(udp + 2, (short)dstPort, ByteOrder.BIG_ENDIAN);
        frame.putShort(udp + 4, (short)(UDP_HEADER + payloadLength), ByteOrder.BIG_ENDIAN);
        frame.putShort(udp + 6, (short)0, ByteOrder.BIG_ENDIAN);                            // no checksum (RFC 768)
        for (int i = 0; i < payloadLength; i++)
        {
            frame.putByte(udp + UDP_HEADER + i, (byte)('a' + i % 26));
        }
        return frame;
    }

    /** RFC 1071 one's-complement sum over the 20-byte header, with the checksum field zero. */
    static int ipv4HeaderChecksum(final UnsafeBuffer frame, final int ipOffset)
    {
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER; i += 2)
        {
            sum += frame.getShort(ipOffset + i, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    /** 198.18.0.{@code host}: the benchmarking range TESTING.md uses. */
    static int testAddress(final int host)
    {
        return (198 << 24) | (18 << 16) | host;
    }
}
