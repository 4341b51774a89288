package io.ustack.tcp.socket;

import io.ustack.api.socket.TcpSocketOptions;
import io.ustack.tcp.ConnectionOptions;
import io.ustack.tcp.TcpModule;

/** Turns the application's {@link TcpSocketOptions} into what the engine and the socket pump use. */
final class EngineOptions
{
    private EngineOptions()
    {
    }

    /**
     * The engine's form of the options, after checking on the caller's thread that the named policies exist.
     *
     * @return null when {@code options} is null
     */
    static ConnectionOptions from(final TcpModule module, final TcpSocketOptions options)
    {
        if (options == null)
        {
            return null;
        }
        module.checkPolicyNames(options.congestionControl(), options.rtoEstimator(), options.ackPolicy());
        final ConnectionOptions o = new ConnectionOptions();
        o.sendBufferBytes = options.sendBufferBytes();
        o.receiveBufferBytes = options.receiveBufferBytes();
        o.noDelay = options.noDelay();
        o.cork = options.cork();
        o.keepalive = options.keepalive();
        o.keepaliveIdleNs = options.keepaliveIdle() == null ? 0 : options.keepaliveIdle().toNanos();
        o.keepaliveIntervalNs = options.keepaliveInterval() == null ? 0 : options.keepaliveInterval().toNanos();
        o.keepaliveProbes = options.keepaliveProbes();
        o.congestionControl = options.congestionControl();
        o.rtoEstimator = options.rtoEstimator();
        o.ackPolicy = options.ackPolicy();
        return o;
    }

    static long lingerNs(final TcpSocketOptions options)
    {
        return options == null || options.linger() == null ? -1 : Waits.nanos(options.linger());
    }

    /**
     * Callback style: whether {@code close()} resets (SO_LINGER 0). A linger time is refused, since a callback's
     * close runs on the stack's thread and cannot wait for the peer's ACK.
     */
    static boolean callbackResetOnClose(final TcpSocketOptions options)
    {
        if (options == null || options.linger() == null)
        {
            return false;
        }
        if (!options.linger().isZero())
        {
            throw new IllegalArgumentException("SO_LINGER " + options.linger() + " needs a close that waits; in " +
                "callback style set linger to 0 (close resets) or leave it off (null)");
        }
        return true;
    }
}
