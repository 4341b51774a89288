package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import io.ustack.tcp.wire.SeqNum;
import io.ustack.tcp.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the ring below has no room, TCP holds its segments back and sends them when room returns, instead of handing
 * them down to be dropped and repaired by retransmission (a thousand connections bursting at once cost 10-30
 * thousand retransmissions that way).
 */
@DisplayName("TCP output waits for room in the queues below")
class OutputBackpressureTest
{
    private static final int MSS = 1460;

    @Test
    @DisplayName("data written while the ring is full leaves, in order and once, when room returns")
    void dataWaitsForRoomAndLeavesInOrder()
    {
        final TcpHarness h = new TcpHarness();
        h.establishedWithSack();
        h.ip.room = 0;
        assertEquals(List.of(), h.write(3 * MSS), "nothing goes while there is no room");
        assertTrue(h.counters.get(CounterDescriptor.TCP_OUTPUT_DEFERRED) > 0);
        assertEquals(List.of(), h.work(), "nor on the next duty cycle");

        h.ip.room = Integer.MAX_VALUE;
        final List<Seg> sent = h.work();
        assertEquals(3, sent.size(), sent.toString());
        for (int i = 0; i < sent.size(); i++)
        {
            assertEquals(SeqNum.add(h.stackNxt, i * MSS), sent.get(i).seq(), "in order: " + sent);
            assertEquals(MSS, sent.get(i).payload().length);
        }
        assertEquals(0, h.counters.get(CounterDescriptor.TCP_RETRANSMITS), "nothing counted as resent");
    }

    @Test
    @DisplayName("RFC 5681 §4.2: a duplicate ACK owed while the ring is full goes once room returns")
    void owedAckWaitsForRoom()
    {
        final TcpHarness h = new TcpHarness();
        h.establishedWithSack();
        h.ip.room = 0;
        // out of order: one segment beyond RCV.NXT draws an immediate duplicate ACK, which must wait
        assertEquals(List.of(), h.send(h.ack().seq(SeqNum.add(h.peerNxt, MSS)).data(TcpHarness.bytes(MSS, 1))));
        h.ip.room = Integer.MAX_VALUE;
        final List<Seg> acks = h.work();
        assertEquals(1, acks.size(), "only the latest ACK goes: " + acks);
        assertEquals(h.peerNxt, acks.get(0).ack(), "a duplicate ACK for RCV.NXT: " + acks);
        assertTrue(acks.get(0).only(TcpHeader.ACK), acks.toString());
    }
}
