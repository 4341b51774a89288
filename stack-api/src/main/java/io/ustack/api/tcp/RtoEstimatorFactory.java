package io.ustack.api.tcp;

/**
 * Makes {@link RtoEstimator} instances: the {@link java.util.ServiceLoader} provider type, listed in
 * {@code META-INF/services/io.ustack.api.tcp.RtoEstimatorFactory}.
 */
public interface RtoEstimatorFactory
{
    /** The name the estimator is chosen by (e.g. {@code "rfc6298"}). */
    String name();

    /**
     * A new estimator with default settings, for one connection.
     *
     * @return the estimator
     */
    RtoEstimator create();

    /**
     * A new estimator with settings; the default accepts only empty settings.
     *
     * @param settings tunables of this estimator
     * @return the estimator
     * @throws IllegalArgumentException when a setting is unknown or out of range
     */
    default RtoEstimator create(final TcpPolicySettings settings)
    {
        settings.requireOnly(name());
        return create();
    }
}
