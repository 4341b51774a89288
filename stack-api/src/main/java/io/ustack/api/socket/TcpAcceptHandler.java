package io.ustack.api.socket;

/**
 * Callback style for a listener ({@link TcpSockets#listen(int, int, int, TcpAcceptHandler)}): called on the stack's
 * thread for each connection whose handshake completed, under {@link TcpHandler}'s threading contract.
 */
@FunctionalInterface
public interface TcpAcceptHandler
{
    /**
     * @param connection the new, ESTABLISHED connection
     * @return the handler of its events, or null to refuse it (the connection is reset)
     */
    TcpHandler onAccept(TcpConnection connection);
}
