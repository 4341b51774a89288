package io.ustack.cli;

import io.ustack.api.socket.TcpSocket;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * {@code --app chargen}: the TCP character generator (RFC 864): sends lines of 72 printable ASCII characters, each
 * line starting one character further along the 95 printable ones, until the client closes; what it sends is read
 * and discarded.
 */
final class ChargenApp implements ServeCommand.App
{
    /** RFC 864's pattern repeats after 95 lines (one per first character); 74 bytes a line with CR LF. */
    static final byte[] PATTERN = pattern();

    private static final int PRINTABLE = 95;
    private static final int LINE = 72;

    private static byte[] pattern()
    {
        final StringBuilder text = new StringBuilder(PRINTABLE * (LINE + 2));
        for (int line = 0; line < PRINTABLE; line++)
        {
            for (int i = 0; i < LINE; i++)
            {
                text.append((char)(' ' + (line + i) % PRINTABLE));
            }
            text.append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void serve(final TcpSocket socket, final ServeCommand.Counters counters, final BooleanSupplier stopping)
        throws IOException
    {
        final ByteBuffer block = ByteBuffer.wrap(PATTERN);
        final ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
        while (true)
        {
            // The client closing (or sending, which RFC 864 discards) is noticed between blocks.
            int n;
            while ((n = socket.readNow(sink.clear())) > 0)
            {
                counters.bytesIn.addAndGet(n);
            }
            if (n < 0)
            {
                socket.close();
                return;
            }
            block.clear();
            final boolean written;
            try
            {
                written = AppIo.write(socket, block, stopping);
            }
            catch (final SocketException e)
            {
                if (!"Connection reset".equals(e.getMessage()))
                {
                    throw e; // timed out, no route, ...: a failure
                }
                // RFC 864: the client ends the stream; one that closes with our lines unread resets it (as Linux
                // does), which is the usual way a chargen session ends, not a failure.
                counters.bytesOut.addAndGet(block.position());
                return;
            }
            if (!written)
            {
                AppIo.finish(socket, counters);
                return;
            }
            counters.bytesOut.addAndGet(PATTERN.length);
        }
    }
}
