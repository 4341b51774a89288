package io.ustack.ip.wire;

import static io.ustack.ip.Hex.bytes;
import static io.ustack.ip.Hex.concat;
import static io.ustack.ip.Hex.pattern;

/**
 * IPv4 packets captured from a real Linux 6.x kernel with tcpdump (Ethernet header stripped), for decode and encode
 * tests. How each was made is said beside it; all capture scripts ran as root on this machine, loopback only or
 * inside throwaway network namespaces with 198.18.0.0/15 addresses (deleted afterwards).
 */
final class GoldenPackets
{
    private GoldenPackets()
    {
    }

    /**
     * ICMP echo request 127.0.0.1 -> 127.0.0.1, id 0x1234, seq 1, 56 data bytes 0x10..0x47. Sent from a Python raw
     * ICMP socket, kernel-built IPv4 header (DF, TTL 64); captured with {@code tcpdump -i lo -w icmp.pcap icmp}.
     */
    static final byte[] ECHO_REQUEST = concat(bytes(
        "4500 0054 9598 4000 4001 a70e 7f00 0001 7f00 0001" +
        "0800 2cf6 1234 0001"), pattern(0x10, 56));

    /** The kernel's echo reply to {@link #ECHO_REQUEST}, same capture (no DF, next identification). */
    static final byte[] ECHO_REPLY = concat(bytes(
        "4500 0054 9599 0000 4001 e70d 7f00 0001 7f00 0001" +
        "0000 34f6 1234 0001"), pattern(0x10, 56));

    /**
     * The UDP datagram "ustack-probe" 127.0.0.1:51085 -> 127.0.0.1:9 (closed port), sent from a Python UDP socket;
     * captured with {@code tcpdump -i lo 'udp port 9 or icmp'}. Its UDP checksum field (fe27) is only the
     * pseudo-header sum: lo offloads the UDP checksum (CHECKSUM_PARTIAL), so it never verifies. IPv4 and ICMP
     * checksums on lo are complete.
     */
    static final byte[] UDP_TO_CLOSED_PORT = bytes(
        "4500 0028 3aaa 4000 4011 0219 7f00 0001 7f00 0001" +
        "c78d 0009 0014 fe27 7573 7461 636b 2d70 726f 6265");

    /**
     * The kernel's ICMP destination unreachable / port unreachable for {@link #UDP_TO_CLOSED_PORT} (TOS 0xc0,
     * i.e. DSCP CS6), quoting the whole 40-byte datagram; same capture.
     */
    static final byte[] PORT_UNREACHABLE = concat(bytes(
        "45c0 0044 95a0 0000 4001 e656 7f00 0001 7f00 0001" +
        "0303 e7a4 0000 0000"), UDP_TO_CLOSED_PORT);

    /**
     * UDP "opts" to 127.0.0.1:9 with IPv4 options NOP, Record Route (length 7, one slot) and EOL, set with
     * {@code setsockopt(IPPROTO_IP, IP_OPTIONS, 01 07 07 04 00*4 00*4)} on a Python UDP socket; the kernel recorded
     * 127.0.0.1 and moved the pointer to 8. Captured with {@code tcpdump -i lo 'udp port 9'} (UDP checksum offloaded
     * as above).
     */
    static final byte[] UDP_WITH_OPTIONS = bytes(
        "4800 002c 3c09 4000 4011 76a5 7f00 0001 7f00 0001" +
        "0107 0708 7f00 0001 0000 0000" +
        "d2ed 0009 000c fe1f 6f70 7473");

    /**
     * Second (last) fragment of a 2000-byte UDP datagram 198.18.0.1 -> 198.18.0.2:9 over a 1500-MTU veth pair
     * between two namespaces: offset 185 units (1480 bytes), MF clear. The header is captured ({@code tcpdump -i va
     * 'ip[6:2] & 0x3fff != 0'}); the 528 payload bytes are the pattern the sender wrote ({@code i & 0xff} for
     * i = 1472..1999), checked equal to the capture when it was taken.
     */
    static final byte[] LAST_FRAGMENT = concat(bytes(
        "4500 0224 7d5c 00b9 4011 6e8c c612 0001 c612 0002"), pattern(1472, 528));

    /**
     * First fragment of the same datagram: MF set, offset 0, 1500 bytes. Header and UDP header captured; the
     * 1472 payload bytes are the pattern {@code i & 0xff} for i = 0..1471, checked equal to the capture.
     */
    static final byte[] FIRST_FRAGMENT = concat(bytes(
        "4500 05dc 7d5c 2000 4011 4b8d c612 0001 c612 0002" +
        "e3cb 0009 07d8 3c19"), pattern(0, 1472));

    /**
     * ARP request "who-has 198.18.0.2 tell 198.18.0.1" from fe:cc:cb:e7:7b:71, made by the kernel in namespace
     * ustack-h2a-PID when a UDP datagram was sent over a fresh veth pair; captured with {@code tcpdump -i va arp}.
     */
    static final byte[] ARP_REQUEST = bytes(
        "0001 0800 0604 0001 fecc cbe7 7b71 c612 0001 0000 0000 0000 c612 0002");

    /** The reply "198.18.0.2 is-at fa:da:f6:da:27:34" from namespace ustack-h2b-PID; same capture. */
    static final byte[] ARP_REPLY = bytes(
        "0001 0800 0604 0002 fada f6da 2734 c612 0002 fecc cbe7 7b71 c612 0001");
}
