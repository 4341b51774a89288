package io.ustack.tcp;

/** Why a connection ended, as {@link TcpModule#error(int)} reports it; errno-like names for the socket layer. */
public final class TcpError
{
    /** No error: open, or closed in order. */
    public static final int NONE = 0;
    /** The peer reset the connection (ECONNRESET; RFC 9293 §3.10.7.4 "second, check the RST bit"). */
    public static final int RESET = 1;
    /** Retransmissions or probes ran out (ETIMEDOUT; RFC 9293 §3.8.3 R2). */
    public static final int TIMED_OUT = 2;
    /** No route, or an ICMP unreachable during the open (EHOSTUNREACH / ENETUNREACH). */
    public static final int UNREACHABLE = 3;
    /** The peer answered our SYN with a RST (ECONNREFUSED; RFC 9293 §3.10.7.3). */
    public static final int REFUSED = 4;
    /** We aborted it ourselves (application abort or listener closed with the connection unaccepted). */
    public static final int ABORTED = 5;

    private static final String[] NAMES = {"none", "connection reset", "connection timed out", "unreachable",
        "connection refused", "aborted"};

    private TcpError()
    {
    }

    /** A readable name of an error code. */
    public static String name(final int error)
    {
        return error >= 0 && error < NAMES.length ? NAMES[error] : "unknown(" + error + ")";
    }
}
