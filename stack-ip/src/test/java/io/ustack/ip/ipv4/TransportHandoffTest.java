package io.ustack.ip.ipv4;

import io.ustack.api.counter.DropReason;
import io.ustack.ip.QueueRing;
import io.ustack.ip.handoff.TransportEnd;
import io.ustack.ip.handoff.TransportProxy;
import io.ustack.ip.wire.Ipv4Header;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ustack.ip.ipv4.Ipv4TestHarness.FAR_HOST;
import static io.ustack.ip.ipv4.Ipv4TestHarness.OUR_ADDRESS;
import static io.ustack.ip.ipv4.Ipv4TestHarness.PEER;
import static io.ustack.ip.ipv4.Ipv4TestHarness.TEST_PROTOCOL;
import static io.ustack.ip.ipv4.Ipv4TestHarness.frame;
import static io.ustack.ip.ipv4.Ipv4TestHarness.ipOf;
import static io.ustack.ip.ipv4.Ipv4TestHarness.pattern;
import static io.ustack.ip.ipv4.Ipv4TestHarness.payloadOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transport on its own agent: IPv4 sees a {@link TransportProxy}, the transport sits behind a {@link TransportEnd},
 * and only descriptors cross the two rings between them.
 */
@DisplayName("IPv4 hands a transport to its own agent through descriptor rings")
class TransportHandoffTest
{
    private final Ipv4TestHarness ip = new Ipv4TestHarness();
    private final Ipv4TestHarness.RecordingTransport transport = new Ipv4TestHarness.RecordingTransport(TEST_PROTOCOL);
    private QueueRing toTransport = new QueueRing(64);
    private QueueRing fromTransport = new QueueRing(64);
    private TransportProxy proxy;
    private TransportEnd end;

    private void wire(final int toCapacity, final int fromCapacity)
    {
        toTransport = new QueueRing(toCapacity);
        fromTransport = new QueueRing(fromCapacity);
        proxy = new TransportProxy(TEST_PROTOCOL, ip.pool, toTransport, fromTransport, ip.counters, 64);
        ip.module.register(proxy);
        end = new TransportEnd(ip.pool, toTransport, fromTransport, ip.counters, ip.module);
        end.attach(transport);
    }

    @Test
    @DisplayName("a received datagram crosses in the buffer it arrived in, and that buffer is freed once delivered")
    void datagramCrossesWithoutCopy()
    {
        wire(64, 64);
        final byte[] payload = pattern(300, 3);
        ip.inject(frame().protocol(TEST_PROTOCOL).payload(payload).ttl(33).build());
        assertEquals(1, toTransport.size());
        assertEquals(1, ip.inUse(), "the network agent let go; the transport's hold keeps the buffer");
        assertEquals(0, transport.datagrams.size(), "nothing reaches the transport on the network agent's thread");

        assertEquals(1, end.deliver(16, 0));
        final Ipv4TestHarness.RecordingTransport.Datagram got = transport.datagrams.get(0);
        assertEquals(PEER, got.source());
        assertEquals(OUR_ADDRESS, got.destination());
        assertEquals(33, got.ttl());
        assertEquals(0, got.interfaceIndex());
        assertArrayEquals(payload, got.payload());
        assertEquals(0, ip.inUse());
    }

    @Test
    @DisplayName("what the transport sends goes out through IPv4 on the network agent's next duty cycle")
    void sentDatagramLeavesThroughIpv4()
    {
        wire(64, 64);
        final Ipv4Sender sender = transport.sender;
        final byte[] payload = pattern(1000, 9);
        final int id = sender.claim();
        sender.buffer(id).putBytes(Ipv4Sender.PAYLOAD_OFFSET, payload);
        assertEquals(Ipv4Sender.SENT, sender.send(id, payload.length, 0, PEER, TEST_PROTOCOL,
            Ipv4Sender.DONT_FRAGMENT, 0, 0));
        assertTrue(ip.sent(0).isEmpty(), "nothing leaves before the network agent runs");

        assertEquals(1, proxy.doWork(0));
        final List<byte[]> frames = ip.sent(0);
        assertEquals(1, frames.size());
        final Ipv4Header header = ipOf(frames.get(0));
        assertEquals(OUR_ADDRESS, header.sourceAddress());
        assertEquals(PEER, header.destinationAddress());
        assertEquals(TEST_PROTOCOL, header.protocol());
        assertTrue(header.dontFragment());
        assertArrayEquals(payload, payloadOf(frames.get(0)));
        assertEquals(0, ip.inUse());
    }

    @Test
    @DisplayName("the transport's thread-safe questions answer as IPv4 would: source address, route MTU, locality")
    void questionsAnsweredFromAnyThread()
    {
        wire(64, 64);
        final Ipv4Sender sender = transport.sender;
        assertEquals(OUR_ADDRESS, sender.sourceAddressFor(PEER));
        assertEquals(1500, sender.pathMtu(FAR_HOST, 0));
        assertTrue(sender.isLocalAddress(OUR_ADDRESS));
        assertEquals(ip.module.bufferCapacity(), sender.bufferCapacity());
    }

    @Test
    @DisplayName("an ICMP error crosses as a copy of its quote; fragmentation needed lowers the transport's path MTU")
    void icmpErrorCrossesAndTeachesPathMtu()
    {
        wire(64, 64);
        final byte[] quotedFrame = frame().source(OUR_ADDRESS).destination(FAR_HOST).protocol(TEST_PROTOCOL)
            .payload(pattern(8, 1)).build();
        final Ipv4Header quotedIp = ipOf(quotedFrame);
        final ReceivedDatagram quote = new ReceivedDatagram().set(new UnsafeBuffer(quotedFrame), quotedIp.offset(),
            quotedIp.headerLength(), 8, OUR_ADDRESS, FAR_HOST, TEST_PROTOCOL, 64, -1, false, false);
        proxy.onIcmpError(3, IcmpErrors.CODE_FRAGMENTATION_NEEDED, 1280, quote, 0);

        assertEquals(1, end.deliver(16, 0));
        final Ipv4TestHarness.RecordingTransport.Error error = transport.errors.get(0);
        assertEquals(3, error.type());
        assertEquals(IcmpErrors.CODE_FRAGMENTATION_NEEDED, error.code());
        assertEquals(1280, error.info());
        assertEquals(FAR_HOST, error.quotedDestination());
        assertArrayEquals(pattern(8, 1), error.quotedPayload());
        assertEquals(1280, transport.sender.pathMtu(FAR_HOST, 0));
        assertEquals(0, ip.inUse());
    }

    @Test
    @DisplayName("an ICMP error the transport asks for is sent by the network agent's ICMP module, which applies the rules")
    void icmpErrorRequestReachesTheNetworkAgent()
    {
        wire(64, 64);
        ip.inject(frame().protocol(TEST_PROTOCOL).payload(pattern(40, 5)).build());
        end.deliver(16, 0);
        final byte[] received = new byte[20 + 40];
        System.arraycopy(transport.datagrams.get(0).header(), 0, received, 0, 20);
        System.arraycopy(transport.datagrams.get(0).payload(), 0, received, 20, 40);
        final ReceivedDatagram original = new ReceivedDatagram().set(new UnsafeBuffer(received), 0, 20, 40, PEER,
            OUR_ADDRESS, TEST_PROTOCOL, 64, 0, false, false);
        assertTrue(transport.icmpErrors.destinationUnreachable(IcmpErrors.CODE_PORT_UNREACHABLE, 0, original, 0));
        assertTrue(ip.icmp.calls.isEmpty());

        proxy.doWork(0);
        assertEquals(1, ip.icmp.calls.size());
        final Ipv4TestHarness.RecordingIcmpErrors.Call call = ip.icmp.calls.get(0);
        assertEquals("unreachable", call.kind());
        assertEquals(IcmpErrors.CODE_PORT_UNREACHABLE, call.code());
        assertEquals(PEER, call.source());
        assertEquals(40, call.payloadLength());
        assertEquals(0, ip.inUse());
    }

    @Test
    @DisplayName("a full ring towards the transport drops the datagram, counted, and frees its buffer")
    void fullRingToTransportIsCounted()
    {
        wire(1, 64);
        ip.inject(frame().protocol(TEST_PROTOCOL).build());
        ip.inject(frame().protocol(TEST_PROTOCOL).build());
        assertEquals(1, ip.counters.drops(DropReason.RING_FULL_TO_TRANSPORT));
        end.deliver(16, 0);
        assertEquals(1, transport.datagrams.size());
        assertEquals(0, ip.inUse());
    }

    @Test
    @DisplayName("a full ring towards the network agent fails the send with NO_BUFFER, counted, buffer freed")
    void fullRingFromTransportFailsTheSend()
    {
        wire(64, 1);
        final Ipv4Sender sender = transport.sender;
        assertEquals(Ipv4Sender.SENT, sender.send(sender.claim(), 10, 0, PEER, TEST_PROTOCOL, 0, 0, 0));
        assertEquals(Ipv4Sender.NO_BUFFER, sender.send(sender.claim(), 10, 0, PEER, TEST_PROTOCOL, 0, 0, 0));
        assertEquals(1, ip.counters.drops(DropReason.RING_FULL_FROM_TRANSPORT));
        proxy.doWork(0);
        assertEquals(1, ip.sent(0).size());
        assertEquals(0, ip.inUse());
    }

    @Test
    @DisplayName("a reassembled datagram (outside the pool) is copied across; one larger than a buffer is dropped, counted")
    void reassembledDatagramsAreCopiedOrDropped()
    {
        wire(64, 64);
        final byte[] payload = pattern(3000, 2);
        ip.inject(frame().protocol(TEST_PROTOCOL).id(7).fragment(0, true).payload(
            java.util.Arrays.copyOfRange(payload, 0, 1000)).build());
        ip.inject(frame().protocol(TEST_PROTOCOL).id(7).fragment(1000, false).payload(
            java.util.Arrays.copyOfRange(payload, 1000, 1600)).build());
        end.deliver(16, 0);
        assertEquals(1, transport.datagrams.size());
        assertArrayEquals(java.util.Arrays.copyOfRange(payload, 0, 1600), transport.datagrams.get(0).payload());
        assertTrue(transport.datagrams.get(0).fragment());

        ip.inject(frame().protocol(TEST_PROTOCOL).id(8).fragment(0, true).payload(
            java.util.Arrays.copyOfRange(payload, 0, 1480)).build());
        ip.inject(frame().protocol(TEST_PROTOCOL).id(8).fragment(1480, false).payload(
            java.util.Arrays.copyOfRange(payload, 1480, 3000)).build());
        assertEquals(1, ip.counters.drops(DropReason.HANDOFF_TOO_LARGE));
        assertEquals(0, end.deliver(16, 0));
        assertEquals(0, ip.inUse());
    }
}
