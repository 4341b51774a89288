package io.ustack.ip.icmp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.CounterDescriptor;
import io.ustack.api.net.Ipv4Address;
import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.ip.wire.IcmpHeader;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("ICMP errors sent (RFC 1122 §3.2.2, RFC 1812 §4.3.2)")
class IcmpErrorsTest
{
    private static ReceivedDatagram udpTo(final int source, final int destination, final int payloadBytes)
    {
        return view(datagram(source, destination, Ipv4Header.PROTOCOL_UDP, new byte[8 + payloadBytes]), false);
    }

    @Test
    @DisplayName("RFC 792: port unreachable quotes the original header and data, from the address it was sent to")
    void portUnreachableBytes()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] original = datagram(PEER, US_TOO, Ipv4Header.PROTOCOL_UDP, new byte[40]);
            assertTrue(h.icmp.destinationUnreachable(IcmpErrors.CODE_PORT_UNREACHABLE, 0, view(original, false),
                h.nowNs()));
            final FakeIpv4Sender.Sent sent = h.sender.sent.poll();
            assertEquals(US_TOO, sent.source());
            assertEquals(PEER, sent.destination());
            assertEquals(Ipv4Header.PROTOCOL_ICMP, sent.protocol());
            final byte[] message = sent.payload();
            assertEquals(IcmpHeader.HEADER_LENGTH + original.length, message.length);
            assertEquals(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, message[0]);
            assertEquals(IcmpHeader.CODE_PORT_UNREACHABLE, message[1]);
            assertArrayEquals(new byte[4], Arrays.copyOfRange(message, 4, 8), "unused word is zero");
            assertArrayEquals(original, Arrays.copyOfRange(message, 8, message.length));
            assertTrue(checksumValid(message));
            assertEquals(1, h.counters.get(CounterDescriptor.ICMP_ERRORS_SENT));
        }
    }

    @Test
    @DisplayName("RFC 1812 §4.3.2.3: the quote is cut so that the error datagram is at most 576 bytes")
    void quoteLimitedTo576()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] original = datagram(PEER, US, Ipv4Header.PROTOCOL_UDP, new byte[1400]);
            assertTrue(h.icmp.destinationUnreachable(IcmpErrors.CODE_PORT_UNREACHABLE, 0, view(original, false),
                h.nowNs()));
            final byte[] message = h.sender.sent.poll().payload();
            assertEquals(576 - 20, message.length);
            assertArrayEquals(Arrays.copyOf(original, 548), Arrays.copyOfRange(message, 8, message.length));
        }
    }

    @Test
    @DisplayName("RFC 1191 §4 / RFC 792: fragmentation needed carries the MTU; time exceeded and parameter problem their fields")
    void otherErrorsFields()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            assertTrue(h.icmp.destinationUnreachable(IcmpErrors.CODE_FRAGMENTATION_NEEDED, 1280,
                udpTo(PEER, US, 8), h.nowNs()));
            assertTrue(h.icmp.timeExceeded(IcmpHeader.CODE_REASSEMBLY_TIME_EXCEEDED, udpTo(PEER, US, 8), h.nowNs()));
            assertTrue(h.icmp.parameterProblem(21, udpTo(PEER, US, 8), h.nowNs()));
            final IcmpHeader header = new IcmpHeader();

            final byte[] fragNeeded = h.sender.sent.poll().payload();
            header.tryWrap(new UnsafeBuffer(fragNeeded), 0, fragNeeded.length);
            assertEquals(4, header.code());
            assertEquals(1280, header.nextHopMtu());

            final byte[] timeExceeded = h.sender.sent.poll().payload();
            header.tryWrap(new UnsafeBuffer(timeExceeded), 0, timeExceeded.length);
            assertEquals(IcmpHeader.TYPE_TIME_EXCEEDED, header.type());
            assertEquals(1, header.code());
            assertEquals(0, header.restOfHeader());

            final byte[] parameterProblem = h.sender.sent.poll().payload();
            header.tryWrap(new UnsafeBuffer(parameterProblem), 0, parameterProblem.length);
            assertEquals(IcmpHeader.TYPE_PARAMETER_PROBLEM, header.type());
            assertEquals(21, header.pointer());
            assertEquals(21 << 24, header.restOfHeader());
            assertTrue(checksumValid(parameterProblem));
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2: no error about an ICMP error message (but one about an echo request is fine)")
    void noErrorAboutAnError()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] error = icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, 0, new byte[28]);
            assertFalse(h.icmp.parameterProblem(0,
                view(datagram(PEER, US, Ipv4Header.PROTOCOL_ICMP, error), false), h.nowNs()));
            final byte[] echo = icmpMessage(IcmpHeader.TYPE_ECHO_REQUEST, 0, 0, new byte[8]);
            assertTrue(h.icmp.parameterProblem(0,
                view(datagram(PEER, US, Ipv4Header.PROTOCOL_ICMP, echo), false), h.nowNs()));
            assertEquals(1, h.sender.sent.size());
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2: no error about a datagram to a broadcast or multicast address, or sent as link broadcast")
    void noErrorAboutBroadcast()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            assertFalse(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, SUBNET_BROADCAST, 8), h.nowNs()));
            assertFalse(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, 0xFFFF_FFFF, 8), h.nowNs()));
            assertFalse(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, Ipv4Address.parse("224.0.0.251"), 8),
                h.nowNs()));
            assertFalse(h.icmp.destinationUnreachable(3, 0,
                view(datagram(PEER, US, Ipv4Header.PROTOCOL_UDP, new byte[16]), true), h.nowNs()));
            assertTrue(h.sender.sent.isEmpty());
            assertEquals(0, h.counters.get(CounterDescriptor.ICMP_ERRORS_RATE_LIMITED), "refused, not limited");
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2: no error about a non-initial fragment (the first fragment may get one)")
    void noErrorAboutNonInitialFragment()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final byte[] later = datagram(PEER, US, Ipv4Header.PROTOCOL_UDP, new byte[16], 185, 64);
            assertFalse(h.icmp.timeExceeded(1, view(later, false), h.nowNs()));
            final byte[] first = datagram(PEER, US, Ipv4Header.PROTOCOL_UDP, new byte[16], 0, 64);
            first[6] = 0x20; // MF, offset 0
            first[10] = 0;
            first[11] = 0;
            final UnsafeBuffer buffer = new UnsafeBuffer(first);
            new Ipv4Header().wrapForWrite(buffer, 0).computeAndSetChecksum();
            assertTrue(h.icmp.timeExceeded(1, view(first, false), h.nowNs()));
            assertEquals(1, h.sender.sent.size());
        }
    }

    @ParameterizedTest(name = "source {0}")
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255"})
    @DisplayName("RFC 1122 §3.2.2: no error about a datagram whose source is not a single host")
    void noErrorToNonUnicastSource(final String source)
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            assertFalse(h.icmp.destinationUnreachable(3, 0, udpTo(Ipv4Address.parse(source), US, 8), h.nowNs()));
            assertTrue(h.sender.sent.isEmpty());
        }
    }

    @Test
    @DisplayName("RFC 1812 §4.3.2.8: a token bucket limits errors — a burst, then suppression, then refill with time")
    void rateLimit()
    {
        final StackConfig config = StackConfig.builder().icmpErrorsPerSecond(10).icmpErrorBurst(5).randomSeed(1)
            .build();
        try (IcmpHarness h = new IcmpHarness(config))
        {
            for (int i = 0; i < 5; i++)
            {
                assertTrue(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, US, 8), h.nowNs()), "burst " + i);
            }
            assertFalse(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, US, 8), h.nowNs()));
            assertEquals(1, h.counters.get(CounterDescriptor.ICMP_ERRORS_RATE_LIMITED));

            h.clock.advanceMs(99);
            assertFalse(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, US, 8), h.nowNs()));
            h.clock.advanceMs(1);
            assertTrue(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, US, 8), h.nowNs()), "one token per 100 ms");
            assertFalse(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, US, 8), h.nowNs()));

            h.clock.advanceMs(60_000);
            int sent = 0;
            while (h.icmp.destinationUnreachable(3, 0, udpTo(PEER, US, 8), h.nowNs()))
            {
                sent++;
            }
            assertEquals(5, sent, "a long pause refills to the burst, not beyond");
            assertEquals(11, h.counters.get(CounterDescriptor.ICMP_ERRORS_SENT));
            assertEquals(4, h.counters.get(CounterDescriptor.ICMP_ERRORS_RATE_LIMITED));
            h.sender.sent.clear();
        }
    }

    @Test
    @DisplayName("errors about datagrams refused by the rules do not use up the rate limit")
    void refusedDoNotConsumeTokens()
    {
        final StackConfig config = StackConfig.builder().icmpErrorsPerSecond(1).icmpErrorBurst(1).randomSeed(1)
            .build();
        try (IcmpHarness h = new IcmpHarness(config))
        {
            for (int i = 0; i < 10; i++)
            {
                assertFalse(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, SUBNET_BROADCAST, 8), h.nowNs()));
            }
            assertTrue(h.icmp.destinationUnreachable(3, 0, udpTo(PEER, US, 8), h.nowNs()));
        }
    }
}
