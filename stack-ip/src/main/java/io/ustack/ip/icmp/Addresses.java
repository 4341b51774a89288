package io.ustack.ip.icmp;

/** Classification of IPv4 addresses the ICMP rules need (RFC 1122 §3.2.1.3, RFC 1112 §4). */
final class Addresses
{
    /** 255.255.255.255. */
    static final int LIMITED_BROADCAST = 0xFFFF_FFFF;

    private Addresses()
    {
    }

    /** Class D, 224.0.0.0/4. */
    static boolean isMulticast(final int address)
    {
        return (address >>> 28) == 0xE;
    }

    /**
     * Whether the address names one host: not 0.0.0.0 (or 0/8, "this network"), not loopback 127/8, not multicast,
     * not Class E (240/4, which holds 255.255.255.255).
     */
    static boolean isSingleHost(final int address)
    {
        final int firstOctet = address >>> 24;
        return firstOctet != 0 && firstOctet != 127 && (address >>> 28) != 0xE && (address >>> 28) != 0xF;
    }
}
