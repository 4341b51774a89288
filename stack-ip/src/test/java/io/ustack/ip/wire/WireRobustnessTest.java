package io.ustack.ip.wire;

import io.ustack.api.counter.DropReason;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Untrusted bytes never make a flyweight throw, and after a successful {@code tryWrap} no accessor reads outside the
 * wrapped range. Each input is wrapped twice: in an {@link UnsafeBuffer} that is exactly the slice (so any read
 * outside it throws IndexOutOfBoundsException; Agrona bounds checks are on in tests), and at a random offset in a
 * larger buffer that ends where the slice ends; both wraps must agree on every field.
 */
class WireRobustnessTest
{
    private static final List<byte[]> IPV4_GOLDEN = List.of(GoldenPackets.ECHO_REQUEST, GoldenPackets.ECHO_REPLY,
        GoldenPackets.PORT_UNREACHABLE, GoldenPackets.UDP_TO_CLOSED_PORT, GoldenPackets.UDP_WITH_OPTIONS,
        GoldenPackets.LAST_FRAGMENT);
    private static final List<byte[]> ARP_GOLDEN = List.of(GoldenPackets.ARP_REQUEST, GoldenPackets.ARP_REPLY);

    @Property(tries = 3000)
    @Label("RFC 791 §3.1: random and mutated IPv4 bytes never throw, and accepted headers read only inside the slice")
    void ipv4StaysInBounds(@ForAll("ipv4Candidates") final byte[] data, @ForAll @IntRange(max = 15) final int pad)
    {
        final String exact = ipv4Summary(exactSlice(data), 0, data.length);
        assertEquals(exact, ipv4Summary(endingSlice(data, pad), pad, data.length));
    }

    @Property(tries = 2000)
    @Label("RFC 792: random and mutated ICMP bytes never throw, and accepted messages read only inside the slice")
    void icmpStaysInBounds(@ForAll("icmpCandidates") final byte[] data, @ForAll @IntRange(max = 15) final int pad)
    {
        final String exact = icmpSummary(exactSlice(data), 0, data.length);
        assertEquals(exact, icmpSummary(endingSlice(data, pad), pad, data.length));
    }

    @Property(tries = 2000)
    @Label("RFC 826: random and mutated ARP bytes never throw, and accepted packets read only inside the slice")
    void arpStaysInBounds(@ForAll("arpCandidates") final byte[] data, @ForAll @IntRange(max = 15) final int pad)
    {
        final String exact = arpSummary(exactSlice(data), 0, data.length);
        assertEquals(exact, arpSummary(endingSlice(data, pad), pad, data.length));
    }

    @Property(tries = 500)
    @Label("RFC 791 §3.1: tryWrap refuses, without throwing, a range that is not inside the buffer")
    void rangeOutsideBufferRefused(
        @ForAll @IntRange(min = -40, max = 120) final int offset, @ForAll @IntRange(min = -40, max = 120) final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(GoldenPackets.ECHO_REQUEST);
        final boolean inside = offset >= 0 && length >= 0 && offset + length <= buffer.capacity();
        final Ipv4Header ip = new Ipv4Header();
        final IcmpHeader icmp = new IcmpHeader();
        final ArpPacket arp = new ArpPacket();
        if (!ip.tryWrap(buffer, offset, length))
        {
            assertNotNull(ip.failure());
        }
        else
        {
            assertTrue(inside);
        }
        assertEquals(inside && length >= 8, icmp.tryWrap(buffer, offset, length));
        if (!arp.tryWrap(buffer, offset, length))
        {
            assertNotNull(arp.failure());
        }
        assertFalse(ip.tryWrap(null, 0, 20));
        assertEquals(DropReason.IPV4_TRUNCATED, ip.failure());
    }

    @Property(generation = GenerationMode.EXHAUSTIVE)
    @Label("RFC 791 §3.1: every truncation of a captured IPv4 packet is refused for the right reason")
    void ipv4TruncationsRefused(@ForAll("ipv4Golden") final byte[] golden)
    {
        final Ipv4Header ip = new Ipv4Header();
        final int headerLength = (golden[0] & 0x0F) * 4;
        for (int length = 0; length < golden.length; length++)
        {
            assertFalse(ip.tryWrap(exactSlice(Arrays.copyOf(golden, length)), 0, length), "length " + length);
            final DropReason expected = length < 20 ? DropReason.IPV4_TRUNCATED :
                length < headerLength ? DropReason.IPV4_BAD_HEADER_LENGTH : DropReason.IPV4_BAD_TOTAL_LENGTH;
            assertEquals(expected, ip.failure(), "length " + length);
        }
        assertTrue(ip.tryWrap(exactSlice(golden), 0, golden.length));
    }

    @Property(generation = GenerationMode.EXHAUSTIVE)
    @Label("RFC 826: every truncation of a captured ARP packet is ARP_TRUNCATED")
    void arpTruncationsRefused(@ForAll("arpGolden") final byte[] golden)
    {
        final ArpPacket arp = new ArpPacket();
        for (int length = 0; length < golden.length; length++)
        {
            assertFalse(arp.tryWrap(exactSlice(Arrays.copyOf(golden, length)), 0, length), "length " + length);
            assertEquals(DropReason.ARP_TRUNCATED, arp.failure(), "length " + length);
        }
        assertTrue(arp.tryWrap(exactSlice(golden), 0, golden.length));
    }

    @Property(generation = GenerationMode.EXHAUSTIVE)
    @Label("RFC 792: truncations of captured ICMP messages below 8 bytes are ICMP_TRUNCATED, longer ones fail checksum")
    void icmpTruncationsRefused(@ForAll("icmpGolden") final byte[] golden)
    {
        final IcmpHeader icmp = new IcmpHeader();
        for (int length = 0; length < golden.length; length++)
        {
            final boolean accepted = icmp.tryWrap(exactSlice(Arrays.copyOf(golden, length)), 0, length);
            if (length < IcmpHeader.HEADER_LENGTH)
            {
                assertFalse(accepted, "length " + length);
                assertEquals(DropReason.ICMP_TRUNCATED, icmp.failure(), "length " + length);
            }
            else
            {
                assertTrue(accepted, "length " + length);
                assertFalse(icmp.checksumValid(), "length " + length);
            }
        }
        assertTrue(icmp.tryWrap(exactSlice(golden), 0, golden.length));
        assertTrue(icmp.checksumValid());
    }

    @Property(tries = 2000)
    @Label("RFC 791 §3.1: an option of length 0, 1, past the header end, or missing its length byte is refused")
    void malformedOptionsRefused(
        @ForAll("validOptionPrefixes") final byte[] prefix,
        @ForAll @IntRange(max = 3) final int defect,
        @ForAll @IntRange(min = 2, max = 255) final int type,
        @ForAll @IntRange(max = 255) final int filler)
    {
        final ByteArrayOutputStream options = new ByteArrayOutputStream();
        options.writeBytes(prefix);
        if (defect == 3)
        {
            // The type byte is the header's last byte: pad with NOPs so it lands there.
            while ((options.size() + 1) % 4 != 0)
            {
                options.write(Ipv4Header.OPTION_NO_OPERATION);
            }
            options.write(type);
        }
        else
        {
            options.write(type);
            final int lengthAt = options.size();
            options.write(defect);
            while (options.size() % 4 != 0)
            {
                options.write(filler);
            }
            if (defect == 2)
            {
                final byte[] bytes = options.toByteArray();
                final int room = bytes.length - (lengthAt - 1);
                bytes[lengthAt] = (byte)(room + 1 + filler % (256 - room - 1));
                options.reset();
                options.writeBytes(bytes);
            }
        }
        final byte[] optionBytes = options.toByteArray();
        if (optionBytes.length > 40)
        {
            return;
        }
        final byte[] packet = new byte[20 + optionBytes.length + 4];
        packet[0] = (byte)(0x40 | (5 + optionBytes.length / 4));
        packet[3] = (byte)packet.length;
        System.arraycopy(optionBytes, 0, packet, 20, optionBytes.length);
        final Ipv4Header ip = new Ipv4Header();
        assertFalse(ip.tryWrap(exactSlice(packet), 0, packet.length), () -> io.ustack.ip.Hex.of(packet));
        assertEquals(DropReason.IPV4_BAD_OPTIONS, ip.failure(), () -> io.ustack.ip.Hex.of(packet));
    }

    @Provide
    Arbitrary<byte[]> ipv4Golden()
    {
        return Arbitraries.of(IPV4_GOLDEN);
    }

    @Provide
    Arbitrary<byte[]> arpGolden()
    {
        return Arbitraries.of(ARP_GOLDEN);
    }

    @Provide
    Arbitrary<byte[]> icmpGolden()
    {
        return Arbitraries.of(GoldenPackets.ECHO_REQUEST, GoldenPackets.ECHO_REPLY, GoldenPackets.PORT_UNREACHABLE)
            .map(p -> Arrays.copyOfRange(p, 20, p.length));
    }

    /** NOPs and well-formed options (type, length 2..6, body), at most 36 bytes. */
    @Provide
    Arbitrary<byte[]> validOptionPrefixes()
    {
        final Arbitrary<byte[]> nop = Arbitraries.just(new byte[] {Ipv4Header.OPTION_NO_OPERATION});
        final Arbitrary<byte[]> option = Combinators.combine(
            Arbitraries.integers().between(2, 255), Arbitraries.integers().between(2, 6))
            .as((type, length) ->
            {
                final byte[] bytes = new byte[length];
                bytes[0] = (byte)(int)type;
                bytes[1] = (byte)(int)length;
                return bytes;
            });
        return Arbitraries.oneOf(nop, option).list().ofMaxSize(8).map(parts ->
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            parts.forEach(out::writeBytes);
            return out.toByteArray();
        }).filter(bytes -> bytes.length <= 36);
    }

    @Provide
    Arbitrary<byte[]> ipv4Candidates()
    {
        final Arbitrary<byte[]> plausible = Combinators.combine(
            Arbitraries.integers().between(0, 15),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(60),
            Arbitraries.integers().between(0, 120))
            .as((ihl, tail, totalLength) ->
            {
                final byte[] bytes = Arrays.copyOf(tail, 20 + tail.length);
                System.arraycopy(tail, 0, bytes, 20, tail.length);
                bytes[0] = (byte)(0x40 | ihl);
                bytes[2] = 0;
                bytes[3] = (byte)Math.min(totalLength, bytes.length + 2);
                return bytes;
            });
        return Arbitraries.oneOf(randomBytes(), mutated(IPV4_GOLDEN), plausible);
    }

    @Provide
    Arbitrary<byte[]> icmpCandidates()
    {
        final List<byte[]> messages = List.of(
            Arrays.copyOfRange(GoldenPackets.ECHO_REQUEST, 20, GoldenPackets.ECHO_REQUEST.length),
            Arrays.copyOfRange(GoldenPackets.PORT_UNREACHABLE, 20, GoldenPackets.PORT_UNREACHABLE.length));
        return Arbitraries.oneOf(randomBytes(), mutated(messages));
    }

    @Provide
    Arbitrary<byte[]> arpCandidates()
    {
        return Arbitraries.oneOf(randomBytes(), mutated(ARP_GOLDEN));
    }

    private static Arbitrary<byte[]> randomBytes()
    {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(100);
    }

    /** A golden packet cut or extended to a random length, with up to four random bytes changed. */
    private static Arbitrary<byte[]> mutated(final List<byte[]> golden)
    {
        final Arbitrary<int[]> edits = Arbitraries.integers().between(0, 0xFFFFFF).array(int[].class).ofMaxSize(4);
        return Combinators.combine(Arbitraries.of(golden), Arbitraries.integers().between(-30, 8), edits)
            .as((packet, delta, changes) ->
            {
                final byte[] bytes = Arrays.copyOf(packet, Math.max(0, packet.length + delta));
                for (final int change : changes)
                {
                    if (bytes.length > 0)
                    {
                        bytes[(change >>> 8) % bytes.length] = (byte)change;
                    }
                }
                return bytes;
            });
    }

    private static UnsafeBuffer exactSlice(final byte[] data)
    {
        // Backing array with guard bytes on both sides; the view covers exactly the data.
        final byte[] backing = new byte[data.length + 32];
        Arrays.fill(backing, (byte)0xA5);
        System.arraycopy(data, 0, backing, 16, data.length);
        return new UnsafeBuffer(backing, 16, data.length);
    }

    private static UnsafeBuffer endingSlice(final byte[] data, final int pad)
    {
        final byte[] backing = new byte[pad + data.length + 16];
        Arrays.fill(backing, (byte)0x5A);
        System.arraycopy(data, 0, backing, pad, data.length);
        return new UnsafeBuffer(backing, 0, pad + data.length);
    }

    private static String ipv4Summary(final DirectBuffer buffer, final int offset, final int length)
    {
        final Ipv4Header ip = new Ipv4Header();
        if (!ip.tryWrap(buffer, offset, length))
        {
            return "refused " + ip.failure();
        }
        final int optionsSum = sumBytes(buffer, ip.optionsOffset(), ip.optionsLength());
        final int payloadSum = sumBytes(buffer, ip.payloadOffset(), ip.payloadLength());
        return "v" + ip.version() + " ihl " + ip.ihl() + " hl " + ip.headerLength() + " dscp " + ip.dscp() +
            " ecn " + ip.ecn() + " tl " + ip.totalLength() + " id " + ip.identification() + " flags " + ip.flags() +
            " df " + ip.dontFragment() + " mf " + ip.moreFragments() + " fo " + ip.fragmentOffset() + "/" +
            ip.fragmentOffsetBytes() + " frag " + ip.isFragment() + " ttl " + ip.timeToLive() + " p " +
            ip.protocol() + " ck " + ip.headerChecksum() + "/" + ip.checksumValid() + " src " + ip.sourceAddress() +
            " dst " + ip.destinationAddress() + " opt " + (ip.optionsOffset() - offset) + "+" + ip.optionsLength() +
            "=" + optionsSum + " pay " + (ip.payloadOffset() - offset) + "+" + ip.payloadLength() + "=" + payloadSum;
    }

    private static String icmpSummary(final DirectBuffer buffer, final int offset, final int length)
    {
        final IcmpHeader icmp = new IcmpHeader();
        if (!icmp.tryWrap(buffer, offset, length))
        {
            return "refused " + icmp.failure();
        }
        final int dataSum = sumBytes(buffer, icmp.dataOffset(), icmp.dataLength());
        final int quoteSum = sumBytes(buffer, icmp.quotedOffset(), icmp.quotedLength());
        String quoted = "";
        if (icmp.quotedLength() > 0)
        {
            quoted = ipv4Summary(buffer, icmp.quotedOffset(), icmp.quotedLength());
        }
        return "t " + icmp.type() + " c " + icmp.code() + " ck " + icmp.checksum() + "/" + icmp.checksumValid() +
            " rest " + icmp.restOfHeader() + " id " + icmp.identifier() + " seq " + icmp.sequenceNumber() +
            " mtu " + icmp.nextHopMtu() + " ptr " + icmp.pointer() + " gw " + icmp.gatewayAddress() + " err " +
            icmp.isError() + " data " + (icmp.dataOffset() - offset) + "+" + icmp.dataLength() + "=" + dataSum +
            " quote " + (icmp.quotedOffset() - offset) + "+" + icmp.quotedLength() + "=" + quoteSum + " holds " +
            icmp.quoteHoldsIpv4HeaderAnd8Bytes() + " [" + quoted + "]";
    }

    private static String arpSummary(final DirectBuffer buffer, final int offset, final int length)
    {
        final ArpPacket arp = new ArpPacket();
        if (!arp.tryWrap(buffer, offset, length))
        {
            return "refused " + arp.failure();
        }
        return "htype " + arp.hardwareType() + " ptype " + arp.protocolType() + " hlen " + arp.hardwareLength() +
            " plen " + arp.protocolLength() + " op " + arp.operation() + " sha " + arp.senderHardwareAddress() +
            " spa " + arp.senderProtocolAddress() + " tha " + arp.targetHardwareAddress() + " tpa " +
            arp.targetProtocolAddress();
    }

    /** Reads every byte of a range the flyweight says is inside the packet: throws if it is not. */
    private static int sumBytes(final DirectBuffer buffer, final int offset, final int length)
    {
        int sum = 0;
        for (int i = 0; i < length; i++)
        {
            sum += buffer.getByte(offset + i);
        }
        return sum;
    }
}
