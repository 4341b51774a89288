package io.ustack.tcp.isn;

import io.ustack.api.tcp.IsnGenerator;
import io.ustack.api.tcp.IsnGeneratorFactory;
import io.ustack.api.tcp.TcpPolicySettings;

/**
 * Predictable ISNs for tests and packet traces that should read the same on every run: {@code start},
 * {@code start + step}, {@code start + 2·step}, ... whatever the 4-tuple and time. The secret is ignored.
 *
 * <p><strong>Never on a real network:</strong> predictable ISNs allow blind spoofing and injection (RFC 6528 §1,
 * RFC 9293 §3.4.1).
 *
 * <p>Settings: {@code start} (0) and {@code step} (64000, the per-connection increment of 4.2BSD).
 */
public final class SequentialIsnGenerator implements IsnGenerator
{
    /** The name this generator is chosen by. */
    public static final String NAME = "sequential";
    /** Setting: the first ISN. */
    public static final String START = "start";
    /** Setting: the increment per connection. */
    public static final String STEP = "step";

    /** Registers the sequential generator with {@link java.util.ServiceLoader}. */
    public static final class Factory implements IsnGeneratorFactory
    {
        @Override
        public String name()
        {
            return NAME;
        }

        @Override
        public IsnGenerator create(final byte[] secret)
        {
            return new SequentialIsnGenerator(0, 64_000);
        }

        @Override
        public IsnGenerator create(final byte[] secret, final TcpPolicySettings s)
        {
            s.requireOnly(NAME, START, STEP);
            return new SequentialIsnGenerator((int)s.longValue(START, 0, Integer.MIN_VALUE, 0xffff_ffffL),
                (int)s.longValue(STEP, 64_000, Integer.MIN_VALUE, 0xffff_ffffL));
        }
    }

    private final int step;
    private int next;

    /**
     * A sequence.
     *
     * @param start the first ISN
     * @param step the increment per call
     */
    public SequentialIsnGenerator(final int start, final int step)
    {
        this.next = start;
        this.step = step;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public int isn(final int localAddress, final int localPort, final int remoteAddress, final int remotePort,
        final long nowNs)
    {
        final int isn = next;
        next += step;
        return isn;
    }
}
