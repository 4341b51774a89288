package io.ustack.runtime;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Stack.Builder#tcpSocketRingBytes}: the off-heap rings each TCP socket holds between its thread and the stack. */
@DisplayName("TCP socket ring size is the stack's to choose")
class TcpSocketRingSizeTest
{
    private static final int B = Ipv4Address.parse("198.18.0.2");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private Stack a;
    private Stack b;

    private void start(final int ringBytes)
    {
        final SystemNanoClock clock = new SystemNanoClock();
        final InMemoryWire wire = new InMemoryWire(WireConfig.builder().build(), clock);
        final StackConfig.Builder config = StackConfig.builder().idleStrategy(IdleStrategyKind.YIELDING);
        a = Stack.builder(config.name("a").build()).iface(wire.endpointA(), "198.18.0.1/24").clock(clock)
            .tcpSocketRingBytes(ringBytes).build().start();
        b = Stack.builder(config.name("b").build()).iface(wire.endpointB(), "198.18.0.2/24").clock(clock)
            .tcpSocketRingBytes(ringBytes).build().start();
    }

    @AfterEach
    void stop()
    {
        for (final Stack stack : new Stack[]{a, b})
        {
            if (stack != null)
            {
                assertEquals(0, stack.shutdown().buffersStillHeld());
            }
        }
    }

    @Test
    @DisplayName("a size outside 4 KiB .. 64 MiB is refused with the range")
    void badSizeIsRefused()
    {
        final Stack.Builder builder = Stack.builder(StackConfig.builder().build());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> builder.tcpSocketRingBytes(1000));
        assertTrue(e.getMessage().contains("4096 to 67108864"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.tcpSocketRingBytes(128 << 20));
    }

    @Test
    @DisplayName("4 KiB rings still move 4 MiB byte-exact, and 40 sockets hold a fraction of the default's memory")
    void smallRingsWorkAndCostLess() throws Exception
    {
        start(4096);
        final byte[] sent = new byte[4 << 20];
        Arrays.fill(sent, (byte)0x5A);
        for (int i = 0; i < sent.length; i += 4099)
        {
            sent[i] = (byte)i;
        }
        try (TcpListener listener = b.tcp().listen(0, 7100, 64))
        {
            final TcpSocket client = a.tcp().connect(B, 7100, WAIT);
            final TcpSocket server = listener.accept(WAIT);
            final CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(server,
                sent.length));
            client.write(ByteBuffer.wrap(sent), WAIT);
            assertArrayEquals(sent, received.get());
            client.close();
            server.close();

            final long before = directBytes();
            final List<TcpSocket> open = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                open.add(a.tcp().connect(B, 7100, WAIT));
                open.add(listener.accept(WAIT));
            }
            final long perSocket = (directBytes() - before) / open.size();
            // Each connection also holds its engine send and receive buffers (2 x 64 KiB by default); with the
            // default rings (2 x 256 KiB) a socket holds about 640 KiB.
            assertTrue(perSocket < 256 * 1024, "40 sockets with 4 KiB rings: " + perSocket + " B each");
            open.forEach(TcpSocket::close);
        }
    }

    private static long directBytes()
    {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    private static byte[] readAll(final TcpSocket socket, final int length)
    {
        final ByteBuffer into = ByteBuffer.allocate(length);
        try
        {
            while (into.hasRemaining())
            {
                if (socket.read(into, WAIT) < 0)
                {
                    break;
                }
            }
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
        return Arrays.copyOf(into.array(), into.position());
    }
}
