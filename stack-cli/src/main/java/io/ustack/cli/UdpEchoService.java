package io.ustack.cli;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.Endpoint;
import io.ustack.api.socket.UdpSocket;
import io.ustack.runtime.Stack;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The UDP half of {@code --app echo} (RFC 862 "UDP Based Echo Service"): each datagram goes back to its sender, on
 * the same port as the TCP echo. Runs on its own thread until the stop.
 */
final class UdpEchoService
{
    private static final Duration POLL = Duration.ofMillis(AppIo.POLL_MS);

    private final UdpSocket socket;
    private final ServeCommand.Counters counters;

    /**
     * Binds {@code address:port}.
     *
     * @throws IllegalStateException when the port cannot be bound
     */
    UdpEchoService(final Stack stack, final int address, final int port, final ServeCommand.Counters counters)
    {
        this.socket = stack.udp().open();
        this.counters = counters;
        try
        {
            socket.bind(address, port);
        }
        catch (final IOException e)
        {
            socket.close();
            throw new IllegalStateException("cannot bind UDP port " + port + " on " + Ipv4Address.toString(address)
                + ": " + e.getMessage(), e);
        }
    }

    /** Echoes until {@code stopping} turns true, then releases the port. */
    void run(final BooleanSupplier stopping)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(65_535);
        final Endpoint from = new Endpoint();
        try
        {
            while (!stopping.getAsBoolean())
            {
                final int length;
                try
                {
                    length = socket.receive(buffer.clear(), from, POLL);
                }
                catch (final SocketTimeoutException e)
                {
                    continue;
                }
                counters.connections.incrementAndGet();
                counters.bytesIn.addAndGet(length);
                buffer.flip();
                if (socket.sendTo(buffer, from.address(), from.port()))
                {
                    counters.bytesOut.addAndGet(length);
                }
                else
                {
                    counters.failed.incrementAndGet(); // the stack's send queue was full: dropped, as UDP may
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            if (!stopping.getAsBoolean())
            {
                System.err.println("ustack serve: UDP echo: " + e.getMessage());
            }
        }
        finally
        {
            socket.close();
        }
    }
}
