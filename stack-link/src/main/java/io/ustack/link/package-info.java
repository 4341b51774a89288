/**
 * The link layer: {@link io.ustack.link.LinkAgent} between a device and the network agent; {@code wire} holds the
 * Ethernet flyweight, {@code memory} the in-memory wire, {@code decorator} pcap/fault/trace wrappers.
 */
package io.ustack.link;
