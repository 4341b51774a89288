/**
 * The network layer: {@link io.ustack.ip.IpAgent} dispatches frames to protocol modules; {@code wire} holds the
 * IPv4/ARP/ICMP flyweights and {@code checksum} the Internet checksum.
 */
package io.ustack.ip;
