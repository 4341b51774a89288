/**
 * The TCP connection engine (RFC 9293): {@link io.ustack.tcp.TcpModule} is the transport IPv4 hands segments to and
 * the single-threaded API the socket layer drives. Split by concern as Linux does: segment arrival per state
 * ({@code SegmentInput}), ACK processing and retransmission ({@code Retransmission}), what to send ({@code Sender}),
 * received text ({@code Receiver}), segment building ({@code SegmentOutput}), timers ({@code TcpTimers}), the pool of
 * control blocks and their life cycle ({@code Connections}, {@code Tcb}). Sub-packages hold the building blocks:
 * wire codec, buffers, connection table, and the policies chosen by name.
 */
package io.ustack.tcp;
