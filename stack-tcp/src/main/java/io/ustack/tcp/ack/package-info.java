/**
 * ACK-timing policies behind the {@link io.ustack.api.tcp.AckPolicy} SPI: delayed ACK (RFC 9293 §3.8.6.3,
 * RFC 1122 §4.2.3.2, RFC 5681 §4.2) with Linux-style quick-ACK at the start, an always-immediate one, a permanent
 * quick-ACK one, and a bounded stretch ACK (one ACK per up to eight segments, held at most 1 ms). Each registers its
 * factory in {@code META-INF/services/io.ustack.api.tcp.AckPolicyFactory}.
 */
package io.ustack.tcp.ack;
