/**
 * Per-connection byte storage for TCP (RFC 9293 §3.3.1, §3.7, §3.8.6, §3.10.7.4; RFC 2018 §4): the
 * {@link io.ustack.tcp.buffer.SendBuffer} (written, not yet acknowledged) and the
 * {@link io.ustack.tcp.buffer.ReceiveBuffer} (received, not yet read, plus out-of-order ranges held until the gap
 * fills).
 *
 * <p>Both are off-heap rings whose capacity is a power of two fixed at connection setup; neither allocates after
 * construction. Both are plain single-threaded classes owned by the TCP agent's thread: the socket layer moves bytes
 * between the application and these buffers on that thread (or hands them over through its own rings). Each method's
 * javadoc says which side calls it: the <em>stack side</em> (segmenter, input processing, ACK processing) or the
 * <em>application side</em> (socket write/read, zero-copy callbacks).
 *
 * <p>Sequence numbers are compared only through {@link io.ustack.tcp.wire.SeqNum}.
 */
package io.ustack.tcp.buffer;
