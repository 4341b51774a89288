/**
 * IPv4 (RFC 791, RFC 1122 §3): the module that validates, reassembles and dispatches datagrams to transports, and
 * sends theirs with fragmentation and next-hop resolution. Transports plug in through {@link
 * io.ustack.ip.ipv4.TransportProtocol} and send through {@link io.ustack.ip.ipv4.Ipv4Sender}.
 */
package io.ustack.ip.ipv4;
