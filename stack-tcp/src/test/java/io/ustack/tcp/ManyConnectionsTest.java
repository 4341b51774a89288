package io.ustack.tcp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Many connections at once, then every control block freed")
class ManyConnectionsTest
{
    private static final int CONNECTIONS = 500;
    private static final int BYTES = 3000;

    @Test
    @DisplayName("500 concurrent connections each send 3000 bytes with 1% loss; all blocks freed after TIME-WAIT")
    void manyConcurrent()
    {
        final LoopbackNet net = new LoopbackNet(11, 0.01, 0, 0.02, TcpSettings.builder().maxConnections(1024)
            .sendBufferBytes(4096).receiveBufferBytes(4096).build());
        final int listener = net.b.listen(LoopbackNet.B, 80, CONNECTIONS);
        final int[] clients = new int[CONNECTIONS];
        final int[] written = new int[CONNECTIONS];
        final int[] servers = new int[1024];
        final int[] received = new int[1024];
        final boolean[] serverDone = new boolean[1024];
        Arrays.fill(servers, -1);
        for (int i = 0; i < CONNECTIONS; i++)
        {
            clients[i] = net.a.connect(LoopbackNet.B, 80, 0, net.nowNs);
            assertTrue(clients[i] >= 0);
        }
        final UnsafeBuffer data = new UnsafeBuffer(new byte[BYTES]);
        final UnsafeBuffer sink = new UnsafeBuffer(new byte[BYTES]);
        final int[] accepted = new int[1];
        final int[] finished = new int[1];
        final boolean done = net.run(now ->
        {
            boolean progress = false;
            for (int i = 0; i < CONNECTIONS; i++)
            {
                if (written[i] < BYTES && net.a.state(clients[i]) == TcpState.ESTABLISHED)
                {
                    written[i] += Math.max(0, net.a.write(clients[i], data, written[i], BYTES - written[i], now));
                    if (written[i] == BYTES)
                    {
                        net.a.close(clients[i], now);
                        written[i] = Integer.MAX_VALUE;
                        progress = true;
                    }
                }
            }
            for (int id = net.b.accept(listener); id >= 0; id = net.b.accept(listener))
            {
                servers[accepted[0]++] = id;
                progress = true;
            }
            for (int s = 0; s < accepted[0]; s++)
            {
                if (serverDone[s])
                {
                    continue;
                }
                final int n = net.b.read(servers[s], sink, 0, BYTES, now);
                if (n > 0)
                {
                    received[s] += n;
                    progress = true;
                }
                else if (n < 0)
                {
                    assertEquals(BYTES, received[s]);
                    net.b.close(servers[s], now);
                    serverDone[s] = true;
                    finished[0]++;
                    progress = true;
                }
            }
            return progress;
        }, () -> finished[0] == CONNECTIONS && net.a.connectionCount() == 0 && net.b.connectionCount() == 0,
            3600 * 1_000_000_000L);
        assertTrue(done, "finished " + finished[0] + ", accepted " + accepted[0] + ", left " +
            net.a.connectionCount() + "/" + net.b.connectionCount());
        assertEquals(0, net.a.blocksInUse());
        assertEquals(0, net.b.blocksInUse());
        assertEquals(0, net.a.timersPending());
        assertEquals(0, net.b.timersPending());
    }
}
