/** Bytes only: the Ethernet II flyweight. Nothing here knows about agents or endpoints. */
package io.ustack.link.wire;
