package io.ustack.api.tcp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds TCP policies by name among the factories on the class path ({@link ServiceLoader}): the built-in ones of
 * stack-tcp and any a third party registered in its jar's {@code META-INF/services}.
 *
 * <pre>{@code
 * TcpPolicies policies = TcpPolicies.installed();
 * CongestionControl cc = policies.congestionControl("newreno");
 * AckPolicy acks = policies.ackPolicy("delayed", TcpPolicySettings.parse("delayMs=100"));
 * LossRecovery recovery = policies.lossRecovery("rfc6675");
 * }</pre>
 *
 * An unknown name is an {@link IllegalArgumentException} that lists the names there are. Two factories with the same
 * name are refused when the class path is scanned. Lookups build a new policy each time (one per connection) and are
 * meant for connection setup, not the data path. Immutable and thread-safe.
 */
public final class TcpPolicies
{
    private static final class Installed
    {
        static final TcpPolicies INSTANCE = load(TcpPolicies.class.getClassLoader());
    }

    private final Map<String, CongestionControlFactory> congestionControls;
    private final Map<String, RtoEstimatorFactory> rtoEstimators;
    private final Map<String, AckPolicyFactory> ackPolicies;
    private final Map<String, IsnGeneratorFactory> isnGenerators;
    private final Map<String, LossRecoveryFactory> lossRecoveries;

    private TcpPolicies(final ClassLoader loader)
    {
        congestionControls = scan(CongestionControlFactory.class, CongestionControlFactory::name, loader);
        rtoEstimators = scan(RtoEstimatorFactory.class, RtoEstimatorFactory::name, loader);
        ackPolicies = scan(AckPolicyFactory.class, AckPolicyFactory::name, loader);
        isnGenerators = scan(IsnGeneratorFactory.class, IsnGeneratorFactory::name, loader);
        lossRecoveries = scan(LossRecoveryFactory.class, LossRecoveryFactory::name, loader);
    }

    /**
     * The policies on the class path that loaded ustack, scanned once.
     *
     * @return the shared registry
     * @throws IllegalStateException when two factories of one kind share a name
     */
    public static TcpPolicies installed()
    {
        return Installed.INSTANCE;
    }

    /**
     * Scans a class loader afresh (e.g. one that loads plug-in jars).
     *
     * @param loader where to look for {@code META-INF/services} entries
     * @return a registry of what it found
     * @throws IllegalStateException when two factories of one kind share a name
     */
    public static TcpPolicies load(final ClassLoader loader)
    {
        return new TcpPolicies(Objects.requireNonNull(loader, "loader"));
    }

    /**
     * A new congestion-control instance with default settings.
     *
     * @param name e.g. {@code "newreno"}
     * @return the algorithm
     * @throws IllegalArgumentException when no factory has that name (the message lists the names there are)
     */
    public CongestionControl congestionControl(final String name)
    {
        return congestionControl(name, TcpPolicySettings.EMPTY);
    }

    /**
     * A new congestion-control instance.
     *
     * @param name e.g. {@code "fixed"}
     * @param settings the algorithm's tunables
     * @return the algorithm
     * @throws IllegalArgumentException when the name or a setting is unknown
     */
    public CongestionControl congestionControl(final String name, final TcpPolicySettings settings)
    {
        return find(congestionControls, "congestion control", name).create(settings);
    }

    /**
     * A new RTO estimator with default settings.
     *
     * @param name e.g. {@code "rfc6298"}
     * @return the estimator
     * @throws IllegalArgumentException when no factory has that name (the message lists the names there are)
     */
    public RtoEstimator rtoEstimator(final String name)
    {
        return rtoEstimator(name, TcpPolicySettings.EMPTY);
    }

    /**
     * A new RTO estimator.
     *
     * @param name e.g. {@code "linux"}
     * @param settings the estimator's tunables
     * @return the estimator
     * @throws IllegalArgumentException when the name or a setting is unknown
     */
    public RtoEstimator rtoEstimator(final String name, final TcpPolicySettings settings)
    {
        return find(rtoEstimators, "RTO estimator", name).create(settings);
    }

    /**
     * A new ACK policy with default settings.
     *
     * @param name e.g. {@code "delayed"}
     * @return the policy
     * @throws IllegalArgumentException when no factory has that name (the message lists the names there are)
     */
    public AckPolicy ackPolicy(final String name)
    {
        return ackPolicy(name, TcpPolicySettings.EMPTY);
    }

    /**
     * A new ACK policy.
     *
     * @param name e.g. {@code "delayed"}
     * @param settings the policy's tunables
     * @return the policy
     * @throws IllegalArgumentException when the name or a setting is unknown
     */
    public AckPolicy ackPolicy(final String name, final TcpPolicySettings settings)
    {
        return find(ackPolicies, "ACK policy", name).create(settings);
    }

    /**
     * A new ISN generator with default settings.
     *
     * @param name e.g. {@code "rfc6528"}
     * @param secret the stack's secret key, copied
     * @return the generator
     * @throws IllegalArgumentException when no factory has that name (the message lists the names there are)
     */
    public IsnGenerator isnGenerator(final String name, final byte[] secret)
    {
        return isnGenerator(name, secret, TcpPolicySettings.EMPTY);
    }

    /**
     * A new ISN generator.
     *
     * @param name e.g. {@code "sequential"}
     * @param secret the stack's secret key, copied
     * @param settings the generator's tunables
     * @return the generator
     * @throws IllegalArgumentException when the name or a setting is unknown, or the secret does not suit
     */
    public IsnGenerator isnGenerator(final String name, final byte[] secret, final TcpPolicySettings settings)
    {
        return find(isnGenerators, "ISN generator", name).create(secret, settings);
    }

    /**
     * A new loss-recovery algorithm with default settings.
     *
     * @param name e.g. {@code "rfc6675"}
     * @return the algorithm
     * @throws IllegalArgumentException when no factory has that name (the message lists the names there are)
     */
    public LossRecovery lossRecovery(final String name)
    {
        return lossRecovery(name, TcpPolicySettings.EMPTY);
    }

    /**
     * A new loss-recovery algorithm.
     *
     * @param name e.g. {@code "newreno"}
     * @param settings the algorithm's tunables
     * @return the algorithm
     * @throws IllegalArgumentException when the name or a setting is unknown
     */
    public LossRecovery lossRecovery(final String name, final TcpPolicySettings settings)
    {
        return find(lossRecoveries, "loss recovery", name).create(settings);
    }

    /** Names of the loss-recovery algorithms found, sorted. */
    public List<String> lossRecoveryNames()
    {
        return names(lossRecoveries);
    }

    /** Names of the congestion-control algorithms found, sorted. */
    public List<String> congestionControlNames()
    {
        return names(congestionControls);
    }

    /** Names of the RTO estimators found, sorted. */
    public List<String> rtoEstimatorNames()
    {
        return names(rtoEstimators);
    }

    /** Names of the ACK policies found, sorted. */
    public List<String> ackPolicyNames()
    {
        return names(ackPolicies);
    }

    /** Names of the ISN generators found, sorted. */
    public List<String> isnGeneratorNames()
    {
        return names(isnGenerators);
    }

    @Override
    public String toString()
    {
        return "TcpPolicies{congestionControl=" + congestionControlNames() + ", rtoEstimator=" + rtoEstimatorNames() +
            ", ackPolicy=" + ackPolicyNames() + ", isnGenerator=" + isnGeneratorNames() + ", lossRecovery=" +
            lossRecoveryNames() + '}';
    }

    private static <F> Map<String, F> scan(final Class<F> type, final Function<F, String> nameOf,
        final ClassLoader loader)
    {
        final TreeMap<String, F> byName = new TreeMap<>();
        for (final F factory : ServiceLoader.load(type, loader))
        {
            final String name = nameOf.apply(factory);
            final F previous = byName.putIfAbsent(name, factory);
            if (previous != null)
            {
                throw new IllegalStateException("two " + type.getSimpleName() + "s are named '" + name + "': " +
                    previous.getClass().getName() + " and " + factory.getClass().getName() +
                    "; remove one jar from the class path or rename one");
            }
        }
        return Collections.unmodifiableMap(byName);
    }

    private static <F> F find(final Map<String, F> byName, final String kind, final String name)
    {
        final F factory = byName.get(Objects.requireNonNull(name, "name"));
        if (factory == null)
        {
            throw new IllegalArgumentException("no " + kind + " named '" + name + "'; available: " +
                (byName.isEmpty() ? "none (is stack-tcp on the class path?)" : String.join(", ", byName.keySet())));
        }
        return factory;
    }

    private static List<String> names(final Map<String, ?> byName)
    {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }
}
