package io.ustack.tcp;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.DropReason;
import io.ustack.api.counter.StackCounters;
import io.ustack.ip.ipv4.ReceivedDatagram;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import io.ustack.tcp.wire.TcpOptions;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TESTING.md layer 2: one {@link TcpModule} under a virtual clock, fed one segment at a time from a pretend peer
 * ({@link #send} returns what the stack answered after a duty cycle), with fixtures that bring a connection to a
 * given state. The stack is 10.0.0.1:80 (passive) or 10.0.0.1:ephemeral (active); the peer is 10.0.0.2:40000.
 */
final class TcpHarness
{
    static final int LOCAL = 0x0A00_0001;
    static final int REMOTE = 0x0A00_0002;
    static final int LOCAL_PORT = 80;
    static final int REMOTE_PORT = 40_000;
    /** The peer's ISN: close to 2^32 so that every test crosses the wrap. */
    static final int PEER_ISS = 0xFFFF_FF00;
    static final long MS = 1_000_000L;

    final StackCounters counters = StackCounters.inMemory("tcp-test");
    final List<Seg> sent = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final FakeIp ip;
    final TcpModule tcp;
    long nowNs = 1_000 * MS;

    /** Sequence numbers of the established fixture: next to send from the peer, next expected from the stack. */
    int peerNxt;
    int stackNxt;
    int connId = -1;
    int localPort = LOCAL_PORT;

    TcpHarness()
    {
        this(TcpSettings.builder().isnGenerator("sequential").build());
    }

    TcpHarness(final TcpSettings settings)
    {
        this(settings, 1500);
    }

    TcpHarness(final TcpSettings settings, final int mtu)
    {
        ip = new FakeIp(LOCAL, mtu, d -> sent.add(Seg.decode(d)));
        tcp = new TcpModule(StackConfig.builder().randomSeed(7).build(), counters, settings);
        tcp.onAttach(ip, null);
        tcp.eventListener(new TcpEventListener()
        {
            @Override
            public void onConnected(final int id)
            {
                events.add("connected " + id);
            }

            @Override
            public void onAcceptable(final int listenerId)
            {
                events.add("acceptable " + listenerId);
            }

            @Override
            public void onReadable(final int id)
            {
                events.add("readable " + id);
            }

            @Override
            public void onWritable(final int id)
            {
                events.add("writable " + id);
            }

            @Override
            public void onClosed(final int id, final int error)
            {
                events.add("closed " + id + " " + TcpError.name(error));
            }
        });
    }

    /** A segment from the peer to the stack, built fluently. */
    final class In
    {
        int flags;
        int seq = peerNxt;
        int ack = stackNxt;
        int window = 65_535;
        int mss = -1;
        int windowScale = -1;
        boolean sackPermitted;
        boolean timestamps;
        int tsVal;
        int tsEcr;
        int[] sack = new int[0];
        byte[] data = new byte[0];
        boolean badChecksum;
        int dstPort = localPort;

        In flags(final int f)
        {
            flags = f;
            return this;
        }

        In seq(final int s)
        {
            seq = s;
            return this;
        }

        In ack(final int a)
        {
            ack = a;
            flags |= TcpHeader.ACK;
            return this;
        }

        In window(final int w)
        {
            window = w;
            return this;
        }

        In mss(final int m)
        {
            mss = m;
            return this;
        }

        In windowScale(final int shift)
        {
            windowScale = shift;
            return this;
        }

        In sackPermitted()
        {
            sackPermitted = true;
            return this;
        }

        /** A timestamps option, NOP NOP TS (RFC 7323 §3). */
        In timestamps(final int val, final int ecr)
        {
            timestamps = true;
            tsVal = val;
            tsEcr = ecr;
            return this;
        }

        /** SACK blocks as left, right pairs (RFC 2018 §3). */
        In sack(final int... edges)
        {
            sack = edges;
            return this;
        }

        In data(final byte[] d)
        {
            data = d;
            return this;
        }

        In data(final int length)
        {
            data = bytes(length, seq);
            return this;
        }

        In badChecksum()
        {
            badChecksum = true;
            return this;
        }

        In toPort(final int port)
        {
            dstPort = port;
            return this;
        }

        byte[] encode()
        {
            final int optionsLength = (mss >= 0 ? 4 : 0) + (windowScale >= 0 ? 4 : 0) + (sackPermitted ? 4 : 0) +
                (sack.length > 0 ? 4 + 4 * sack.length : 0) + (timestamps ? 12 : 0);
            final byte[] bytes = new byte[20 + optionsLength + data.length];
            final UnsafeBuffer b = new UnsafeBuffer(bytes);
            final TcpHeader h = new TcpHeader().wrapForWrite(b, 0).sourcePort(REMOTE_PORT).destinationPort(dstPort)
                .sequenceNumber(seq).acknowledgmentNumber((flags & TcpHeader.ACK) != 0 ? ack : 0)
                .dataOffset((20 + optionsLength) / 4).flags(flags).window(window).urgentPointer(0);
            if (mss >= 0)
            {
                b.putByte(20, (byte)TcpOptions.KIND_MSS);
                b.putByte(21, (byte)4);
                b.putShort(22, (short)mss, BIG_ENDIAN);
            }
            if (windowScale >= 0)
            {
                final int at = 20 + (mss >= 0 ? 4 : 0);
                b.putByte(at, (byte)TcpOptions.KIND_NOP);
                b.putByte(at + 1, (byte)TcpOptions.KIND_WINDOW_SCALE);
                b.putByte(at + 2, (byte)3);
                b.putByte(at + 3, (byte)windowScale);
            }
            int at = 20 + (mss >= 0 ? 4 : 0) + (windowScale >= 0 ? 4 : 0);
            if (sackPermitted)
            {
                b.putByte(at, (byte)TcpOptions.KIND_NOP);
                b.putByte(at + 1, (byte)TcpOptions.KIND_NOP);
                b.putByte(at + 2, (byte)TcpOptions.KIND_SACK_PERMITTED);
                b.putByte(at + 3, (byte)2);
                at += 4;
            }
            if (timestamps)
            {
                at += TcpOptions.writeTimestamps(b, at, tsVal, tsEcr);
            }
            if (sack.length > 0)
            {
                final int[] lefts = new int[sack.length / 2];
                final int[] rights = new int[sack.length / 2];
                for (int i = 0; i < lefts.length; i++)
                {
                    lefts[i] = sack[2 * i];
                    rights[i] = sack[2 * i + 1];
                }
                TcpOptions.writeSackBlocks(b, at, lefts, rights, lefts.length);
            }
            b.putBytes(20 + optionsLength, data);
            h.computeAndSetChecksum(REMOTE, LOCAL, bytes.length);
            if (badChecksum)
            {
                h.checksum(h.checksum() ^ 0x0101);
            }
            return bytes;
        }
    }

    In in()
    {
        return new In();
    }

    /** A pure ACK at the fixture's sequence numbers. */
    In ack()
    {
        return new In().ack(stackNxt);
    }

    /** Delivers a segment, runs a duty cycle, returns what the stack sent. */
    List<Seg> send(final In segment)
    {
        deliver(segment.encode());
        tcp.doWork(nowNs);
        return drain();
    }

    void deliver(final byte[] tcpBytes)
    {
        deliver(tcpBytes, false);
    }

    void deliver(final byte[] tcpBytes, final boolean linkBroadcast)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[20 + tcpBytes.length]);
        buffer.putBytes(20, tcpBytes);
        final ReceivedDatagram d = new ReceivedDatagram().set(buffer, 0, 20, tcpBytes.length, REMOTE, LOCAL,
            TcpHeader.PROTOCOL, 64, 0, linkBroadcast, false);
        tcp.onDatagram(d, nowNs);
    }

    /** Runs a duty cycle now. */
    List<Seg> work()
    {
        tcp.doWork(nowNs);
        return drain();
    }

    /** Moves the clock forward, firing each timer at its own deadline; returns everything sent meanwhile. */
    List<Seg> advanceMs(final long ms)
    {
        final long target = nowNs + ms * MS;
        while (true)
        {
            final long next = tcp.nextDeadlineNs();
            if (next == Long.MAX_VALUE || next - target > 0)
            {
                break;
            }
            nowNs = Math.max(nowNs, next);
            tcp.doWork(nowNs);
        }
        nowNs = target;
        tcp.doWork(nowNs);
        return drain();
    }

    List<Seg> drain()
    {
        final List<Seg> out = new ArrayList<>(sent);
        sent.clear();
        for (final Seg s : out)
        {
            assertTrue(s.checksumOk(), "bad checksum on " + s);
        }
        return out;
    }

    long drops(final DropReason reason)
    {
        return counters.drops(reason);
    }

    // ---- fixtures -----------------------------------------------------------------------------------------------

    /** LISTEN on :80, then SYN from the peer, SYN-ACK back; the stack's connection is SYN-RECEIVED. */
    Seg synReceived(final int listenerBacklog)
    {
        return synReceived(listenerBacklog, in().flags(TcpHeader.SYN).seq(PEER_ISS).mss(1460));
    }

    /** LISTEN on :80, then the peer's SYN {@code syn}, SYN-ACK back. */
    Seg synReceived(final int listenerBacklog, final In syn)
    {
        final int listener = tcp.listen(0, LOCAL_PORT, listenerBacklog);
        assertEquals(0, listener);
        peerNxt = PEER_ISS;
        final List<Seg> out = send(syn);
        assertEquals(1, out.size(), out.toString());
        final Seg synAck = out.get(0);
        assertTrue(synAck.has(TcpHeader.SYN) && synAck.has(TcpHeader.ACK), synAck.toString());
        peerNxt = SeqNum.add(PEER_ISS, 1);
        stackNxt = SeqNum.add(synAck.seq(), 1);
        return synAck;
    }

    /** A passive connection, ESTABLISHED and accepted. */
    int established()
    {
        synReceived(8);
        assertEquals(List.of(), send(ack()));
        connId = tcp.accept(0);
        assertEquals(TcpState.ESTABLISHED, tcp.state(connId));
        return connId;
    }

    /** A passive connection whose peer's SYN carried {@code syn}'s options, ESTABLISHED and accepted. */
    int established(final In syn)
    {
        synReceived(8, syn.flags(TcpHeader.SYN).seq(PEER_ISS));
        assertEquals(List.of(), send(ack()));
        connId = tcp.accept(0);
        assertEquals(TcpState.ESTABLISHED, tcp.state(connId));
        return connId;
    }

    /** A passive connection with SACK agreed (RFC 2018 §2), MSS 1460. */
    int establishedWithSack()
    {
        return established(in().mss(1460).sackPermitted());
    }

    /**
     * Established with SACK and NODELAY, and an SRTT of about 10 ms (a 100-byte segment ACKed 10 ms after it left),
     * so the tail loss probe's timeout is 20 ms and the RTO 1 s.
     */
    TcpHarness establishedWithSackAndSrtt()
    {
        establishedWithSack();
        tcp.noDelay(connId, true);
        final Seg timed = write(100).get(0);
        advanceMs(10);
        send(ack().ack(timed.seqEnd()));
        stackNxt = timed.seqEnd();
        return this;
    }

    /** An active connection: connect, SYN-ACK from the peer, ACK back. */
    int activeEstablished()
    {
        connId = tcp.connect(REMOTE, REMOTE_PORT, 0, nowNs);
        final List<Seg> syn = drain();
        assertEquals(1, syn.size());
        localPort = syn.get(0).sourcePort();
        stackNxt = SeqNum.add(syn.get(0).seq(), 1);
        peerNxt = PEER_ISS;
        final List<Seg> out = send(in().flags(TcpHeader.SYN).seq(PEER_ISS).ack(stackNxt).mss(1460));
        peerNxt = SeqNum.add(PEER_ISS, 1);
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).only(TcpHeader.ACK));
        assertEquals(TcpState.ESTABLISHED, tcp.state(connId));
        return connId;
    }

    /** Data from the peer at peerNxt, advancing peerNxt. */
    List<Seg> peerData(final int length)
    {
        final List<Seg> out = send(in().ack(stackNxt).data(length).flags(TcpHeader.ACK | TcpHeader.PSH));
        peerNxt = SeqNum.add(peerNxt, length);
        return out;
    }

    /** The stack writes {@code length} bytes (pattern by stream offset) and runs a duty cycle. */
    List<Seg> write(final int length)
    {
        final byte[] data = bytes(length, 0);
        assertEquals(length, tcp.write(connId, new UnsafeBuffer(data), 0, length, nowNs));
        return work();
    }

    static byte[] bytes(final int length, final int salt)
    {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            b[i] = (byte)(i * 31 + salt);
        }
        return b;
    }

    byte[] readAll()
    {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[1 << 20]);
        final int n = tcp.read(connId, dst, 0, 1 << 20, nowNs);
        final byte[] out = new byte[Math.max(0, n)];
        dst.getBytes(0, out);
        return n < 0 ? null : out;
    }
}
