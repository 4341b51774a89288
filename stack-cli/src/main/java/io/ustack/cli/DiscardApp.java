package io.ustack.cli;

import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/** {@code --app discard}: the TCP discard service (RFC 863): reads and throws away; closes after the client. */
final class DiscardApp implements ServeCommand.App
{
    @Override
    public void serve(final TcpSocket socket, final ServeCommand.Counters counters, final BooleanSupplier stopping)
        throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (true)
        {
            final int n = AppIo.read(socket, buffer.clear(), stopping);
            if (n == -1)
            {
                socket.close();
                return;
            }
            if (n == AppIo.STOPPED)
            {
                AppIo.finish(socket, counters);
                return;
            }
            counters.bytesIn.addAndGet(n);
        }
    }
}
