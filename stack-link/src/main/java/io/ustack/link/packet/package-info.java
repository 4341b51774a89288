/**
 * The AF_PACKET driver: {@link io.ustack.link.packet.AfPacketEndpoint} drives a Linux network interface through a
 * {@code PACKET_MMAP} socket whose TPACKET_V2 receive and transmit rings are walked in place
 * ({@link io.ustack.link.packet.PacketRxRing}, {@link io.ustack.link.packet.PacketTxRing}); the C half is in module
 * {@code native}.
 */
package io.ustack.link.packet;
