package io.ustack.tcp;

import io.ustack.api.counter.CounterDescriptor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Two engines over an impaired in-memory wire (TESTING.md layer 3)")
class LoopbackTransferTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final int PORT = 5000;

    @ParameterizedTest(name = "{0}% loss, {1}% duplication, {2}% reordering, seed {3}, buffers {4} KiB, SACK {5}, " +
        "timestamps {6}, {7}")
    @CsvSource({"0, 0, 0, 1, 64, true, true, newreno", "1, 0, 0, 2, 64, true, true, newreno",
        "5, 0, 0, 3, 64, true, true, newreno", "1, 1, 5, 4, 64, true, true, newreno",
        "5, 2, 10, 5, 64, true, true, newreno", "0, 0, 0, 6, 1024, true, true, newreno",
        "1, 0, 2, 7, 1024, true, true, newreno", "1, 0, 0, 2, 64, false, false, newreno",
        "5, 2, 10, 5, 64, false, false, newreno", "1, 0, 2, 7, 1024, false, false, newreno",
        "5, 0, 0, 3, 64, true, false, newreno", "5, 0, 0, 3, 64, false, true, newreno",
        "1, 0, 2, 7, 1024, true, true, cubic", "5, 2, 10, 5, 64, false, false, cubic"})
    @DisplayName("several MB both ways at once arrive byte-exact; both sides close and leave no connection")
    void transferBothWays(final int lossPercent, final int dupPercent, final int reorderPercent, final long seed,
        final int bufferKiB, final boolean sack, final boolean timestamps, final String congestionControl)
        throws NoSuchAlgorithmException
    {
        final TcpSettings settings = TcpSettings.builder().sendBufferBytes(bufferKiB * 1024)
            .receiveBufferBytes(bufferKiB * 1024).sack(sack).timestamps(timestamps)
            .congestionControl(congestionControl).build();
        final LoopbackNet net = new LoopbackNet(seed, lossPercent / 100.0, dupPercent / 100.0,
            reorderPercent / 100.0, settings);
        final int size = lossPercent >= 5 ? 2 << 20 : 4 << 20;
        final byte[] fromA = random(size, seed);
        final byte[] fromB = random(size + 12_345, seed + 100);
        final TransferSide client = new TransferSide(net.a, fromA, fromB.length);
        final TransferSide server = new TransferSide(net.b, fromB, fromA.length);
        final int listener = net.b.listen(LoopbackNet.B, PORT, 16);
        client.id = net.a.connect(LoopbackNet.B, PORT, 0, net.nowNs);

        final boolean finished = net.run(now ->
        {
            if (server.id < 0)
            {
                server.id = net.b.accept(listener);
            }
            return client.step(now) | server.step(now);
        }, () -> client.eof && server.eof && client.shut && server.shut, 3600 * SECOND);
        assertTrue(finished, "transfer stalled: client read " + client.read + "/" + fromB.length + ", server read " +
            server.read + "/" + fromA.length + "; client " + net.a.info(client.id) + "; server " +
            (server.id < 0 ? "not accepted" : net.b.info(server.id)));
        assertArrayEquals(sha256(fromA), sha256(server.in));
        assertArrayEquals(sha256(fromB), sha256(client.in));
        final String info = net.a.info(client.id);
        assertEquals(sack, info.contains(" sack"), info);
        assertEquals(timestamps, info.contains(" ts"), info);
        assertTrue(info.endsWith(sack ? "recovery:rack" : "recovery:newreno"), info);
        if (lossPercent > 0)
        {
            assertTrue(net.countersA.get(CounterDescriptor.TCP_RETRANSMITS) +
                net.countersB.get(CounterDescriptor.TCP_RETRANSMITS) > 0);
        }

        net.a.close(client.id, net.nowNs);
        net.b.close(server.id, net.nowNs);
        net.b.closeListener(listener, net.nowNs);
        assertTrue(net.run(now -> false, () -> net.a.connectionCount() == 0 && net.b.connectionCount() == 0,
            600 * SECOND), "connections left: " + net.a.connectionCount() + " / " + net.b.connectionCount());
        assertEquals(0, net.a.blocksInUse());
        assertEquals(0, net.b.blocksInUse());
        assertEquals(0, net.a.timersPending());
        assertEquals(0, net.b.timersPending());
    }

    static byte[] random(final int size, final long seed)
    {
        final byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sha256(final byte[] b) throws NoSuchAlgorithmException
    {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
