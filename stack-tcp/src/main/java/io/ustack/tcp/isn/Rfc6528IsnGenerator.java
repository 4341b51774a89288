package io.ustack.tcp.isn;

import io.ustack.api.tcp.IsnGenerator;
import io.ustack.api.tcp.IsnGeneratorFactory;

/**
 * RFC 6528 §3 initial sequence numbers: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), where M is
 * a timer ticking every 4 µs (RFC 9293 §3.4.1's clock) and F is SipHash-2-4 keyed with the stack's 128-bit secret
 * over the 12-byte 4-tuple, truncated to 32 bits. Each 4-tuple thus gets its own sequence space that still advances
 * with the clock, so a new incarnation of a connection starts above the old one's numbers (RFC 9293 §3.4.1) while an
 * off-path attacker cannot guess the ISN of a tuple it does not hold (RFC 6528 §1).
 *
 * <p>The hashed message is the 4-tuple in network byte order: local address (4), local port (2), remote address (4),
 * remote port (2). The secret is fixed for the generator's life; RFC 6528 §3 allows changing it only with care
 * (e.g. on restart), because a change breaks the monotonic sequence per tuple.
 */
public final class Rfc6528IsnGenerator implements IsnGenerator
{
    /** The name this generator is chosen by. */
    public static final String NAME = "rfc6528";
    /** Nanoseconds per tick of M: RFC 6528 §3 "M is the 4 microsecond timer". */
    public static final long TICK_NS = 4_000L;

    /** Registers the RFC 6528 generator with {@link java.util.ServiceLoader}. */
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
            return new Rfc6528IsnGenerator(secret);
        }
    }

    private final SipHash24 sipHash = new SipHash24();
    private final long k0;
    private final long k1;

    /**
     * A generator keyed with the stack's secret.
     *
     * @param secret 16 bytes (128 bits), copied
     * @throws IllegalArgumentException when the secret is not 16 bytes
     */
    public Rfc6528IsnGenerator(final byte[] secret)
    {
        if (secret.length != 16)
        {
            throw new IllegalArgumentException("RFC 6528 ISNs need a 16-byte (128-bit) secret, not " + secret.length +
                " bytes");
        }
        this.k0 = SipHash24.keyHalf(secret, 0);
        this.k1 = SipHash24.keyHalf(secret, 1);
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
        // RFC 6528 §3: M, the 4 µs timer (floorDiv keeps it monotonic across a negative clock origin).
        final long m = Math.floorDiv(nowNs, TICK_NS);
        // RFC 6528 §3: F, a PRF of the 4-tuple and the secret key.
        final long f = tupleHash(localAddress, localPort, remoteAddress, remotePort);
        return (int)(m + f);
    }

    /**
     * F of RFC 6528: SipHash-2-4 of the 4-tuple as 12 bytes in network order (the full 64 bits; the ISN uses the low
     * 32).
     *
     * @param localAddress local IPv4 address
     * @param localPort local port
     * @param remoteAddress remote IPv4 address
     * @param remotePort remote port
     * @return the keyed hash
     */
    public long tupleHash(final int localAddress, final int localPort, final int remoteAddress, final int remotePort)
    {
        // Bytes 0..7 (little-endian word): local address, local port, first two bytes of the remote address.
        final long word0 = (Integer.reverseBytes(localAddress) & 0xffff_ffffL) |
            ((long)Short.reverseBytes((short)localPort) & 0xffffL) << 32 |
            ((long)((remoteAddress >>> 24) & 0xff)) << 48 |
            ((long)((remoteAddress >>> 16) & 0xff)) << 56;
        // Bytes 8..11: last two bytes of the remote address, the remote port; message length 12 in the top byte.
        final long last = ((remoteAddress >>> 8) & 0xffL) |
            (remoteAddress & 0xffL) << 8 |
            ((remotePort >>> 8) & 0xffL) << 16 |
            (remotePort & 0xffL) << 24 |
            12L << 56;
        return sipHash.init(k0, k1).compress(word0).finish(last);
    }
}
