package io.ustack.api.tcp;

/**
 * Makes {@link IsnGenerator} instances: the {@link java.util.ServiceLoader} provider type, listed in
 * {@code META-INF/services/io.ustack.api.tcp.IsnGeneratorFactory}.
 */
public interface IsnGeneratorFactory
{
    /** The name the generator is chosen by (e.g. {@code "rfc6528"}). */
    String name();

    /**
     * A new generator.
     *
     * @param secret the stack's secret key (RFC 6528 §3: unknown to attackers; the runtime draws 16 bytes from a
     *               {@code SecureRandom} at start), read and copied, not kept
     * @return the generator
     * @throws IllegalArgumentException when the secret does not suit the generator (e.g. wrong length)
     */
    IsnGenerator create(byte[] secret);

    /**
     * A new generator with settings; the default accepts only empty settings.
     *
     * @param secret the stack's secret key, copied
     * @param settings tunables of this generator
     * @return the generator
     * @throws IllegalArgumentException when a setting is unknown or out of range, or the secret does not suit
     */
    default IsnGenerator create(final byte[] secret, final TcpPolicySettings settings)
    {
        settings.requireOnly(name());
        return create(secret);
    }
}
