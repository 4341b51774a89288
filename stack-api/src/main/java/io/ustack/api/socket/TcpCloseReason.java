package io.ustack.api.socket;

/** Why a connection in callback style ended ({@link TcpHandler#onClosed}). */
public enum TcpCloseReason
{
    /** Both sides sent their FIN and it was acknowledged (RFC 9293 §3.6). */
    NORMAL,
    /** The peer sent a RST. */
    RESET,
    /** The peer answered the SYN with a RST (nobody listens there). */
    REFUSED,
    /** Retransmissions or keepalive probes ran out (RFC 9293 §3.8.3 R2, §3.8.4). */
    TIMED_OUT,
    /** No route to the peer, or an ICMP error said it cannot be reached. */
    UNREACHABLE,
    /** This side reset it (the stack ran out of resources, or a callback threw). */
    ABORTED
}
