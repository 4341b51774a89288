package io.ustack.udp;

import io.ustack.api.buffer.PacketBufferPool;
import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.time.VirtualClock;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.udp.wire.UdpHeader;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A UDP module attached to a fake IPv4 layer: the test plays the network thread ({@link #pump}, {@link #deliver})
 * or lets {@link #startLoopback} do it on a thread of its own, turning datagrams to our addresses around.
 */
public final class UdpHarness implements AutoCloseable
{
    public static final int LOCAL = 0xC612_0001;   // 198.18.0.1
    static final int LOCAL2 = 0xC612_0101;  // 198.18.1.1
    static final int PEER = 0xC612_0002;    // 198.18.0.2
    static final int OTHER = 0xC612_0003;   // 198.18.0.3
    static final int IP_HEADER = 20;

    public final PacketBufferPool pool = new PacketBufferPool(64, 2048);
    public final StackCounters counters = StackCounters.inMemory("udp-test");
    public final NanoClock clock;
    final FakeIpv4Sender sender = new FakeIpv4Sender(pool, LOCAL, LOCAL2);
    final FakeIcmpErrors icmp = new FakeIcmpErrors();
    public final UdpModule module;
    final ReceivedDatagram view = new ReceivedDatagram();
    private volatile boolean loopbackRunning;
    private Thread loopback;

    public UdpHarness()
    {
        this(StackConfig.builder().randomSeed(42).build(), new VirtualClock());
    }

    public UdpHarness(final StackConfig config, final NanoClock clock)
    {
        this.clock = clock;
        this.module = new UdpModule(config, counters, clock);
        module.onAttach(sender, icmp);
    }

    /** Runs the module's duty cycle until it has nothing left to send. */
    int pump()
    {
        int total = 0;
        int work;
        while ((work = module.doWork(clock.nanoTime())) > 0)
        {
            total += work;
        }
        return total;
    }

    /** A UDP datagram as bytes, with a correct checksum (or none when {@code checksum} is false). */
    static byte[] datagram(final int source, final int sourcePort, final int destination, final int destinationPort,
        final byte[] payload, final boolean checksum)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[UdpHeader.HEADER_LENGTH + payload.length]);
        buffer.putBytes(UdpHeader.HEADER_LENGTH, payload);
        final UdpHeader header = new UdpHeader().wrapForWrite(buffer, 0)
            .sourcePort(sourcePort).destinationPort(destinationPort).length(UdpHeader.HEADER_LENGTH + payload.length)
            .checksum(0);
        if (checksum)
        {
            header.computeAndSetChecksum(source, destination);
        }
        return buffer.byteArray();
    }

    /** Hands the module a received datagram as IPv4 would. */
    void deliver(final int source, final int destination, final byte[] udp, final boolean linkBroadcast)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[IP_HEADER + udp.length]);
        buffer.putBytes(IP_HEADER, udp);
        view.set(buffer, 0, IP_HEADER, udp.length, source, destination, UdpHeader.PROTOCOL, 64, 0, linkBroadcast,
            false);
        module.onDatagram(view, clock.nanoTime());
    }

    void deliver(final int source, final int sourcePort, final int destination, final int destinationPort,
        final byte[] payload)
    {
        deliver(source, destination, datagram(source, sourcePort, destination, destinationPort, payload, true), false);
    }

    /** Hands the module an ICMP error quoting a datagram we sent from {@code localPort} to {@code peer:peerPort}. */
    void icmpError(final int type, final int code, final int localPort, final int peer, final int peerPort)
    {
        final byte[] quotedUdp = datagram(LOCAL, localPort, peer, peerPort, new byte[0], true);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[IP_HEADER + quotedUdp.length]);
        buffer.putBytes(IP_HEADER, quotedUdp);
        view.set(buffer, 0, IP_HEADER, quotedUdp.length, LOCAL, peer, UdpHeader.PROTOCOL, 64, -1, false, false);
        module.onIcmpError(type, code, 0, view, clock.nanoTime());
    }

    /** A network thread: drains the send ring and turns datagrams for our addresses around, until closed. */
    public void startLoopback()
    {
        loopbackRunning = true;
        loopback = new Thread(() ->
        {
            while (loopbackRunning)
            {
                final int work = pump();
                FakeIpv4Sender.Sent s;
                int turned = 0;
                while ((s = sender.sent.poll()) != null)
                {
                    if (sender.isLocalAddress(s.destination()))
                    {
                        deliver(s.source(), s.destination(), s.bytes(), false);
                        turned++;
                    }
                }
                if (work + turned == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }, "udp-loopback");
        loopback.setDaemon(true);
        loopback.start();
    }

    @Override
    public void close()
    {
        if (loopback != null)
        {
            loopbackRunning = false;
            try
            {
                loopback.join(10_000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
