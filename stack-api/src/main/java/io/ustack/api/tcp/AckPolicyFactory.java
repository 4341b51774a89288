package io.ustack.api.tcp;

/**
 * Makes {@link AckPolicy} instances: the {@link java.util.ServiceLoader} provider type, listed in
 * {@code META-INF/services/io.ustack.api.tcp.AckPolicyFactory}.
 */
public interface AckPolicyFactory
{
    /** The name the policy is chosen by (e.g. {@code "delayed"}). */
    String name();

    /**
     * A new policy with default settings, for one connection.
     *
     * @return the policy
     */
    AckPolicy create();

    /**
     * A new policy with settings; the default accepts only empty settings.
     *
     * @param settings tunables of this policy
     * @return the policy
     * @throws IllegalArgumentException when a setting is unknown or out of range
     */
    default AckPolicy create(final TcpPolicySettings settings)
    {
        settings.requireOnly(name());
        return create();
    }
}
