/**
 * Zero-copy flyweights over the bytes of IPv4, ARP and ICMP headers (STYLE.md: "wire" knows bytes only).
 *
 * <p>Each flyweight reads untrusted bytes through {@code tryWrap(buffer, offset, length)}, which checks every length
 * once so that no accessor afterwards reads outside {@code [offset, offset + length)}, and says why it refused
 * through {@code failure()}; it writes into the stack's own buffers through {@code wrapForWrite(buffer, offset)} and
 * fluent setters. All fields are big-endian (network byte order).
 */
package io.ustack.ip.wire;
