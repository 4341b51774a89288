package io.ustack.cli;

import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** {@code --app echo}: the TCP echo service (RFC 862); our FIN follows the client's, once every byte went back. */
final class EchoApp implements ServeCommand.App
{
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public void serve(final TcpSocket socket, final ServeCommand.Counters counters) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try
        {
            while (true)
            {
                buffer.clear();
                final int n = socket.read(buffer, IDLE_TIMEOUT);
                if (n < 0)
                {
                    break;
                }
                counters.bytesIn.addAndGet(n);
                buffer.flip();
                socket.write(buffer, IDLE_TIMEOUT);
                counters.bytesOut.addAndGet(n);
            }
        }
        catch (final SocketTimeoutException e)
        {
            socket.abort(); // idle for a minute, or the client stopped reading
            return;
        }
        socket.close();
    }
}
