/**
 * TCP on the wire (RFC 9293 §3.1, §3.2, §3.4; RFC 7323; RFC 2018): the header flyweight, the options parser and
 * writer, and sequence-number arithmetic. Bytes only: nothing here knows about connections or sockets.
 */
package io.ustack.tcp.wire;
