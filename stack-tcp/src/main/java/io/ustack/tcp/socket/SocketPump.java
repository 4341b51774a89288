package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpSelector;
import io.ustack.tcp.TcpError;
import io.ustack.tcp.TcpModule;
import io.ustack.tcp.TcpState;

/**
 * Stack thread: moves one socket's bytes between its rings and the engine, and carries out the shutdown, close and
 * abort the application asked for once the bytes written before them are in the engine. Copies go straight from
 * a ring's buffer into the engine's and back; nothing is allocated.
 */
final class SocketPump
{
    private final TcpModule module;
    private final TcpSocketImpl[] byConnId;

    SocketPump(final TcpModule module, final TcpSocketImpl[] byConnId)
    {
        this.module = module;
        this.byConnId = byConnId;
    }

    /** @return work done (bytes moved plus actions taken) */
    int pump(final TcpSocketImpl socket, final long nowNs)
    {
        final int connId = socket.connId;
        if (connId < 0)
        {
            return 0;
        }
        if (socket.abortRequested)
        {
            snapshot(socket, connId);
            module.abort(connId, nowNs); // RFC 9293 §3.10.5: RST, queued bytes discarded
            socket.sendRing.discard();
            release(socket);
            return 1;
        }
        int work = 0;
        if (!socket.cannotSend)
        {
            work += moveOut(socket, connId, nowNs);
        }
        final boolean sendQueueDone = socket.cannotSend || socket.sendRing.size() == 0;
        if (socket.finRequested && !socket.finSent && sendQueueDone)
        {
            module.shutdownOutput(connId, nowNs); // the FIN goes after every byte written before shutdownOutput()
            socket.finSent = true;
            work++;
        }
        if (!socket.eof)
        {
            work += moveIn(socket, connId, nowNs);
        }
        if (socket.lingerClose)
        {
            return work + linger(socket, connId, nowNs);
        }
        if (socket.closeRequested && sendQueueDone)
        {
            snapshot(socket, connId);
            module.close(connId, nowNs);
            release(socket);
            work++;
        }
        return work;
    }

    private int moveOut(final TcpSocketImpl socket, final int connId, final long nowNs)
    {
        final SpscByteRing ring = socket.sendRing;
        int moved = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            final int span = ring.consumerSpan();
            if (span == 0)
            {
                break;
            }
            final int taken = module.write(connId, ring.buffer(), ring.consumerIndex(), span, nowNs);
            if (taken < 0)
            {
                socket.cannotSend = true; // reset, timed out or closed: writeNow reports why
                ring.discard();
                socket.onReadinessChange(TcpSelector.OP_WRITE);
                break;
            }
            ring.consumed(taken);
            moved += taken;
            if (taken < span)
            {
                break;
            }
        }
        if (moved > 0)
        {
            socket.onReadinessChange(TcpSelector.OP_WRITE); // room in the send ring
        }
        return moved;
    }

    private int moveIn(final TcpSocketImpl socket, final int connId, final long nowNs)
    {
        final SpscByteRing ring = socket.receiveRing;
        int moved = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            final int span = ring.producerSpan();
            if (span == 0)
            {
                break;
            }
            final int n = module.read(connId, ring.buffer(), ring.producerIndex(), span, nowNs);
            if (n > 0)
            {
                ring.produced(n);
                moved += n;
                if (n < span)
                {
                    break;
                }
                continue;
            }
            if (n < 0 || module.state(connId) == TcpState.CLOSED)
            {
                socket.eof = true; // after the last bytes were published: readers check the ring once more
                socket.onReadinessChange(TcpSelector.OP_READ);
            }
            break;
        }
        if (moved > 0)
        {
            socket.onReadinessChange(TcpSelector.OP_READ);
        }
        return moved;
    }

    /**
     * SO_LINGER with a time: the FIN went after the queued bytes; once the peer acknowledged all of it the connection
     * is let go of as a normal close; if the deadline comes first it is reset (RST, the rest discarded).
     */
    private int linger(final TcpSocketImpl socket, final int connId, final long nowNs)
    {
        final int outcome;
        if (module.state(connId) == TcpState.CLOSED)
        {
            outcome = module.error(connId) == TcpError.NONE ? TcpSocketImpl.LINGER_ACKED : TcpSocketImpl.LINGER_RESET;
            snapshot(socket, connId);
            module.close(connId, nowNs);
        }
        else if (socket.finSent && module.sendQueueAcked(connId))
        {
            outcome = TcpSocketImpl.LINGER_ACKED;
            snapshot(socket, connId);
            module.close(connId, nowNs);
        }
        else if (nowNs - socket.lingerDeadlineNs >= 0)
        {
            outcome = TcpSocketImpl.LINGER_RESET;
            snapshot(socket, connId);
            module.abort(connId, nowNs);
            socket.sendRing.discard();
        }
        else
        {
            return 0;
        }
        release(socket);
        socket.lingerClose = false;
        socket.lingerOutcome = outcome;
        return 1;
    }

    private void snapshot(final TcpSocketImpl socket, final int connId)
    {
        socket.onInfo(module.info(connId), module.stats(connId));
    }

    private void release(final TcpSocketImpl socket)
    {
        byConnId[socket.connId] = null; // before the engine may hand the id to a new connection
        socket.connId = -1;
        socket.closeRequested = true;
    }
}
