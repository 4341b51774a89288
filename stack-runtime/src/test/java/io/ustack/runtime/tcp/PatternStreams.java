package io.ustack.runtime.tcp;

import io.ustack.api.socket.TcpSocket;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Blocking pattern writers and checking readers for the TCP matrix tests. */
final class PatternStreams
{
    static final Duration IO_WAIT = Duration.ofSeconds(60);
    private static final int MAX_WRITE = 70_001;

    private PatternStreams()
    {
    }

    /**
     * Writes {@code bytes} of {@code pattern} in writes of seeded sizes from 1 byte to about 68 KiB (so segment
     * boundaries fall everywhere), then shuts down output.
     */
    static long write(final TcpSocket socket, final StreamPattern pattern, final long bytes, final long sizeSeed)
        throws Exception
    {
        final SplittableRandom sizes = new SplittableRandom(sizeSeed);
        final byte[] chunk = new byte[MAX_WRITE];
        final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_WRITE);
        long sent = 0;
        while (sent < bytes)
        {
            final int n = (int)Math.min(bytes - sent, 1 + sizes.nextInt(MAX_WRITE));
            pattern.fill(sent, chunk, 0, n);
            buffer.clear();
            buffer.put(chunk, 0, n).flip();
            socket.write(buffer, IO_WAIT);
            sent += n;
        }
        socket.shutdownOutput();
        return sent;
    }

    /** Reads to EOF, checking every byte against {@code pattern}; fails at the first wrong byte with its offset. */
    static long readAndCheck(final TcpSocket socket, final StreamPattern pattern, final long bytes,
        final String direction) throws Exception
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
        final byte[] copy = new byte[65_536];
        long received = 0;
        while (true)
        {
            buffer.clear();
            final int n = socket.read(buffer, IO_WAIT);
            if (n < 0)
            {
                break;
            }
            buffer.flip().get(copy, 0, n);
            final long wrong = pattern.firstMismatch(received, copy, 0, n);
            if (wrong >= 0)
            {
                fail(direction + ": the byte at stream offset " + wrong + " is not the one sent (read of " + n +
                    " bytes from offset " + received + ")");
            }
            received += n;
        }
        assertEquals(bytes, received, direction + ": bytes before EOF");
        return received;
    }
}
