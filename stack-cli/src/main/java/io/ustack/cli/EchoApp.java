package io.ustack.cli;

import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * {@code --app echo}: the TCP echo service (RFC 862 "TCP Based Echo Service"): every byte goes back. Our FIN follows
 * the client's, once every byte went back; on a stop, ours goes first ({@link AppIo#finish}).
 */
final class EchoApp implements ServeCommand.App
{
    @Override
    public void serve(final TcpSocket socket, final ServeCommand.Counters counters, final BooleanSupplier stopping)
        throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (true)
        {
            buffer.clear();
            final int n = AppIo.read(socket, buffer, stopping);
            if (n == -1)
            {
                socket.close();
                return;
            }
            if (n == AppIo.STOPPED)
            {
                break;
            }
            counters.bytesIn.addAndGet(n);
            buffer.flip();
            if (!AppIo.write(socket, buffer, stopping))
            {
                break;
            }
            counters.bytesOut.addAndGet(n);
        }
        AppIo.finish(socket, counters);
    }
}
