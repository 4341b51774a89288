/** UDP on the wire (RFC 768): the header flyweight. Bytes only: nothing here knows about sockets. */
package io.ustack.udp.wire;
