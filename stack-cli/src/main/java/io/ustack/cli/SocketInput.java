package io.ustack.cli;

import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;

/** A ustack TCP connection's receive side as an {@link InputStream}: each read waits up to an idle timeout. */
final class SocketInput extends InputStream
{
    private final TcpSocket socket;
    private final Duration timeout;
    private long bytes;

    SocketInput(final TcpSocket socket, final Duration timeout)
    {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Bytes read so far. */
    long bytes()
    {
        return bytes;
    }

    @Override
    public int read() throws IOException
    {
        final byte[] one = new byte[1];
        final int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] into, final int offset, final int length) throws IOException
    {
        if (length == 0)
        {
            return 0;
        }
        final int n = socket.read(ByteBuffer.wrap(into, offset, length), timeout);
        if (n > 0)
        {
            bytes += n;
        }
        return n;
    }
}
