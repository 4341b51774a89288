/**
 * The TCP policy SPIs (DESIGN.md, "Policies (the researcher's SPI)"): congestion control, loss recovery (with the SACK
 * scoreboard it reads), retransmission-timeout estimation, ACK timing and initial sequence numbers, each chosen by
 * name through {@link java.util.ServiceLoader}.
 *
 * <p>The shapes follow Linux's {@code tcp_congestion_ops}: the connection calls hooks ({@code on*}) with plain
 * arguments or a reused sample object, and reads results back as primitives, so nothing is allocated per segment.
 * Time is always an argument ({@code nowNs}); no policy reads a clock.
 *
 * <p>Adding an implementation from outside ustack: implement the policy and its {@code *Factory}, list the factory in
 * {@code META-INF/services/io.ustack.api.tcp.<Factory interface>} of your jar, put the jar on the class path and ask
 * {@link io.ustack.api.tcp.TcpPolicies} for it by name.
 *
 * <p>Policies are not thread-safe: one instance belongs to one connection and is called on that connection's agent
 * thread only.
 */
package io.ustack.api.tcp;
