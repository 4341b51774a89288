package io.ustack.tcp.socket;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.TcpCloseReason;
import io.ustack.api.socket.TcpConnection;
import io.ustack.api.socket.TcpHandler;
import io.ustack.tcp.ConnectionOptions;
import io.ustack.tcp.TcpError;
import io.ustack.tcp.TcpModule;
import org.agrona.DirectBuffer;

/**
 * A connection in callback style. Lives on the stack thread only: {@link CallbackConnections} drives its events and
 * its {@link TcpConnection} methods check that they are called there.
 */
final class CallbackConnection implements TcpConnection
{
    private final CallbackConnections owner;
    private final TcpModule module;
    TcpHandler handler;
    int connId = -1;
    int slot = -1;
    int remoteAddressWanted;
    int remotePortWanted;
    boolean connectedDelivered;
    boolean peerClosedDelivered;
    boolean wantWritable;
    boolean released;
    /** In the owner's queue for the next cycle's delivery. */
    boolean queued;
    /** Inside {@link io.ustack.api.socket.TcpHandler#onData}: close() waits until the bytes returned are consumed. */
    boolean inOnData;
    boolean closeAfterData;
    /** What the active open starts with (set before the connect command), or null. */
    ConnectionOptions options;
    /** SO_LINGER 0: {@link #close()} resets the connection. */
    boolean resetOnClose;
    private Object attachment;
    private int localAddress;
    private int localPort;
    private int remoteAddress;
    private int remotePort;

    CallbackConnection(final CallbackConnections owner, final TcpModule module, final TcpHandler handler)
    {
        this.owner = owner;
        this.module = module;
        this.handler = handler;
    }

    void onAttached(final int connId)
    {
        this.connId = connId;
        localAddress = module.localAddress(connId);
        localPort = module.localPort(connId);
        remoteAddress = module.remoteAddress(connId);
        remotePort = module.remotePort(connId);
    }

    @Override
    public int write(final DirectBuffer src, final int offset, final int length)
    {
        owner.checkStackThread();
        if (released)
        {
            return -1;
        }
        final int taken = module.write(connId, src, offset, length, owner.nowNs());
        if (taken >= 0 && taken < length)
        {
            wantWritable = true;
        }
        return taken;
    }

    @Override
    public void shutdownOutput()
    {
        owner.checkStackThread();
        if (!released)
        {
            module.shutdownOutput(connId, owner.nowNs());
        }
    }

    @Override
    public void close()
    {
        owner.checkStackThread();
        if (inOnData)
        {
            closeAfterData = true;
        }
        else if (resetOnClose)
        {
            abort(); // SO_LINGER 0: RST, unsent bytes discarded (RFC 9293 §3.10.5)
        }
        else if (!released)
        {
            owner.release(this);
            module.close(connId, owner.nowNs());
        }
    }

    @Override
    public void abort()
    {
        owner.checkStackThread();
        if (!released)
        {
            owner.release(this);
            module.abort(connId, owner.nowNs());
        }
    }

    @Override
    public int writable()
    {
        owner.checkStackThread();
        return released ? 0 : module.writable(connId);
    }

    @Override
    public int localAddress()
    {
        return localAddress;
    }

    @Override
    public int localPort()
    {
        return localPort;
    }

    @Override
    public int remoteAddress()
    {
        return remoteAddress;
    }

    @Override
    public int remotePort()
    {
        return remotePort;
    }

    @Override
    public Object attachment()
    {
        return attachment;
    }

    @Override
    public void attach(final Object attachment)
    {
        this.attachment = attachment;
    }

    /** The reason callbacks report for a {@link TcpError} code. */
    static TcpCloseReason reason(final int error)
    {
        return switch (error)
        {
            case TcpError.NONE -> TcpCloseReason.NORMAL;
            case TcpError.RESET -> TcpCloseReason.RESET;
            case TcpError.REFUSED -> TcpCloseReason.REFUSED;
            case TcpError.TIMED_OUT -> TcpCloseReason.TIMED_OUT;
            case TcpError.UNREACHABLE -> TcpCloseReason.UNREACHABLE;
            default -> TcpCloseReason.ABORTED;
        };
    }

    @Override
    public String toString()
    {
        return "TcpConnection{" + Ipv4Address.toString(localAddress) + ":" + localPort + " -> " +
            Ipv4Address.toString(remoteAddress) + ":" + remotePort + (released ? " released" : "") + "}";
    }
}
