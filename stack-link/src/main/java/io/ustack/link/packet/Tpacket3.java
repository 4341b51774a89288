package io.ustack.link.packet;

/**
 * Layout of a TPACKET_V3 ring ({@code <linux/if_packet.h>}), in host byte order (little-endian on x86_64).
 *
 * <p>The receive ring is made of blocks. Each starts with {@code struct tpacket_block_desc}; the kernel packs frames
 * into the current block, each behind a {@code struct tpacket3_hdr} and linked by {@code tp_next_offset}, and hands
 * the whole block to user space ({@code block_status = TP_STATUS_USER}) when it is full or its timeout
 * ({@code tp_retire_blk_tov}) expires. User space gives it back with {@code TP_STATUS_KERNEL}.
 * <pre>
 * block descriptor                          frame header (tpacket3_hdr)
 *  0  version          4  offset_to_priv     0  tp_next_offset   4  tp_sec      8  tp_nsec
 *  8  block_status    12  num_pkts          12  tp_snaplen      16  tp_len     20  tp_status
 * 16  offset_to_first_pkt                   24  tp_mac (u16)    26  tp_net (u16)
 * 20  blk_len         24  seq_num (u64)     28  hv1 (rxhash, vlan)             48  end (TPACKET_ALIGN'd)
 * 32  ts_first_pkt    40  ts_last_pkt
 * </pre>
 * A transmit ring of a V3 socket is made of fixed slots with the same frame header ({@code tp_next_offset} must
 * stay 0); the frame to send starts at {@link #TX_DATA_OFFSET} ({@code TPACKET3_HDRLEN - sizeof(sockaddr_ll)}).
 */
final class Tpacket3
{
    static final int BLOCK_STATUS_OFFSET = 8;
    static final int BLOCK_NUM_PKTS_OFFSET = 12;
    static final int BLOCK_FIRST_PKT_OFFSET = 16;

    static final int NEXT_OFFSET = 0;
    static final int SNAPLEN_OFFSET = 12;
    static final int LEN_OFFSET = 16;
    static final int STATUS_OFFSET = 20;
    static final int MAC_OFFSET = 24;

    /** Where the kernel reads a frame to send in a V3 transmit slot: 68 - 20. */
    static final int TX_DATA_OFFSET = 48;

    private Tpacket3()
    {
    }
}
