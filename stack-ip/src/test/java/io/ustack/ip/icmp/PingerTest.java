package io.ustack.ip.icmp;

import io.ustack.api.counter.DropReason;
import io.ustack.api.socket.PingReply;
import io.ustack.api.socket.PingReply.Outcome;
import io.ustack.ip.ipv4.Ipv4Sender;
import io.ustack.ip.wire.IcmpHeader;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.ustack.ip.icmp.IcmpHarness.FAR;
import static io.ustack.ip.icmp.IcmpHarness.PEER;
import static io.ustack.ip.icmp.IcmpHarness.US;
import static io.ustack.ip.icmp.IcmpHarness.checksumValid;
import static io.ustack.ip.icmp.IcmpHarness.datagram;
import static io.ustack.ip.icmp.IcmpHarness.icmpMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Pinger: echo from the stack (RFC 792)")
class PingerTest
{
    /** The echo request IPv4 was asked to send, turned into the reply a peer would send. */
    private static byte[] replyTo(final FakeIpv4Sender.Sent request)
    {
        final byte[] message = request.payload().clone();
        final UnsafeBuffer buffer = new UnsafeBuffer(message);
        new IcmpHeader().wrapForWrite(buffer, 0).type(IcmpHeader.TYPE_ECHO_REPLY).computeAndSetChecksum(message.length);
        return message;
    }

    @Test
    @DisplayName("RFC 792: an echo request goes out at the next duty cycle; the matching reply completes it with the RTT")
    void pingReply()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final Pinger pinger = h.icmp.pinger();
            final PingRequest request = pinger.start(PEER, 56, Duration.ofSeconds(1));
            assertFalse(request.done());
            assertTrue(h.sender.sent.isEmpty(), "nothing leaves before the stack thread runs");
            h.icmp.doWork(h.nowNs());

            final FakeIpv4Sender.Sent sent = h.sender.sent.poll();
            assertEquals(PEER, sent.destination());
            assertEquals(0, sent.source(), "the route's source");
            assertEquals(Ipv4Header.PROTOCOL_ICMP, sent.protocol());
            final IcmpHeader header = new IcmpHeader();
            assertTrue(header.tryWrap(new UnsafeBuffer(sent.payload()), 0, sent.payload().length));
            assertEquals(IcmpHeader.TYPE_ECHO_REQUEST, header.type());
            assertEquals(pinger.identifier(), header.identifier());
            assertEquals(56, header.dataLength());
            assertTrue(checksumValid(sent.payload()));

            h.clock.advanceMs(7);
            h.receive(PEER, US, replyTo(sent));
            assertTrue(request.done());
            final PingReply reply = request.reply();
            assertEquals(Outcome.REPLY, reply.outcome());
            assertEquals(7_000_000L, reply.rttNs());
            assertEquals(56, reply.replyBytes());
            assertEquals(64, reply.ttl());
            assertEquals(header.sequenceNumber(), reply.sequence());
            assertEquals(0, pinger.outstandingCount());
        }
    }

    @Test
    @DisplayName("RFC 792: consecutive pings use consecutive sequence numbers and match by sequence")
    void sequencesMatch()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final PingRequest first = h.icmp.pinger().start(PEER, 0, Duration.ofSeconds(1));
            final PingRequest second = h.icmp.pinger().start(PEER, 1000, Duration.ofSeconds(1));
            h.icmp.doWork(h.nowNs());
            final FakeIpv4Sender.Sent a = h.sender.sent.poll();
            final FakeIpv4Sender.Sent b = h.sender.sent.poll();
            h.receive(PEER, US, replyTo(b));
            assertTrue(second.done());
            assertFalse(first.done());
            h.receive(PEER, US, replyTo(a));
            assertEquals(Outcome.REPLY, first.reply().outcome());
            assertEquals(0, first.reply().replyBytes());
            assertEquals(first.reply().sequence() + 1, second.reply().sequence());
            h.receive(PEER, US, replyTo(a));
            assertEquals(1, h.counters.drops(DropReason.ICMP_ECHO_REPLY_UNMATCHED), "a duplicate matches nothing");
        }
    }

    @Test
    @DisplayName("RFC 792: a reply whose data differs from what was sent is reported as corrupted")
    void corruptedReply()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final PingRequest request = h.icmp.pinger().start(PEER, 100, Duration.ofSeconds(1));
            h.icmp.doWork(h.nowNs());
            final byte[] reply = replyTo(h.sender.sent.poll());
            reply[50] ^= 1;
            final UnsafeBuffer buffer = new UnsafeBuffer(reply);
            new IcmpHeader().wrapForWrite(buffer, 0).computeAndSetChecksum(reply.length);
            h.receive(PEER, US, reply);
            assertEquals(Outcome.CORRUPTED, request.reply().outcome());

            final PingRequest truncated = h.icmp.pinger().start(PEER, 100, Duration.ofSeconds(1));
            h.icmp.doWork(h.nowNs());
            final byte[] shorter = Arrays.copyOf(replyTo(h.sender.sent.poll()), 60);
            new IcmpHeader().wrapForWrite(new UnsafeBuffer(shorter), 0).computeAndSetChecksum(shorter.length);
            h.receive(PEER, US, shorter);
            assertEquals(Outcome.CORRUPTED, truncated.reply().outcome());
        }
    }

    @Test
    @DisplayName("a ping with no reply times out at its deadline, measured by the stack's time")
    void timeout()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final PingRequest request = h.icmp.pinger().start(PEER, 8, Duration.ofMillis(500));
            h.icmp.doWork(h.nowNs());
            h.clock.advanceMs(499);
            h.icmp.doWork(h.nowNs());
            assertFalse(request.done());
            h.clock.advanceMs(1);
            assertEquals(1, h.icmp.doWork(h.nowNs()));
            assertEquals(Outcome.TIMEOUT, request.reply().outcome());
            final FakeIpv4Sender.Sent late = h.sender.sent.poll();
            h.receive(PEER, US, replyTo(late));
            assertEquals(Outcome.TIMEOUT, request.reply().outcome(), "a late reply changes nothing");
            assertEquals(1, h.counters.drops(DropReason.ICMP_ECHO_REPLY_UNMATCHED));
        }
    }

    @Test
    @DisplayName("no route: the ping ends at once as NO_ROUTE")
    void noRoute()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            h.sender.result = Ipv4Sender.NO_ROUTE;
            final PingRequest request = h.icmp.pinger().start(FAR, 8, Duration.ofSeconds(1));
            h.icmp.doWork(h.nowNs());
            assertEquals(Outcome.NO_ROUTE, request.reply().outcome());
            h.sender.sent.clear();
        }
    }

    @Test
    @DisplayName("RFC 1122 §3.2.2.1: a destination unreachable quoting our echo ends the ping as UNREACHABLE")
    void unreachable()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final PingRequest request = h.icmp.pinger().start(FAR, 32, Duration.ofSeconds(1));
            h.icmp.doWork(h.nowNs());
            final FakeIpv4Sender.Sent sent = h.sender.sent.poll();
            final byte[] original = datagram(US, FAR, Ipv4Header.PROTOCOL_ICMP, sent.payload());
            h.receive(PEER_ROUTER, US, icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE,
                IcmpHeader.CODE_HOST_UNREACHABLE, 0, Arrays.copyOf(original, 28)));
            assertEquals(Outcome.UNREACHABLE, request.reply().outcome());

            h.receive(PEER_ROUTER, US, icmpMessage(IcmpHeader.TYPE_DESTINATION_UNREACHABLE,
                IcmpHeader.CODE_HOST_UNREACHABLE, 0, Arrays.copyOf(original, 28)));
            assertEquals(1, h.counters.drops(DropReason.ICMP_ERROR_UNMATCHED), "no ping left to match");
        }
    }

    private static final int PEER_ROUTER = PEER;

    @Test
    @DisplayName("payload size 0..65,507 and a positive timeout are checked with a clear message")
    void validation()
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final Pinger pinger = h.icmp.pinger();
            final IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> pinger.start(PEER, 65_508, Duration.ofSeconds(1)));
            assertTrue(tooBig.getMessage().contains("0..65507"), tooBig.getMessage());
            assertThrows(IllegalArgumentException.class, () -> pinger.start(PEER, -1, Duration.ofSeconds(1)));
            assertThrows(IllegalArgumentException.class, () -> pinger.start(PEER, 8, Duration.ZERO));
            final PingRequest largest = pinger.start(PEER, Pinger.MAX_PAYLOAD_BYTES, Duration.ofSeconds(1));
            h.icmp.doWork(h.nowNs());
            assertEquals(65_515, h.sender.sent.peek().payload().length);
            h.receive(PEER, US, replyTo(h.sender.sent.poll()));
            assertEquals(Outcome.REPLY, largest.reply().outcome());
        }
    }

    @Test
    @Timeout(10)
    @DisplayName("the blocking ping waits on an application thread while the stack thread answers")
    void blockingPing() throws InterruptedException
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final AtomicBoolean running = new AtomicBoolean(true);
            final Thread stack = new Thread(() ->
            {
                while (running.get())
                {
                    h.icmp.doWork(h.nowNs());
                    final FakeIpv4Sender.Sent sent = h.sender.sent.poll();
                    if (sent != null)
                    {
                        h.clock.advanceMs(3);
                        h.receive(PEER, US, replyTo(sent));
                    }
                    Thread.onSpinWait();
                }
            }, "stack");
            stack.start();
            try
            {
                final PingReply reply = h.icmp.pinger().ping(PEER, 1000, Duration.ofSeconds(5));
                assertEquals(Outcome.REPLY, reply.outcome());
                assertEquals(3_000_000L, reply.rttNs());
            }
            finally
            {
                running.set(false);
                stack.join();
            }
        }
    }

    @Test
    @Timeout(10)
    @DisplayName("a blocking ping gives up by the injected clock when no stack thread runs")
    void blockingPingWithoutStack() throws InterruptedException
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            final Thread clockDriver = new Thread(() ->
            {
                for (int i = 0; i < 100 && !Thread.currentThread().isInterrupted(); i++)
                {
                    h.clock.advanceMs(100);
                    try
                    {
                        Thread.sleep(5);
                    }
                    catch (final InterruptedException e)
                    {
                        return;
                    }
                }
            });
            clockDriver.start();
            final PingReply reply = h.icmp.pinger().ping(PEER, 8, Duration.ofSeconds(1));
            clockDriver.interrupt();
            clockDriver.join();
            assertEquals(Outcome.TIMEOUT, reply.outcome());
            assertNull(h.sender.sent.poll(), "never sent");
        }
    }
}
