package io.ustack.api.tcp;

/**
 * Makes {@link LossRecovery} instances: the {@link java.util.ServiceLoader} provider type. List an implementation in
 * {@code META-INF/services/io.ustack.api.tcp.LossRecoveryFactory}; it needs a public no-argument constructor.
 */
public interface LossRecoveryFactory
{
    /** The name the algorithm is chosen by: lower case, unique on the class path (e.g. {@code "rfc6675"}). */
    String name();

    /**
     * A new instance with default settings, for one connection.
     *
     * @return the algorithm, not yet {@linkplain LossRecovery#init(RecoveryContext) initialised}
     */
    LossRecovery create();

    /**
     * A new instance with settings; the default accepts only empty settings and calls {@link #create()}.
     *
     * @param settings tunables of this algorithm
     * @return the algorithm, not yet initialised
     * @throws IllegalArgumentException when a setting is unknown or out of range
     */
    default LossRecovery create(final TcpPolicySettings settings)
    {
        settings.requireOnly(name());
        return create();
    }
}
