/**
 * Congestion-control algorithms behind the {@link io.ustack.api.tcp.CongestionControl} SPI: NewReno (RFC 5681,
 * RFC 6582, RFC 3465) and a fixed window for experiments. Each registers its factory in
 * {@code META-INF/services/io.ustack.api.tcp.CongestionControlFactory}.
 */
package io.ustack.tcp.cc;
