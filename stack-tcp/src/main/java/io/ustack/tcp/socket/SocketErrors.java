package io.ustack.tcp.socket;

import io.ustack.api.net.Ipv4Address;
import io.ustack.tcp.TcpError;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;

/** Turns the engine's {@link TcpError} codes into the {@code java.net} exceptions applications expect. */
final class SocketErrors
{
    /** Not an engine code: the connection could not even start (no free control block or ephemeral port). */
    static final int NO_RESOURCES = -1;

    private SocketErrors()
    {
    }

    /** The error of a connection that failed while opening. */
    static IOException onConnect(final int error, final int address, final int port)
    {
        final String peer = Ipv4Address.toString(address) + ":" + port;
        return switch (error)
        {
            case TcpError.REFUSED -> new ConnectException("Connection refused: " + peer + " answered the SYN with a RST");
            case TcpError.TIMED_OUT -> new ConnectException("Connection timed out: no answer from " + peer +
                " to any SYN retry");
            case TcpError.UNREACHABLE -> new NoRouteToHostException("No route to host " + peer);
            case NO_RESOURCES -> new SocketException("no free TCP connection or ephemeral port for " + peer +
                ": close connections, or raise TcpSettings.maxConnections");
            default -> new SocketException("connect to " + peer + " failed: " + TcpError.name(error));
        };
    }

    /** The error of an established connection that ended abnormally. */
    static IOException onTransfer(final int error)
    {
        return switch (error)
        {
            case TcpError.RESET -> new SocketException("Connection reset");
            case TcpError.TIMED_OUT -> new SocketException("Connection timed out (retransmissions ran out)");
            case TcpError.UNREACHABLE -> new NoRouteToHostException("No route to host");
            case TcpError.ABORTED -> new SocketException("Connection aborted by this side");
            default -> new SocketException("Connection failed: " + TcpError.name(error));
        };
    }
}
