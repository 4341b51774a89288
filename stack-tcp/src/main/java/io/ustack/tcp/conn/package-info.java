/**
 * TCP's connection table: 4-tuple → connection index and (address, port) → listener index, in open-addressed
 * primitive arrays keyed by a secret-seeded SipHash so a remote peer cannot aim collisions.
 */
package io.ustack.tcp.conn;
