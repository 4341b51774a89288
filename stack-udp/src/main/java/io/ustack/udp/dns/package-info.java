/**
 * The stub DNS resolver (RFC 1035): message reading and writing, a resolver over the stack's own UDP sockets, and
 * a small authoritative responder for tests and {@code ustack serve}.
 */
package io.ustack.udp.dns;
