package io.ustack.udp;

import io.ustack.api.net.Ipv4Address;
import io.ustack.ip.ipv4.IcmpErrors;
import io.ustack.ip.ipv4.Ipv4Sender;

import java.io.IOException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;

/**
 * Errors a socket holds until its next send or receive call: packed into an int on the stack thread (nothing
 * allocated there), turned into a {@code java.net} exception on the application thread that throws it.
 */
final class PendingErrors
{
    static final int NONE = 0;
    private static final int ICMP = 0x1_0000;
    private static final int SEND = 0x2_0000;
    private static final int ICMP_DESTINATION_UNREACHABLE = 3;

    private PendingErrors()
    {
    }

    /** An ICMP error of {@code type}/{@code code} about a datagram the socket sent. */
    static int icmp(final int type, final int code)
    {
        return ICMP | (type & 0xFF) << 8 | (code & 0xFF);
    }

    /** A failed {@link Ipv4Sender#send} result (negative). */
    static int sendResult(final int result)
    {
        return SEND | (-result & 0xFF);
    }

    /** The exception for a packed error; {@code peer} (see {@link UdpSocketImpl#peerKey}) names the peer. */
    static IOException toException(final int error, final long peer)
    {
        final String to = peer == UdpSocketImpl.NOT_CONNECTED ? "" :
            " (peer " + Ipv4Address.toString((int)(peer >>> 16)) + ":" + (peer & 0xFFFF) + ")";
        if ((error & ICMP) != 0)
        {
            final int type = (error >>> 8) & 0xFF;
            final int code = error & 0xFF;
            if (type == ICMP_DESTINATION_UNREACHABLE)
            {
                switch (code)
                {
                    case IcmpErrors.CODE_PORT_UNREACHABLE:
                        return new PortUnreachableException("ICMP port unreachable: nothing listens there" + to);
                    case IcmpErrors.CODE_NET_UNREACHABLE:
                        return new NoRouteToHostException("ICMP network unreachable" + to);
                    case IcmpErrors.CODE_HOST_UNREACHABLE:
                        return new NoRouteToHostException("ICMP host unreachable (or no ARP answer)" + to);
                    default:
                        break;
                }
            }
            return new SocketException("ICMP error type " + type + " code " + code + to);
        }
        final int result = -(error & 0xFF);
        switch (result)
        {
            case Ipv4Sender.NO_ROUTE:
                return new NoRouteToHostException("no route for an earlier datagram" + to);
            case Ipv4Sender.TOO_BIG:
                return new SocketException("an earlier datagram was larger than the path MTU" + to);
            case Ipv4Sender.TOO_LONG:
                return new SocketException("an earlier datagram exceeded 65,535 bytes with its IP header" + to);
            default:
                return new SocketException("an earlier datagram failed to send (code " + result + ")" + to);
        }
    }
}
