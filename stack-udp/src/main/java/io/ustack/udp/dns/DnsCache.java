package io.ustack.udp.dns;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Positive answers by name, bounded in size (least recently used goes first), each kept for the smallest TTL of
 * the records it was built from. Thread-safe (one lock; held only for a map operation).
 */
final class DnsCache
{
    private final int capacity;
    private final Map<String, CachedAnswer> entries;

    DnsCache(final int capacity)
    {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true)
        {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, CachedAnswer> eldest)
            {
                return size() > DnsCache.this.capacity;
            }
        };
    }

    /** The addresses of {@code name} if cached and not expired at {@code nowNs}, else null. */
    synchronized int[] get(final String name, final long nowNs)
    {
        final CachedAnswer entry = entries.get(name);
        if (entry == null)
        {
            return null;
        }
        if (entry.expiresNs - nowNs <= 0)
        {
            entries.remove(name);
            return null;
        }
        return entry.addresses.clone();
    }

    /** Keeps {@code addresses} for {@code ttlSeconds} from {@code nowNs}; a TTL of 0 keeps nothing. */
    synchronized void put(final String name, final int[] addresses, final long ttlSeconds, final long nowNs)
    {
        if (ttlSeconds <= 0)
        {
            entries.remove(name);
            return;
        }
        entries.put(name, new CachedAnswer(addresses.clone(), nowNs + ttlSeconds * 1_000_000_000L));
    }

    synchronized int size()
    {
        return entries.size();
    }

    private static final class CachedAnswer
    {
        final int[] addresses;
        final long expiresNs;

        CachedAnswer(final int[] addresses, final long expiresNs)
        {
            this.addresses = addresses;
            this.expiresNs = expiresNs;
        }
    }
}
