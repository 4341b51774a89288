package io.ustack.api.tcp;

/**
 * Chooses initial sequence numbers (RFC 9293 §3.4.1, RFC 6528). One generator serves a whole stack (or one TCP
 * agent), so that connections to the same peer draw from the same clock-driven sequence. Not thread-safe.
 */
public interface IsnGenerator
{
    /** The name this generator is chosen by (e.g. {@code "rfc6528"}). */
    String name();

    /**
     * The ISN for a new connection.
     *
     * @param localAddress local IPv4 address, as an int in network order (most significant byte first)
     * @param localPort local port, 0..65535
     * @param remoteAddress remote IPv4 address, as an int in network order
     * @param remotePort remote port, 0..65535
     * @param nowNs current time
     * @return the 32-bit ISN
     */
    int isn(int localAddress, int localPort, int remoteAddress, int remotePort, long nowNs);
}
