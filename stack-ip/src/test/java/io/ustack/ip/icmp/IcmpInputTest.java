package io.ustack.ip.icmp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.counter.DropReason;
import io.ustack.ip.Hex;
import io.ustack.ip.wire.IcmpHeader;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.ustack.ip.icmp.IcmpHarness.FAR;
import static io.ustack.ip.icmp.IcmpHarness.PEER;
import static io.ustack.ip.icmp.IcmpHarness.SUBNET_BROADCAST;
import static io.ustack.ip.icmp.IcmpHarness.US;
import static io.ustack.ip.icmp.IcmpHarness.US_TOO;
import static io.ustack.ip.icmp.IcmpHarness.checksumValid;
import static io.ustack.ip.icmp.IcmpHarness.datagram;
import static io.ustack.ip.icmp.IcmpHarness.icmpMessage;
import static io.ustack.ip.icmp.IcmpHarness.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("ICMP input (RFC 792, RFC 1122 §3.2.2)")
class IcmpInputTest
{
    private static final int ECHO_ID_SEQ = 0xBEEF_0007;

    @Test
    @DisplayName("RFC 792 echo: every size 0..8000 is answered with the same identifier, sequence and all the data")
    void echoReplyEverySize()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            for (int size = 0; size <= 8000; size++)
            {
                final byte[] data = Hex.pattern(size, size);
                h.receive(PEER, US, icmpMessage(IcmpHeader.TYPE_ECHO_REQUEST, 0, ECHO_ID_SEQ, data));
                final FakeIpv4Sender.Sent reply = h.sender.sent.poll();
                assertEquals(0, h.sender.sent.size(), "one reply");
                assertTrue(reply.copied(), "sent with sendFrom (fragmented by IPv4 when large)");
                assertEquals(US, reply.source(), "from the address the request was sent to");
                assertEquals(PEER, reply.destination());
                assertEquals(Ipv4Header.PROTOCOL_ICMP, reply.protocol());
                final byte[] message = reply.payload();
                assertEquals(IcmpHeader.HEADER_LENGTH + size, message.length);
                final IcmpHeader header = new IcmpHeader();
                assertTrue(header.tryWrap(new UnsafeBuffer(message), 0, message.length));
                assertEquals(IcmpHeader.TYPE_ECHO_REPLY, header.type());
                assertEquals(0, header.code());
                assertEquals(0xBEEF, header.identifier());
                assertEquals(7, header.sequenceNumber());
                assertTrue(checksumValid(message), "checksum at size " + size);
                assertArrayEquals(data, Arrays.copyOfRange(message, IcmpHeader.HEADER_LENGTH, message.length));
            }
            assertEquals(8001, h.counters.get(CounterDescriptor.ICMP_ECHO_REPLIES_SENT));
        }
    }

    @Test
    @DisplayName("RFC 792 echo: a 65,507-byte request (the largest datagram) is answered in full")
    void largestEcho()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] data = Hex.pattern(3, 65_507);
            h.receive(PEER, US_TOO, icmpMessage(IcmpHeader.TYPE_ECHO_REQUEST, 0, ECHO_ID_SEQ, data));
            final FakeIpv4Sender.Sent reply = h.sender.sent.poll();
            assertEquals(US_TOO, reply.source(), "RFC 1122 §3.2.2.6: source is the request's specific destination");
            assertEquals(65_515, reply.payload().length);
            assertTrue(checksumValid(reply.payload()));
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2.6: an echo request with a bad checksum is not answered")
    void badChecksumNoReply()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] message = icmpMessage(IcmpHeader.TYPE_ECHO_REQUEST, 0, ECHO_ID_SEQ, Hex.pattern(0, 33));
            message[20] ^= 0x40;
            h.receive(PEER, US, message);
            assertTrue(h.sender.sent.isEmpty());
            assertEquals(1, h.counters.drops(DropReason.ICMP_BAD_CHECKSUM));
        }
    }

    @Test
    @DisplayName("RFC 792: a message shorter than the 8-byte header is dropped as truncated")
    void truncated()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            h.receive(PEER, US, new byte[]{8, 0, (byte)0xF7, (byte)0xFF});
            assertTrue(h.sender.sent.isEmpty());
            assertEquals(1, h.counters.drops(DropReason.ICMP_TRUNCATED));
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2.6 (MAY discard): echo requests to a broadcast address or as link broadcast are not answered")
    void broadcastEchoNotAnswered()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] message = icmpMessage(IcmpHeader.TYPE_ECHO_REQUEST, 0, ECHO_ID_SEQ, new byte[8]);
            h.receive(PEER, SUBNET_BROADCAST, message);
            h.receive(PEER, 0xFFFF_FFFF, message);
            h.icmp.onDatagram(view(datagram(PEER, US, Ipv4Header.PROTOCOL_ICMP, message), true), h.nowNs());
            assertTrue(h.sender.sent.isEmpty());
            assertEquals(0, h.counters.get(CounterDescriptor.ICMP_ECHO_REPLIES_SENT));
        }
    }

    @Test
    @DisplayName("RFC 792: types we do not act on (source quench, redirect, timestamp) are counted as unhandled")
    void unhandledTypes()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] quote = udpDatagramFromUs(PEER, 40);
            h.receive(PEER, US, icmpMessage(IcmpHeader.TYPE_SOURCE_QUENCH, 0, 0, quote));
            h.receive(PEER, US, icmpMessage(IcmpHeader.TYPE_REDIRECT, 1, PEER, quote));
            h.receive(PEER, US, icmpMessage(IcmpHeader.TYPE_TIMESTAMP, 0, 0, new byte[12]));
            assertEquals(3, h.counters.drops(DropReason.ICMP_UNHANDLED_TYPE));
            assertTrue(h.udp.errors.isEmpty());
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2.1: a port unreachable goes to the transport that sent the quoted datagram, with the quote")
    void portUnreachableRoutedToTransport()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] original = udpDatagramFromUs(FAR, 100);
            final byte[] quote = Arrays.copyOf(original, 28);
            h.receive(FAR, US, icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE,
                IcmpHeader.CODE_PORT_UNREACHABLE, 0, quote));
            assertEquals(1, h.udp.errors.size());
            assertTrue(h.tcp.errors.isEmpty());
            final IcmpHarness.Error error = h.udp.errors.get(0);
            assertEquals(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, error.type());
            assertEquals(IcmpHeader.CODE_PORT_UNREACHABLE, error.code());
            assertEquals(US, error.source());
            assertEquals(FAR, error.destination());
            assertEquals(Ipv4Header.PROTOCOL_UDP, error.protocol());
            assertEquals(8, error.payloadLength(), "as many bytes as were quoted");
            assertArrayEquals(quote, error.quote(), "the original header and 8 bytes, untouched");
            assertEquals(1, h.counters.get(CounterDescriptor.ICMP_ERRORS_RECEIVED));
            assertTrue(h.directory.learnt.isEmpty());
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2: time exceeded and parameter problem reach the transport; the pointer is the info")
    void timeExceededAndParameterProblem()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] quote = Arrays.copyOf(tcpDatagramFromUs(FAR), 28);
            h.receive(FAR, US, icmpMessage(IcmpHeader.TYPE_TIME_EXCEEDED, 0, 0, quote));
            h.receive(FAR, US, icmpMessage(IcmpHeader.TYPE_PARAMETER_PROBLEM, 0, 9 << 24, quote));
            assertEquals(2, h.tcp.errors.size());
            assertEquals(IcmpHeader.TYPE_TIME_EXCEEDED, h.tcp.errors.get(0).type());
            assertEquals(0, h.tcp.errors.get(0).info());
            assertEquals(IcmpHeader.TYPE_PARAMETER_PROBLEM, h.tcp.errors.get(1).type());
            assertEquals(9, h.tcp.errors.get(1).info());
        }
    }

    @Test
    @DisplayName("RFC 1191 §4: fragmentation needed teaches the path MTU and gives the transport the next-hop MTU")
    void fragmentationNeededLearnsPathMtu()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] quote = Arrays.copyOf(tcpDatagramFromUs(FAR), 28);
            h.receive(FAR, US, icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE,
                IcmpHeader.CODE_FRAGMENTATION_NEEDED, 1400, quote));
            assertEquals(1, h.directory.learnt.size());
            assertEquals(FAR, h.directory.learnt.get(0)[0]);
            assertEquals(1400, h.directory.learnt.get(0)[1]);
            assertEquals(1400, h.tcp.errors.get(0).info());
        }
    }

    @Test
    @DisplayName("RFC 1191 §5: a fragmentation needed without a next-hop MTU falls to the plateau below the datagram")
    void fragmentationNeededPlateau()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] quote = Arrays.copyOf(tcpDatagramFromUs(FAR), 28); // total length 1500
            h.receive(FAR, US, icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE,
                IcmpHeader.CODE_FRAGMENTATION_NEEDED, 0, quote));
            assertEquals(1492, h.directory.learnt.get(0)[1]);
            assertEquals(1006, IcmpModule.nextHopMtu(0, 1492));
            assertEquals(68, IcmpModule.nextHopMtu(0, 60));
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2: an error whose quote lacks the IP header plus 8 bytes is unmatched")
    void shortQuoteUnmatched()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] original = udpDatagramFromUs(FAR, 100);
            h.receive(FAR, US, icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0,
                Arrays.copyOf(original, 27)));
            final byte[] badVersion = Arrays.copyOf(original, 28);
            badVersion[0] = 0x65;
            h.receive(FAR, US, icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0, badVersion));
            assertEquals(2, h.counters.drops(DropReason.ICMP_ERROR_UNMATCHED));
            assertTrue(h.udp.errors.isEmpty());
        }
    }

    @Test
    @DisplayName("RFC 5927 §4.1: an error quoting a datagram we did not send, or a protocol nobody owns, is unmatched")
    void foreignOrUnownedQuoteUnmatched()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] notFromUs = Arrays.copyOf(datagram(PEER, FAR, Ipv4Header.PROTOCOL_UDP, new byte[12]), 28);
            h.receive(FAR, US, icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0, notFromUs));
            final byte[] sctp = Arrays.copyOf(datagram(US, FAR, 132, new byte[12]), 28);
            h.receive(FAR, US, icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0, sctp));
            assertEquals(2, h.counters.drops(DropReason.ICMP_ERROR_UNMATCHED));
            assertEquals(0, h.counters.get(CounterDescriptor.ICMP_ERRORS_RECEIVED));
            assertTrue(h.directory.learnt.isEmpty());
        }
    }

    @Test
    @DisplayName("RFC 792: an echo reply matching no ping is counted as unmatched")
    void unmatchedEchoReply()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            h.receive(PEER, US, icmpMessage(IcmpHeader.TYPE_ECHO_REPLY, 0, ECHO_ID_SEQ, new byte[4]));
            assertEquals(1, h.counters.drops(DropReason.ICMP_ECHO_REPLY_UNMATCHED));
        }
    }

    private static byte[] udpDatagramFromUs(final int destination, final int payloadBytes)
    {
        final byte[] udp = new byte[8 + payloadBytes];
        udp[0] = (byte)0xC0;
        udp[1] = 0x01;
        udp[2] = 0x00;
        udp[3] = 0x35;
        udp[4] = (byte)(udp.length >>> 8);
        udp[5] = (byte)udp.length;
        return datagram(US, destination, Ipv4Header.PROTOCOL_UDP, udp);
    }

    private static byte[] tcpDatagramFromUs(final int destination)
    {
        final byte[] tcp = new byte[1480];
        tcp[0] = (byte)0xC0;
        tcp[3] = 80;
        tcp[4] = 0x11;
        return datagram(US, destination, Ipv4Header.PROTOCOL_TCP, tcp);
    }
}
