/**
 * Initial-sequence-number generators behind the {@link io.ustack.api.tcp.IsnGenerator} SPI: RFC 6528's keyed hash
 * plus a 4 µs clock (the default), with SipHash-2-4 as the hash, and a predictable sequence for tests. Each registers
 * its factory in {@code META-INF/services/io.ustack.api.tcp.IsnGeneratorFactory}.
 */
package io.ustack.tcp.isn;
