/**
 * ACK-timing policies behind the {@link io.ustack.api.tcp.AckPolicy} SPI: delayed ACK (RFC 9293 §3.8.6.3,
 * RFC 1122 §4.2.3.2, RFC 5681 §4.2) with Linux-style quick-ACK at the start, an always-immediate one, and a permanent
 * quick-ACK one. Each registers its factory in {@code META-INF/services/io.ustack.api.tcp.AckPolicyFactory}.
 */
package io.ustack.tcp.ack;
