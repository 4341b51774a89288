package io.ustack.tcp;

/**
 * Per-connection settings that override the module's {@link TcpSettings} for one connection: given to
 * {@link TcpModule#connect(int, int, int, long, ConnectionOptions)} or, for the connections a listener accepts, to
 * {@link TcpModule#listen(int, int, int, ConnectionOptions)}. Zero, null and -1 mean "the module's setting". Values
 * are checked by the socket API before they get here; the engine takes them as they are.
 */
public final class ConnectionOptions
{
    /** Send buffer (SO_SNDBUF) in bytes, a power of two from 1024, or 0. */
    public int sendBufferBytes;
    /** Receive buffer (SO_RCVBUF) in bytes, a power of two from 1024, or 0; fixes the window scale of the SYN. */
    public int receiveBufferBytes;
    /** TCP_NODELAY from the start. */
    public boolean noDelay;
    /** TCP_CORK from the start. */
    public boolean cork;
    /** SO_KEEPALIVE: 1 on, 0 off, -1 the module's setting. */
    public int keepalive = -1;
    /** TCP_KEEPIDLE in ns, or 0. */
    public long keepaliveIdleNs;
    /** TCP_KEEPINTVL in ns, or 0. */
    public long keepaliveIntervalNs;
    /** TCP_KEEPCNT, or 0. */
    public int keepaliveProbes;
    /** Congestion control by name (TCP_CONGESTION), or null. */
    public String congestionControl;
    /** RTO estimator by name, or null. */
    public String rtoEstimator;
    /** ACK policy by name, or null. */
    public String ackPolicy;
}
