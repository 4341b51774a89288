package io.ustack.link.packet;

import io.ustack.api.net.MacAddress;
import io.ustack.jni.AfPacket;
import io.ustack.jni.NetInterfaces;

import java.util.Objects;

/**
 * How to open an {@link AfPacketEndpoint}: the interface, optionally the network namespace it lives in, the source
 * MAC (default: the interface's own), the ring geometry, busy-poll or blocking receive, and an optional
 * {@code PACKET_FANOUT} group. {@link Builder#build()} checks every value and says what to fix.
 *
 * <pre>{@code
 * AfPacketEndpoint.open(AfPacketConfig.builder("veth0").blocking(1).build());
 * }</pre>
 */
public final class AfPacketConfig
{
    /** No MAC override: use the interface's. */
    public static final long INTERFACE_MAC = -1;
    /** No fanout group. */
    public static final int NO_FANOUT = -1;

    /** How the receive side waits when the ring is empty. */
    public enum PollMode
    {
        /** Return at once; the caller's idle strategy decides (lowest latency, one core busy). */
        BUSY_POLL,
        /** {@code poll(2)} with {@link #pollTimeoutMs()} (frees the core; adds up to that much transmit latency). */
        BLOCKING
    }

    /** The receive ring's format. */
    public enum RxRingVersion
    {
        /** TPACKET_V2: one fixed slot per frame, each visible as soon as the kernel wrote it. */
        V2,
        /**
         * TPACKET_V3: frames packed into blocks, visible a block at a time when it fills or its timeout
         * ({@link #blockTimeoutMs()}) expires; fewer status handovers, up to that timeout of added latency.
         */
        V3
    }

    /** How queued frames reach the kernel on {@link AfPacketEndpoint#flush()}. */
    public enum TxMode
    {
        /** A mapped transmit ring (same TPACKET version as receive) kicked with one {@code sendto} per flush. */
        RING_SENDTO,
        /** No transmit ring: frames staged in a direct buffer and sent with {@code sendmmsg}, 64 per call. */
        SENDMMSG,
        /**
         * As {@link #RING_SENDTO}, but the kernel copies each frame into its packet buffer ({@code PACKET_VNET_HDR}
         * with a header length of the whole frame) instead of attaching the ring's pages. On veth and other virtual
         * devices, which copy attached pages again, that is cheaper per frame (benchmarks/results/
         * 2026-11-25-frames.txt); on a NIC, {@link #RING_SENDTO}'s zero copy should be. Received frames then carry
         * a 10-byte header in front, so a slot holds 10 bytes less ({@link #maxMtu()}).
         */
        RING_COPY,
        /**
         * As {@link #RING_COPY}, and consecutive TCP/IPv4 segments of one flow in a flush leave as one frame of up to
         * 64 KiB that the kernel cuts back into the same segments (a {@code virtio_net_hdr} asking for TCPv4 GSO;
         * a NIC with TCP segmentation offload cuts it itself). One kernel send path per up to 45 segments instead
         * of one each. Transmit slots are {@link #GSO_TX_SLOT_BYTES} each ({@link #GSO_TX_SLOTS} of them), and
         * frames go through the interface's qdisc: the kernel's direct transmit drops frames it must cut.
         */
        RING_GSO
    }

    /** Bytes per transmit slot in {@link TxMode#RING_GSO}: one merged frame of up to 64 KiB fits. */
    public static final int GSO_TX_SLOT_BYTES = 1 << 16;
    /** Transmit slots in {@link TxMode#RING_GSO} (4 MiB). */
    public static final int GSO_TX_SLOTS = 64;

    /** {@code PACKET_FANOUT_*} modes: how the kernel spreads frames over the sockets of one group. */
    public enum FanoutMode
    {
        /** By flow hash: one flow always reaches the same socket. */
        HASH(0),
        /** Round robin. */
        LOAD_BALANCE(1),
        /** By the CPU that received the frame. */
        CPU(2),
        /** By receive queue (matches NIC RSS queues). */
        QUEUE_MAPPING(5);

        final int value;

        FanoutMode(final int value)
        {
            this.value = value;
        }
    }

    private final String interfaceName;
    private final String namespace;
    private final long macAddress;
    private final int blockSize;
    private final int frameSize;
    private final int frameCount;
    private final PollMode pollMode;
    private final int pollTimeoutMs;
    private final int fanoutGroup;
    private final FanoutMode fanoutMode;
    private final RxRingVersion rxRingVersion;
    private final int blockTimeoutMs;
    private final TxMode txMode;
    private final boolean kernelIngressDrop;

    private AfPacketConfig(final Builder b)
    {
        this.kernelIngressDrop = b.kernelIngressDrop;
        this.interfaceName = b.interfaceName;
        this.namespace = b.namespace;
        this.macAddress = b.macAddress;
        this.blockSize = b.blockSize;
        this.frameSize = b.frameSize;
        this.frameCount = b.frameCount;
        this.pollMode = b.pollMode;
        this.pollTimeoutMs = b.pollTimeoutMs;
        this.fanoutGroup = b.fanoutGroup;
        this.fanoutMode = b.fanoutMode;
        this.rxRingVersion = b.rxRingVersion;
        this.blockTimeoutMs = b.blockTimeoutMs;
        this.txMode = b.txMode;
    }

    /**
     * Defaults: 2048-byte slots (MTU up to 1968), 64 KiB blocks, 1024 slots per ring (2 MiB each way), busy-poll, no
     * fanout, the interface's MAC, this process's network namespace.
     */
    public static Builder builder(final String interfaceName)
    {
        return new Builder(interfaceName);
    }

    public String interfaceName()
    {
        return interfaceName;
    }

    /** The network namespace file to open the socket in, or null for the caller's own namespace. */
    public String namespacePath()
    {
        return namespace;
    }

    /** The source MAC, or {@link #INTERFACE_MAC}. */
    public long macAddress()
    {
        return macAddress;
    }

    public int blockSize()
    {
        return blockSize;
    }

    public int frameSize()
    {
        return frameSize;
    }

    /** Slots per ring (each of RX and TX). */
    public int frameCount()
    {
        return frameCount;
    }

    public PollMode pollMode()
    {
        return pollMode;
    }

    public int pollTimeoutMs()
    {
        return pollTimeoutMs;
    }

    /** The fanout group id, or {@link #NO_FANOUT}. */
    public int fanoutGroup()
    {
        return fanoutGroup;
    }

    public FanoutMode fanoutMode()
    {
        return fanoutMode;
    }

    public RxRingVersion rxRingVersion()
    {
        return rxRingVersion;
    }

    /** TPACKET_V3 only: how long a receive block stays open after its first frame, in ms (0: the kernel's choice). */
    public int blockTimeoutMs()
    {
        return blockTimeoutMs;
    }

    public TxMode txMode()
    {
        return txMode;
    }

    /** Whether the kernel's own input on the interface is dropped while the endpoint is open. */
    public boolean kernelIngressDrop()
    {
        return kernelIngressDrop;
    }

    /** Frames carry a {@code virtio_net_hdr} both ways ({@link TxMode#RING_COPY}, {@link TxMode#RING_GSO}). */
    public boolean vnetHeader()
    {
        return txMode == TxMode.RING_COPY || txMode == TxMode.RING_GSO;
    }

    /** Bytes per transmit ring slot. */
    public int txFrameSize()
    {
        return txMode == TxMode.RING_GSO ? GSO_TX_SLOT_BYTES : frameSize;
    }

    /** Transmit ring slots. */
    public int txFrameCount()
    {
        return txMode == TxMode.RING_GSO ? GSO_TX_SLOTS : frameCount;
    }

    /** The largest interface MTU whose frames fit one receive slot whole. */
    public int maxMtu()
    {
        return frameSize - Tpacket2.RX_NET_OFFSET - (vnetHeader() ? AfPacket.VNET_HDR_LENGTH : 0);
    }

    @Override
    public String toString()
    {
        return "AfPacketConfig{" + interfaceName + (namespace == null ? "" : " in " + namespace) +
            ", frame=" + frameSize + " x " + frameCount + ", block=" + blockSize + ", " + pollMode +
            ", rx " + rxRingVersion + (rxRingVersion == RxRingVersion.V3 ? " " + blockTimeoutMs + " ms" : "") +
            ", tx " + txMode + (kernelIngressDrop ? ", kernel ingress drop" : "") +
            (fanoutGroup == NO_FANOUT ? "" : ", fanout " + fanoutGroup + "/" + fanoutMode) + "}";
    }

    /** Collects settings; {@link #build()} validates. */
    public static final class Builder
    {
        private final String interfaceName;
        private String namespace;
        private long macAddress = INTERFACE_MAC;
        private int blockSize = 1 << 16;
        private int frameSize = 2048;
        private int frameCount = 1024;
        private PollMode pollMode = PollMode.BUSY_POLL;
        private int pollTimeoutMs = 1;
        private int fanoutGroup = NO_FANOUT;
        private FanoutMode fanoutMode = FanoutMode.HASH;
        private RxRingVersion rxRingVersion = RxRingVersion.V2;
        private int blockTimeoutMs = 1;
        private TxMode txMode = TxMode.RING_SENDTO;
        private boolean kernelIngressDrop;

        private Builder(final String interfaceName)
        {
            this.interfaceName = interfaceName;
        }

        /**
         * Opens the socket inside a network namespace: a name as {@code ip netns} knows it (looked up in
         * {@code /var/run/netns/}) or an absolute path such as {@code /proc/PID/ns/net}. Needs CAP_SYS_ADMIN.
         */
        public Builder namespace(final String nameOrPath)
        {
            Objects.requireNonNull(nameOrPath, "namespace");
            this.namespace = nameOrPath.startsWith("/") ? nameOrPath : "/var/run/netns/" + nameOrPath;
            return this;
        }

        /** Sends with this source MAC instead of the interface's, and puts the interface in promiscuous mode. */
        public Builder macAddress(final long mac)
        {
            this.macAddress = mac;
            return this;
        }

        /** Bytes per ring slot: a multiple of 16, at least the MTU plus 80. */
        public Builder frameSize(final int bytes)
        {
            this.frameSize = bytes;
            return this;
        }

        /** Bytes per ring block: a multiple of the page size (4096) and of the frame size. */
        public Builder blockSize(final int bytes)
        {
            this.blockSize = bytes;
            return this;
        }

        /** Slots per ring: a multiple of the slots per block. */
        public Builder frameCount(final int frames)
        {
            this.frameCount = frames;
            return this;
        }

        /** Receive returns at once when the ring is empty (the default). */
        public Builder busyPoll()
        {
            this.pollMode = PollMode.BUSY_POLL;
            return this;
        }

        /** Receive waits in {@code poll(2)} up to {@code timeoutMs} (at least 1) when the ring is empty. */
        public Builder blocking(final int timeoutMs)
        {
            this.pollMode = PollMode.BLOCKING;
            this.pollTimeoutMs = timeoutMs;
            return this;
        }

        /** Joins {@code PACKET_FANOUT} group {@code groupId} (0..65535) with {@code mode}. */
        public Builder fanout(final int groupId, final FanoutMode mode)
        {
            this.fanoutGroup = groupId;
            this.fanoutMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * The receive ring's format. Default {@link RxRingVersion#V2}: V3 did not receive faster beyond the noise,
         * and each request/response waited for the block timeout (p50 1 ms instead of 21 us; benchmarks/results/
         * 2026-11-25-driver-e2e-v3.txt).
         */
        public Builder rxRing(final RxRingVersion version)
        {
            this.rxRingVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** TPACKET_V3 receive block timeout in ms, 0..1000 (default 1; 0 lets the kernel derive it, often 8 ms). */
        public Builder blockTimeoutMs(final int ms)
        {
            this.blockTimeoutMs = ms;
            return this;
        }

        /** How flushes hand frames to the kernel (default {@link TxMode#RING_SENDTO}). */
        public Builder txMode(final TxMode mode)
        {
            this.txMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * While the endpoint is open, the kernel drops every frame arriving on the interface after the packet
         * socket has it ({@link KernelIngressDrop}: an nftables netdev ingress chain), so it does not also run IP
         * input for frames meant for ustack. Only for an interface the kernel has no address on. Needs nft.
         */
        public Builder kernelIngressDrop(final boolean on)
        {
            this.kernelIngressDrop = on;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the setting that is wrong and what would be right
         */
        public AfPacketConfig build()
        {
            NetInterfaces.validateName(interfaceName);
            if (frameSize < 128 || frameSize % Tpacket2.ALIGNMENT != 0)
            {
                throw new IllegalArgumentException("frameSize " + frameSize + " must be a multiple of " +
                    Tpacket2.ALIGNMENT + " and at least 128 (2048 holds MTU 1500)");
            }
            if (blockSize < 4096 || blockSize % 4096 != 0 || blockSize % frameSize != 0)
            {
                throw new IllegalArgumentException("blockSize " + blockSize + " must be a multiple of the page " +
                    "size 4096 and of frameSize " + frameSize);
            }
            final int perBlock = blockSize / frameSize;
            if (frameCount <= 0 || frameCount % perBlock != 0 || (long)frameCount * frameSize > 1L << 30)
            {
                throw new IllegalArgumentException("frameCount " + frameCount + " must be a positive multiple of " +
                    perBlock + " (frames per " + blockSize + "-byte block), at most 1 GiB per ring");
            }
            if (pollMode == PollMode.BLOCKING && pollTimeoutMs < 1)
            {
                throw new IllegalArgumentException("poll timeout " + pollTimeoutMs + " ms must be at least 1");
            }
            if (blockTimeoutMs < 0 || blockTimeoutMs > 1000)
            {
                throw new IllegalArgumentException("block timeout " + blockTimeoutMs + " ms must be 0..1000 " +
                    "(the kernel counts it in whole ms; 1 adds the least latency)");
            }
            if (fanoutGroup != NO_FANOUT && (fanoutGroup < 0 || fanoutGroup > 0xFFFF))
            {
                throw new IllegalArgumentException("fanout group " + fanoutGroup + " must be 0..65535");
            }
            if (macAddress != INTERFACE_MAC && (macAddress < 0 || macAddress > MacAddress.BROADCAST ||
                MacAddress.isGroup(macAddress) || macAddress == 0))
            {
                throw new IllegalArgumentException("MAC " + MacAddress.toString(macAddress & MacAddress.BROADCAST) +
                    " must be a unicast address other than 00:00:00:00:00:00");
            }
            return new AfPacketConfig(this);
        }
    }
}
