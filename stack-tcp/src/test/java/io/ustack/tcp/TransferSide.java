package io.ustack.tcp;

import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One end of a test transfer driven on the stack's thread: writes its bytes, half-closes, and reads the peer's
 * bytes to the end of the stream.
 */
final class TransferSide
{
    final TcpModule tcp;
    final byte[] out;
    final byte[] in;
    final UnsafeBuffer outBuffer;
    final UnsafeBuffer readBuffer = new UnsafeBuffer(new byte[64 * 1024]);
    int id = -1;
    int written;
    int read;
    boolean eof;
    boolean shut;

    TransferSide(final TcpModule tcp, final byte[] out, final int expectIn)
    {
        this.tcp = tcp;
        this.out = out;
        this.outBuffer = new UnsafeBuffer(out);
        this.in = new byte[expectIn];
    }

    /** Whether it has sent everything, half-closed, and read the peer's bytes to the end. */
    boolean done()
    {
        return shut && eof;
    }

    /** One step on the calling (stack) thread: write what fits, then half-close, then read what arrived. */
    boolean step(final long nowNs)
    {
        if (id < 0 || tcp.state(id) == TcpState.SYN_SENT || tcp.state(id) == TcpState.CLOSED)
        {
            return false;
        }
        boolean progress = false;
        if (written < out.length)
        {
            final int n = tcp.write(id, outBuffer, written, out.length - written, nowNs);
            if (n > 0)
            {
                written += n;
                progress = true;
            }
        }
        else if (!shut)
        {
            tcp.shutdownOutput(id, nowNs);
            shut = true;
            progress = true;
        }
        while (!eof)
        {
            final int n = tcp.read(id, readBuffer, 0, readBuffer.capacity(), nowNs);
            if (n < 0)
            {
                eof = true;
                progress = true;
            }
            else if (n == 0)
            {
                break;
            }
            else
            {
                assertTrue(read + n <= in.length, "more bytes than were sent");
                readBuffer.getBytes(0, in, read, n);
                read += n;
                progress = true;
            }
        }
        return progress;
    }
}
