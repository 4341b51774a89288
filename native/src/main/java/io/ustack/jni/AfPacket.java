package io.ustack.jni;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Raw JNI calls of the AF_PACKET driver ({@code af_packet.c}). {@code io.ustack.link.packet.AfPacketEndpoint} is the
 * user; it validates arguments and turns the results into clear errors. Not for the data path except {@link #kick}
 * (once per transmitted batch) and {@link #awaitReadable} (blocking mode, only when the receive ring is empty).
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

    /**
     * Opens a bound AF_PACKET socket with TPACKET_V2 receive and transmit rings mapped as one buffer.
     *
     * @param fanout PACKET_FANOUT argument ({@code groupId | mode << 16}), or -1 for none
     * @return the mapping: {@code blockSize * blockCount} bytes of receive ring, then as many of transmit ring
     * @throws IOException naming the failed step; everything made before it is freed
     */
    public static native ByteBuffer open(String name, String netnsPath, int ifindex, int blockSize, int frameSize,
        int blockCount, int fanout, boolean promiscuous, long[] out) throws IOException;

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
