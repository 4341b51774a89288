package io.ustack.ip.icmp;

/**
 * A token bucket for the ICMP error rate limit (RFC 1812 §4.3.2.8; RFC 1122 §3.2.2 leaves the method open): it holds
 * at most {@code burst} tokens, gains one every {@code 1 s / perSecond}, and each error sent takes one. Time comes
 * from the caller; nothing is allocated.
 */
final class TokenBucket
{
    private final long intervalNs;
    private final int burst;
    private int tokens;
    private long lastRefillNs;
    private boolean primed;

    /**
     * @param perSecond long-run rate (at least 1)
     * @param burst     most tokens held (at least 1)
     */
    TokenBucket(final int perSecond, final int burst)
    {
        if (perSecond < 1 || burst < 1)
        {
            throw new IllegalArgumentException("token bucket of " + perSecond + "/s, burst " + burst +
                ": both must be at least 1");
        }
        this.intervalNs = Math.max(1, 1_000_000_000L / perSecond);
        this.burst = burst;
        this.tokens = burst;
    }

    /** Takes a token if one is there (refilling first for the time since the last call). */
    boolean tryTake(final long nowNs)
    {
        refill(nowNs);
        if (tokens == 0)
        {
            return false;
        }
        if (tokens == burst)
        {
            lastRefillNs = nowNs; // a full bucket earns nothing while it waits: start counting from now
        }
        tokens--;
        return true;
    }

    /** Tokens available now. */
    int tokens(final long nowNs)
    {
        refill(nowNs);
        return tokens;
    }

    private void refill(final long nowNs)
    {
        if (!primed)
        {
            primed = true;
            lastRefillNs = nowNs;
            return;
        }
        final long elapsedNs = nowNs - lastRefillNs;
        if (elapsedNs < intervalNs)
        {
            return;
        }
        final long earned = elapsedNs / intervalNs;
        if (tokens + earned >= burst)
        {
            tokens = burst;
            lastRefillNs = nowNs;
        }
        else
        {
            tokens += (int)earned;
            lastRefillNs += earned * intervalNs;
        }
    }
}
