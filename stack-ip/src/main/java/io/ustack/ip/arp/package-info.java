/** ARP (RFC 826) and the neighbour cache, with the queue of packets waiting for resolution. */
package io.ustack.ip.arp;
