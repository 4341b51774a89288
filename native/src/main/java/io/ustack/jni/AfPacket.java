package io.ustack.jni;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Raw JNI calls of the AF_PACKET driver ({@code af_packet.c}). {@code io.ustack.link.packet.AfPacketEndpoint} is the
 * user; it validates arguments and turns the results into clear errors. Not for the data path except {@link #kick} or
 * {@link #sendBatch} (once per transmitted batch) and {@link #awaitReadable} (blocking mode, only when the receive ring is empty).
 */
public final class AfPacket
{
    /** {@code out[INFO_INDEX]} of {@link #interfaceInfo}: the interface index. */
    public static final int INFO_INDEX = 0;
    /** {@code out[INFO_FLAGS]}: the {@code IFF_*} flags. */
    public static final int INFO_FLAGS = 1;
    /** {@code out[INFO_MTU]}: the MTU. */
    public static final int INFO_MTU = 2;
    /** {@code out[INFO_MAC]}: the hardware address, first octet most significant. */
    public static final int INFO_MAC = 3;
    /** Length of the array {@link #interfaceInfo} fills. */
    public static final int INFO_LENGTH = 4;

    /** {@code out[OPEN_FD]} of {@link #open}: the socket. */
    public static final int OPEN_FD = 0;
    /** {@code out[OPEN_MAP_LENGTH]}: bytes mapped (receive ring, then transmit ring of equal size). */
    public static final int OPEN_MAP_LENGTH = 2;
    /** Length of the array {@link #open} fills. */
    public static final int OPEN_LENGTH = 3;

    /** {@code IFF_UP}: the interface is administratively up. */
    public static final int IFF_UP = 0x1;
    /** {@code IFF_RUNNING}: the interface has carrier. */
    public static final int IFF_RUNNING = 0x40;
    /** {@code ENODEV}, as {@link #interfaceInfo} returns it for a missing interface. */
    public static final int ENODEV = 19;

    static
    {
        NativeLibrary.isAvailable();
    }

    private AfPacket()
    {
    }

    /**
     * Looks an interface up with {@code SIOCGIF*} ioctls.
     *
     * @param name      the interface name, already validated ({@link NetInterfaces#validateName})
     * @param netnsPath a network namespace file (e.g. {@code /var/run/netns/NAME}) to look in, or null for this
     *                  thread's own
     * @param out       filled with {@link #INFO_LENGTH} values on success
     * @return 0, or {@link #ENODEV} when there is no such interface
     * @throws IOException for any other failure, with the OS reason
     */
    public static native int interfaceInfo(String name, String netnsPath, long[] out) throws IOException;

    /** {@code TPACKET_V2}: fixed-size frame slots, each handed over on its own. */
    public static final int TPACKET_V2 = 1;
    /** {@code TPACKET_V3}: receive blocks of variable-size frames, handed over a block at a time. */
    public static final int TPACKET_V3 = 2;
    /**
     * Bytes of {@code struct virtio_net_hdr} in front of each frame of a socket opened with {@link #TX_VNET_HDR}: flags,
     * gso_type, then hdr_len at offset 2 (little-endian), gso_size, csum_start, csum_offset.
     */
    public static final int VNET_HDR_LENGTH = 10;
    /** Offset of {@code hdr_len} in the {@code struct virtio_net_hdr}. */
    public static final int VNET_HDR_LEN_OFFSET = 2;
    /** Where a frame starts in a {@link #sendBatch} staging slot (after its 4-byte host-order length). */
    public static final int STAGING_DATA_OFFSET = 16;

    /** {@link #open} txFlags: set {@code PACKET_VNET_HDR}, each transmit frame after a {@link #VNET_HDR_LENGTH}-byte header. */
    public static final int TX_VNET_HDR = 1;
    /** {@link #open} txFlags: no {@code PACKET_QDISC_BYPASS} (the kernel's direct transmit drops frames it must cut). */
    public static final int TX_THROUGH_QDISC = 2;

    /**
     * Opens a bound AF_PACKET socket with a receive ring and, if {@code txRing}, a transmit ring, mapped as one
     * buffer.
     *
     * @param version        {@link #TPACKET_V2} or {@link #TPACKET_V3}
     * @param blockTimeoutMs TPACKET_V3 only: the receive block timeout ({@code tp_retire_blk_tov}; 0: the kernel's)
     * @param txRing         map a transmit ring too (false: the endpoint sends with {@link #sendBatch})
     * @param txFlags        {@link #TX_VNET_HDR} and {@link #TX_THROUGH_QDISC}, or 0. With {@code TX_VNET_HDR} each
     *                       transmit frame starts with a {@code struct virtio_net_hdr} (whose hdr_len makes the kernel
     *                       copy the frame rather than attach ring pages, and whose gso fields ask it to segment), and
     *                       received frames get that header in front too
     * @param txFrameSize    bytes per transmit slot (a divisor of {@code blockSize}, or a multiple of 4096 that gets
     *                       a block of its own)
     * @param txFrameCount   transmit slots
     * @param fanout         PACKET_FANOUT argument ({@code groupId | mode << 16}), or -1 for none
     * @return the mapping: {@code blockSize * blockCount} bytes of receive ring, then
     * {@code txFrameSize * txFrameCount} of transmit ring
     * @throws IOException naming the failed step; everything made before it is freed
     */
    public static native ByteBuffer open(String name, String netnsPath, int ifindex, int version, int blockTimeoutMs,
        boolean txRing, int txFlags, int blockSize, int frameSize, int blockCount, int txFrameSize, int txFrameCount,
        int fanout, boolean promiscuous, long[] out) throws IOException;

    /**
     * Sends {@code count} frames from a staging buffer with {@code sendmmsg}: slot {@code i} starts at
     * {@code i * slotSize} with the frame length (4 bytes, host order), the frame at {@link #STAGING_DATA_OFFSET}.
     * A socket opened without a transmit ring only.
     *
     * @return frames the kernel took, in order (the rest it refused for now), or {@code -errno} if it took none
     */
    public static native int sendBatch(int fd, ByteBuffer staging, int slotSize, int first, int count);

    /**
     * One {@code sendto} that sends every transmit frame marked for sending.
     *
     * @return 0, or the errno of a transient failure (the frames stay marked)
     */
    public static native int kick(int fd);

    /**
     * {@code poll(2)} for input.
     *
     * @return 1 when frames are waiting, 0 on timeout
     */
    public static native int awaitReadable(int fd, int timeoutMs);

    /** Unmaps {@code mapping} (if not null) and closes {@code fd} (if not negative). */
    public static native void close(int fd, ByteBuffer mapping);
}
