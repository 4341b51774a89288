package io.ustack.ip.ipv4;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * IPv4 identification values, unique per (source, destination, protocol) for as long as a datagram may live, as
 * RFC 6864 §4.1 asks of datagrams that may be fragmented, and hard for an off-path host to predict (RFC 6864 §5,
 * RFC 7739 §5.1).
 *
 * <p>Shaped like Linux's {@code ip_idents}: {@value #BUCKETS} 16-bit counters, each flow hashed with a secret key to
 * one of them; consecutive datagrams of a flow take consecutive values of its counter. Flows sharing a bucket share
 * a counter, which keeps each flow's values distinct (the counter only moves forward). Counters start at random
 * values. Network-agent thread only; no allocation per call.
 */
public final class IpIdGenerator
{
    /** Number of counters (a power of two). */
    public static final int BUCKETS = 2048;

    private final int[] counters = new int[BUCKETS];
    private final long key;

    /**
     * @param seed a fixed seed for repeatable runs, or 0 for a fresh one from {@link SecureRandom}
     *             ({@code StackConfig.randomSeed()})
     */
    public IpIdGenerator(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed != 0 ? seed : new SecureRandom().nextLong());
        key = random.nextLong();
        for (int i = 0; i < BUCKETS; i++)
        {
            counters[i] = random.nextInt(0x1_0000);
        }
    }

    /** The identification for the next datagram of the flow (source, destination, protocol), 0..65535. */
    public int next(final int sourceAddress, final int destinationAddress, final int protocol)
    {
        final int bucket = bucket(sourceAddress, destinationAddress, protocol);
        final int id = counters[bucket];
        counters[bucket] = (id + 1) & 0xFFFF;
        return id;
    }

    /**
     * Reserves {@code count} consecutive identifications of the flow's counter at once, for a datagram the link
     * device cuts into {@code count} segments that each take the next one (TCP segmentation offload).
     *
     * @param count how many, 1..65535
     * @return the first of them; the next datagram of the flow gets {@code first + count} (mod 2^16)
     */
    public int reserve(final int sourceAddress, final int destinationAddress, final int protocol, final int count)
    {
        if (count < 1 || count > 0xFFFF)
        {
            throw new IllegalArgumentException("cannot reserve " + count + " identifications: use 1..65535");
        }
        final int bucket = bucket(sourceAddress, destinationAddress, protocol);
        final int first = counters[bucket];
        counters[bucket] = (first + count) & 0xFFFF;
        return first;
    }

    int bucket(final int sourceAddress, final int destinationAddress, final int protocol)
    {
        long h = key ^ ((sourceAddress & 0xFFFF_FFFFL) << 32 | (destinationAddress & 0xFFFF_FFFFL));
        h = mix(h);
        h = mix(h ^ (protocol & 0xFF) ^ key >>> 17);
        return (int)h & (BUCKETS - 1);
    }

    /** The finaliser of MurmurHash3 (fmix64): every input bit affects every output bit. */
    private static long mix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
