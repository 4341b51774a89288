package io.ustack.tcp;

import io.ustack.api.counter.DropReason;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Timestamps: RTTM and PAWS (RFC 7323 §3-§5)")
class TimestampsTest
{
    private static final int PEER_TS = 100;

    /** Passive connection with SACK and timestamps agreed; the peer's SYN had TSval 100. */
    private static TcpHarness established()
    {
        final TcpHarness h = new TcpHarness();
        h.established(h.in().mss(1460).sackPermitted().timestamps(PEER_TS, 0));
        return h;
    }

    private static Seg only(final List<Seg> out)
    {
        assertEquals(1, out.size(), out.toString());
        return out.get(0);
    }

    @Test
    @DisplayName("RFC 7323 §3.2: the SYN-ACK carries timestamps only when the SYN did, TSecr echoing its TSval")
    void timestampsNegotiated_rfc7323s3_2()
    {
        final TcpHarness with = new TcpHarness();
        final Seg synAck = with.synReceived(8, with.in().flags(TcpHeader.SYN).mss(1460).timestamps(PEER_TS, 0));
        assertTrue(synAck.timestamps());
        assertEquals(PEER_TS, synAck.tsEcr());
        final TcpHarness without = new TcpHarness();
        assertFalse(without.synReceived(8).timestamps());
        final TcpHarness off = new TcpHarness(TcpSettings.builder().isnGenerator("sequential").timestamps(false)
            .build());
        assertFalse(off.synReceived(8, off.in().flags(TcpHeader.SYN).mss(1460).timestamps(PEER_TS, 0)).timestamps());
        final TcpHarness active = new TcpHarness();
        active.tcp.connect(TcpHarness.REMOTE, TcpHarness.REMOTE_PORT, 0, active.nowNs);
        final Seg syn = active.drain().get(0);
        assertTrue(syn.timestamps());
        assertEquals(0, syn.tsEcr(), "RFC 7323 §3.2: TSecr is zero without the ACK bit");
    }

    @Test
    @DisplayName("RFC 7323 §5.4: every segment carries TSval from the injected clock, one tick per millisecond")
    void tsValFollowsInjectedClock_rfc7323s5_4()
    {
        final TcpHarness h = established();
        h.tcp.noDelay(h.connId, true);
        final Seg first = only(h.write(100));
        h.send(h.ack().ack(first.seqEnd()));
        h.advanceMs(250);
        final Seg second = only(h.write(100));
        assertTrue(first.timestamps() && second.timestamps());
        assertEquals(250, second.tsVal() - first.tsVal());
    }

    @Test
    @DisplayName("RFC 7323 §4.3: TS.Recent follows segments up to Last.ACK.sent, not out-of-order ones")
    void tsEcrEchoRules_rfc7323s4_3()
    {
        final TcpHarness h = established();
        final int base = h.peerNxt;
        final List<Seg> acks = new java.util.ArrayList<>(h.send(h.in().ack(h.stackNxt).data(100).timestamps(200, 0)));
        acks.addAll(h.advanceMs(200));
        assertEquals(200, only(acks).tsEcr());
        final Seg dupAck = only(h.send(h.in().ack(h.stackNxt).seq(SeqNum.add(base, 1100)).data(100)
            .timestamps(300, 0)));
        assertEquals(200, dupAck.tsEcr(), "an out-of-order segment does not move TS.Recent");
        final Seg filled = only(h.send(h.in().ack(h.stackNxt).seq(SeqNum.add(base, 100)).data(1000)
            .timestamps(250, 0)));
        assertEquals(SeqNum.add(base, 1200), filled.ack());
        assertEquals(250, filled.tsEcr(), "the segment that filled the hole is echoed");
    }

    @Test
    @DisplayName("RFC 7323 §5.3 R1: PAWS drops a segment whose TSval is older than TS.Recent, and ACKs")
    void pawsDropsOldDuplicate_rfc7323s5_3()
    {
        final TcpHarness h = established();
        h.send(h.in().ack(h.stackNxt).data(100).timestamps(200, 0));
        h.peerNxt = SeqNum.add(h.peerNxt, 100);
        h.advanceMs(200);
        h.readAll();
        final Seg answer = only(h.send(h.in().ack(h.stackNxt).data(100).timestamps(150, 0)));
        assertEquals(1, h.drops(DropReason.TCP_PAWS_REJECTED));
        assertEquals(h.peerNxt, answer.ack(), "the old duplicate's text is not taken");
        assertArrayEquals(new byte[0], h.readAll());
        // Linux tcp_disordered_ack: a pure duplicate ACK overtaken in the network is not an old duplicate.
        h.send(h.ack().timestamps(180, 0));
        assertEquals(1, h.drops(DropReason.TCP_PAWS_REJECTED));
        assertEquals(200, only(h.send(h.in().ack(h.stackNxt).seq(SeqNum.add(h.peerNxt, 500)).data(10)
            .timestamps(400, 0))).tsEcr(), "TS.Recent never moves back");
    }

    @Test
    @DisplayName("RFC 7323 §4.1: an RTT sample from TSecr even for retransmitted data (no Karn ambiguity)")
    void rttFromEchoAfterRetransmission_rfc7323s4_1()
    {
        final TcpHarness h = established();
        h.tcp.noDelay(h.connId, true);
        h.write(100);
        // RFC 8985 §7.2-7.3: one segment in flight, so the tail loss probe resends it after 2·SRTT + 200 ms.
        final Seg resent = only(h.advanceMs(201));
        assertEquals(1, h.counters.get(io.ustack.api.counter.CounterDescriptor.TCP_RETRANSMITS));
        h.advanceMs(30);
        h.send(h.ack().ack(resent.seqEnd()).timestamps(300, resent.tsVal()));
        // RFC 6298 (2.3): SRTT = 7/8 SRTT + 1/8 R' with the handshake's ~0 sample and R' = 31 ms (the probe left in
        // tick 200, the ACK came in tick 231).
        assertTrue(h.tcp.info(h.connId).contains("srtt:3875us") && h.tcp.info(h.connId).contains("rto:1000ms"),
            h.tcp.info(h.connId));
    }

    @Test
    @DisplayName("RFC 7323 Appendix A: with timestamps, an ACK holds three SACK blocks in 40 option bytes, and data " +
        "segments shorten to carry them")
    void optionLayoutWithSack_rfc7323appendixA()
    {
        final TcpHarness h = established();
        final int base = h.peerNxt;
        Seg last = null;
        for (int i = 1; i <= 4; i++)
        {
            last = only(h.send(h.in().ack(h.stackNxt).seq(SeqNum.add(base, i * 1000)).data(100)
                .timestamps(PEER_TS, 0)));
        }
        assertEquals(40, last.optionsLength());
        assertEquals(6, last.sackBlocks().length, "three blocks beside the timestamps");
        assertEquals(SeqNum.add(base, 4000), last.sackBlocks()[0]);
        assertTrue(last.timestamps());
        h.tcp.noDelay(h.connId, true);
        final List<Seg> data = h.write(5000);
        assertEquals(1448 - 28, data.get(0).length(), "Eff.snd.MSS less the timestamps, less three SACK blocks");
        assertEquals(40, data.get(0).optionsLength(), "timestamps and three SACK blocks ride on the data");
        assertEquals(6, data.get(0).sackBlocks().length, data.get(0).toString());
    }
}
