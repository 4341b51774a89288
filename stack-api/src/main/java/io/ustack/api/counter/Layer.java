package io.ustack.api.counter;

/** The layer a counter or drop reason belongs to, for grouping in {@code ustack stat}. */
public enum Layer
{
    /** Link endpoint, Ethernet and the link agent. */
    LINK,
    /** Rings and buffers between layers. */
    PLUMBING,
    /** IPv4, ARP and ICMP. */
    IP,
    /** UDP and the resolver. */
    UDP,
    /** TCP. */
    TCP
}
