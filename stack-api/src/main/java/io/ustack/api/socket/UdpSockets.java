package io.ustack.api.socket;

/** Opens UDP sockets on a stack. */
public interface UdpSockets
{
    /** A new, unbound UDP socket. */
    UdpSocket open();
}
