package io.ustack.link.packet;

/**
 * Layout of one TPACKET_V2 ring frame ({@code struct tpacket2_hdr}, {@code <linux/if_packet.h>}), in host byte order
 * (little-endian on x86_64), and the status values the kernel and ustack hand slots over with.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           tp_status                           |  0
 * |                            tp_len                             |  4  frame length on the wire
 * |                          tp_snaplen                           |  8  bytes of it in this slot
 * |            tp_mac             |            tp_net             | 12  offsets from the slot start
 * |                            tp_sec                             | 16
 * |                            tp_nsec                            | 20
 * |          tp_vlan_tci          |         tp_vlan_tpid          | 24
 * |                          tp_padding                           | 28
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * A received frame starts at {@code tp_mac}; a frame to send starts at {@link #TX_DATA_OFFSET}
 * ({@code TPACKET2_HDRLEN - sizeof(struct sockaddr_ll)}).
 */
final class Tpacket2
{
    static final int STATUS_OFFSET = 0;
    static final int LEN_OFFSET = 4;
    static final int SNAPLEN_OFFSET = 8;
    static final int MAC_OFFSET = 12;

    /** Where the kernel reads a frame to send: 52 - 20. */
    static final int TX_DATA_OFFSET = 32;
    /**
     * Where a received Ethernet frame's payload starts at the least: {@code TPACKET_ALIGN(TPACKET2_HDRLEN + 16)}.
     * The frame itself starts 14 bytes earlier, so a slot holds {@code frameSize - RX_NET_OFFSET} bytes of payload.
     */
    static final int RX_NET_OFFSET = 80;
    /** {@code struct tpacket_req} alignment of slot sizes ({@code TPACKET_ALIGNMENT}). */
    static final int ALIGNMENT = 16;

    /** RX: the slot belongs to the kernel. */
    static final int TP_STATUS_KERNEL = 0;
    /** RX: the slot holds a frame for us. */
    static final int TP_STATUS_USER = 1;
    /** RX: the frame's transport checksum is not filled in yet (the sender left checksum offload on). */
    static final int TP_STATUS_CSUMNOTREADY = 1 << 3;

    /** TX: the slot is free for us to fill. */
    static final int TP_STATUS_AVAILABLE = 0;
    /** TX: the slot holds a frame for the kernel to send. */
    static final int TP_STATUS_SEND_REQUEST = 1;
    /** TX: the kernel found the frame malformed (with PACKET_LOSS it then makes the slot available again). */
    static final int TP_STATUS_WRONG_FORMAT = 1 << 2;

    private Tpacket2()
    {
    }
}
