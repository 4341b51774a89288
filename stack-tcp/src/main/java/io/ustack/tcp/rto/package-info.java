/**
 * Retransmission-timeout estimators behind the {@link io.ustack.api.tcp.RtoEstimator} SPI: RFC 6298 (the default),
 * Linux's {@code tcp_rtt_estimator}, and a fixed timeout. Each registers its factory in
 * {@code META-INF/services/io.ustack.api.tcp.RtoEstimatorFactory}.
 */
package io.ustack.tcp.rto;
