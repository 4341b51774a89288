package io.ustack.api.config;

import java.util.Objects;

/**
 * Everything that shapes one stack instance, fixed when the stack is built.
 *
 * <p>Built with {@link #builder()}; {@link Builder#build()} checks every value and says what to fix, so a bad
 * configuration never reaches a running stack.
 */
public final class StackConfig
{
    /** Largest slot the pool hands out: a jumbo frame plus headroom, rounded to a page multiple. */
    public static final int MAX_BUFFER_SLOT_SIZE = 16 * 1024;
    /** Smallest slot: a full 1500-byte Ethernet frame with its 14-byte header and room for a VLAN tag. */
    public static final int MIN_BUFFER_SLOT_SIZE = 1536;
    /** Bytes in each large packet buffer: a 65,535-byte IPv4 datagram with its Ethernet header, rounded up to 64. */
    public static final int LARGE_BUFFER_SLOT_SIZE = 65_600;

    private final String name;
    private final ThreadingMode threadingMode;
    private final RingKind ringKind;
    private final IdleStrategyKind idleStrategy;
    private final int ringCapacity;
    private final int bufferSlots;
    private final int bufferSlotSize;
    private final SegmentationOffload segmentationOffload;
    private final int largeBufferSlots;
    private final int mtu;
    private final int linkBatchSize;
    private final int ipDefaultTtl;
    private final int reassemblyTimeoutMs;
    private final int reassemblyMemoryBytes;
    private final int arpEntryLifetimeMs;
    private final int arpRetryIntervalMs;
    private final int arpMaxRetries;
    private final int arpQueuePerNeighbour;
    private final int icmpErrorsPerSecond;
    private final int icmpErrorBurst;
    private final int udpReceiveQueueBytes;
    private final int ephemeralPortFirst;
    private final int ephemeralPortLast;
    private final long randomSeed;

    private StackConfig(final Builder b)
    {
        this.name = b.name;
        this.threadingMode = b.threadingMode;
        this.ringKind = b.ringKind;
        this.idleStrategy = b.idleStrategy;
        this.ringCapacity = b.ringCapacity;
        this.bufferSlots = b.bufferSlots;
        this.bufferSlotSize = b.bufferSlotSize;
        this.segmentationOffload = b.segmentationOffload;
        this.largeBufferSlots = b.largeBufferSlots;
        this.mtu = b.mtu;
        this.linkBatchSize = b.linkBatchSize;
        this.ipDefaultTtl = b.ipDefaultTtl;
        this.reassemblyTimeoutMs = b.reassemblyTimeoutMs;
        this.reassemblyMemoryBytes = b.reassemblyMemoryBytes;
        this.arpEntryLifetimeMs = b.arpEntryLifetimeMs;
        this.arpRetryIntervalMs = b.arpRetryIntervalMs;
        this.arpMaxRetries = b.arpMaxRetries;
        this.arpQueuePerNeighbour = b.arpQueuePerNeighbour;
        this.icmpErrorsPerSecond = b.icmpErrorsPerSecond;
        this.icmpErrorBurst = b.icmpErrorBurst;
        this.udpReceiveQueueBytes = b.udpReceiveQueueBytes;
        this.ephemeralPortFirst = b.ephemeralPortFirst;
        this.ephemeralPortLast = b.ephemeralPortLast;
        this.randomSeed = b.randomSeed;
    }

    /** A builder holding the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** The stack's name: used for thread names, counter labels and file names. */
    public String name()
    {
        return name;
    }

    /** How layer agents get threads. */
    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    /** Which ring implementation joins the layers. */
    public RingKind ringKind()
    {
        return ringKind;
    }

    /** What an idle agent thread does. */
    public IdleStrategyKind idleStrategy()
    {
        return idleStrategy;
    }

    /** Descriptors each inter-layer ring holds (a power of two). */
    public int ringCapacity()
    {
        return ringCapacity;
    }

    /** Number of packet buffers in the stack's off-heap pool. */
    public int bufferSlots()
    {
        return bufferSlots;
    }

    /** Bytes in each packet buffer. */
    public int bufferSlotSize()
    {
        return bufferSlotSize;
    }

    /** Where TCP segmentation offload is used ({@link SegmentationOffload#LINK} by default). */
    public SegmentationOffload segmentationOffload()
    {
        return segmentationOffload;
    }

    /**
     * Large packet buffers ({@link #LARGE_BUFFER_SLOT_SIZE} bytes each) for segmentation offload, allocated only when
     * it is used on some link; when they are all in flight TCP builds regular segments.
     */
    public int largeBufferSlots()
    {
        return largeBufferSlots;
    }

    /** IP MTU of the link: the largest IPv4 datagram one frame carries. */
    public int mtu()
    {
        return mtu;
    }

    /** Most frames the link agent moves per direction in one duty cycle. */
    public int linkBatchSize()
    {
        return linkBatchSize;
    }

    /** TTL of datagrams the stack originates (RFC 1122 §3.2.1.7). */
    public int ipDefaultTtl()
    {
        return ipDefaultTtl;
    }

    /** How long fragments of an incomplete datagram are kept (RFC 1122 §3.3.2: 60..120 s recommended). */
    public int reassemblyTimeoutMs()
    {
        return reassemblyTimeoutMs;
    }

    /** Most bytes all incomplete datagrams together may hold. */
    public int reassemblyMemoryBytes()
    {
        return reassemblyMemoryBytes;
    }

    /** How long a resolved neighbour is trusted before it is re-validated. */
    public int arpEntryLifetimeMs()
    {
        return arpEntryLifetimeMs;
    }

    /** Time between ARP requests for an unresolved neighbour. */
    public int arpRetryIntervalMs()
    {
        return arpRetryIntervalMs;
    }

    /** ARP requests sent before a neighbour is declared unreachable. */
    public int arpMaxRetries()
    {
        return arpMaxRetries;
    }

    /** Packets held per neighbour while it is being resolved. */
    public int arpQueuePerNeighbour()
    {
        return arpQueuePerNeighbour;
    }

    /** Rate limit of ICMP errors the stack sends (RFC 1812 §4.3.2.8 style token bucket). */
    public int icmpErrorsPerSecond()
    {
        return icmpErrorsPerSecond;
    }

    /** Burst allowance of that limit. */
    public int icmpErrorBurst()
    {
        return icmpErrorBurst;
    }

    /** Bytes of received datagrams queued per UDP socket before new ones are dropped. */
    public int udpReceiveQueueBytes()
    {
        return udpReceiveQueueBytes;
    }

    /** First port handed out to unbound sockets (RFC 6335 §6). */
    public int ephemeralPortFirst()
    {
        return ephemeralPortFirst;
    }

    /** Last port handed out to unbound sockets. */
    public int ephemeralPortLast()
    {
        return ephemeralPortLast;
    }

    /**
     * Seed of the stack's randomness (IP identification offsets, ephemeral ports, ARP jitter): a fixed value makes
     * runs repeatable; 0 (the default) means a fresh seed from {@link java.security.SecureRandom}.
     */
    public long randomSeed()
    {
        return randomSeed;
    }

    @Override
    public String toString()
    {
        return "StackConfig{name=" + name + ", threadingMode=" + threadingMode + ", ringKind=" + ringKind +
            ", idleStrategy=" + idleStrategy + ", ringCapacity=" + ringCapacity + ", bufferSlots=" + bufferSlots +
            ", bufferSlotSize=" + bufferSlotSize + ", segmentationOffload=" + segmentationOffload +
            ", largeBufferSlots=" + largeBufferSlots + ", mtu=" + mtu + ", linkBatchSize=" + linkBatchSize + '}';
    }

    /** Collects settings; {@link #build()} validates them all at once. */
    public static final class Builder
    {
        private String name = "ustack";
        private ThreadingMode threadingMode = ThreadingMode.SHARED;
        private RingKind ringKind = RingKind.DISRUPTOR; // 2.7x Agrona's throughput: benchmarks/results
        private IdleStrategyKind idleStrategy = IdleStrategyKind.BACKOFF;
        private int ringCapacity = 4096;
        private int bufferSlots = 8192;
        private int bufferSlotSize = 2048;
        private SegmentationOffload segmentationOffload = SegmentationOffload.LINK;
        private int largeBufferSlots = 32;
        private int mtu = 1500;
        private int linkBatchSize = 64;
        private int ipDefaultTtl = 64;
        private int reassemblyTimeoutMs = 60_000;
        private int reassemblyMemoryBytes = 4 << 20;
        private int arpEntryLifetimeMs = 60_000;
        private int arpRetryIntervalMs = 1_000;
        private int arpMaxRetries = 3;
        private int arpQueuePerNeighbour = 16;
        private int icmpErrorsPerSecond = 100;
        private int icmpErrorBurst = 20;
        private int udpReceiveQueueBytes = 256 << 10;
        private int ephemeralPortFirst = 32_768;
        private int ephemeralPortLast = 60_999;
        private long randomSeed;

        private Builder()
        {
        }

        /** See {@link StackConfig#name()}. */
        public Builder name(final String name)
        {
            this.name = name;
            return this;
        }

        /** See {@link StackConfig#threadingMode()}. */
        public Builder threadingMode(final ThreadingMode threadingMode)
        {
            this.threadingMode = threadingMode;
            return this;
        }

        /** See {@link StackConfig#ringKind()}. */
        public Builder ringKind(final RingKind ringKind)
        {
            this.ringKind = ringKind;
            return this;
        }

        /** See {@link StackConfig#idleStrategy()}. */
        public Builder idleStrategy(final IdleStrategyKind idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /** See {@link StackConfig#ringCapacity()}. */
        public Builder ringCapacity(final int ringCapacity)
        {
            this.ringCapacity = ringCapacity;
            return this;
        }

        /** See {@link StackConfig#bufferSlots()}. */
        public Builder bufferSlots(final int bufferSlots)
        {
            this.bufferSlots = bufferSlots;
            return this;
        }

        /** See {@link StackConfig#segmentationOffload()}. */
        public Builder segmentationOffload(final SegmentationOffload segmentationOffload)
        {
            this.segmentationOffload = segmentationOffload;
            return this;
        }

        /** See {@link StackConfig#largeBufferSlots()}. */
        public Builder largeBufferSlots(final int largeBufferSlots)
        {
            this.largeBufferSlots = largeBufferSlots;
            return this;
        }

        /** See {@link StackConfig#bufferSlotSize()}. */
        public Builder bufferSlotSize(final int bufferSlotSize)
        {
            this.bufferSlotSize = bufferSlotSize;
            return this;
        }

        /** See {@link StackConfig#mtu()}. */
        public Builder mtu(final int mtu)
        {
            this.mtu = mtu;
            return this;
        }

        /** See {@link StackConfig#linkBatchSize()}. */
        public Builder linkBatchSize(final int linkBatchSize)
        {
            this.linkBatchSize = linkBatchSize;
            return this;
        }

        /** See {@link StackConfig#ipDefaultTtl()}. */
        public Builder ipDefaultTtl(final int ipDefaultTtl)
        {
            this.ipDefaultTtl = ipDefaultTtl;
            return this;
        }

        /** See {@link StackConfig#reassemblyTimeoutMs()}. */
        public Builder reassemblyTimeoutMs(final int reassemblyTimeoutMs)
        {
            this.reassemblyTimeoutMs = reassemblyTimeoutMs;
            return this;
        }

        /** See {@link StackConfig#reassemblyMemoryBytes()}. */
        public Builder reassemblyMemoryBytes(final int reassemblyMemoryBytes)
        {
            this.reassemblyMemoryBytes = reassemblyMemoryBytes;
            return this;
        }

        /** See {@link StackConfig#arpEntryLifetimeMs()}. */
        public Builder arpEntryLifetimeMs(final int arpEntryLifetimeMs)
        {
            this.arpEntryLifetimeMs = arpEntryLifetimeMs;
            return this;
        }

        /** See {@link StackConfig#arpRetryIntervalMs()}. */
        public Builder arpRetryIntervalMs(final int arpRetryIntervalMs)
        {
            this.arpRetryIntervalMs = arpRetryIntervalMs;
            return this;
        }

        /** See {@link StackConfig#arpMaxRetries()}. */
        public Builder arpMaxRetries(final int arpMaxRetries)
        {
            this.arpMaxRetries = arpMaxRetries;
            return this;
        }

        /** See {@link StackConfig#arpQueuePerNeighbour()}. */
        public Builder arpQueuePerNeighbour(final int arpQueuePerNeighbour)
        {
            this.arpQueuePerNeighbour = arpQueuePerNeighbour;
            return this;
        }

        /** See {@link StackConfig#icmpErrorsPerSecond()}. */
        public Builder icmpErrorsPerSecond(final int icmpErrorsPerSecond)
        {
            this.icmpErrorsPerSecond = icmpErrorsPerSecond;
            return this;
        }

        /** See {@link StackConfig#icmpErrorBurst()}. */
        public Builder icmpErrorBurst(final int icmpErrorBurst)
        {
            this.icmpErrorBurst = icmpErrorBurst;
            return this;
        }

        /** See {@link StackConfig#udpReceiveQueueBytes()}. */
        public Builder udpReceiveQueueBytes(final int udpReceiveQueueBytes)
        {
            this.udpReceiveQueueBytes = udpReceiveQueueBytes;
            return this;
        }

        /** See {@link StackConfig#ephemeralPortFirst()}. */
        public Builder ephemeralPortFirst(final int ephemeralPortFirst)
        {
            this.ephemeralPortFirst = ephemeralPortFirst;
            return this;
        }

        /** See {@link StackConfig#ephemeralPortLast()}. */
        public Builder ephemeralPortLast(final int ephemeralPortLast)
        {
            this.ephemeralPortLast = ephemeralPortLast;
            return this;
        }

        /** See {@link StackConfig#randomSeed()}. */
        public Builder randomSeed(final long randomSeed)
        {
            this.randomSeed = randomSeed;
            return this;
        }

        /**
         * Checks every setting and builds the configuration.
         *
         * @throws IllegalArgumentException naming each bad setting and what would be accepted
         */
        public StackConfig build()
        {
            final StringBuilder problems = new StringBuilder();
            if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9._-]+"))
            {
                problems.append("\n - name '").append(name)
                    .append("': use letters, digits, '.', '_' or '-' (it names threads and files)");
            }
            requireNonNull(problems, "threadingMode", threadingMode);
            requireNonNull(problems, "ringKind", ringKind);
            requireNonNull(problems, "idleStrategy", idleStrategy);
            if (ringCapacity < 2 || ringCapacity > (1 << 20) || Integer.bitCount(ringCapacity) != 1)
            {
                problems.append("\n - ringCapacity ").append(ringCapacity)
                    .append(": use a power of two from 2 to 1048576");
            }
            if (bufferSlots < 16 || bufferSlots > (1 << 22))
            {
                problems.append("\n - bufferSlots ").append(bufferSlots).append(": use 16 to 4194304");
            }
            if (bufferSlotSize < MIN_BUFFER_SLOT_SIZE || bufferSlotSize > MAX_BUFFER_SLOT_SIZE ||
                (bufferSlotSize & 63) != 0)
            {
                problems.append("\n - bufferSlotSize ").append(bufferSlotSize).append(": use a multiple of 64 from ")
                    .append(MIN_BUFFER_SLOT_SIZE).append(" to ").append(MAX_BUFFER_SLOT_SIZE);
            }
            requireNonNull(problems, "segmentationOffload", segmentationOffload);
            if (largeBufferSlots < 0 || largeBufferSlots > 4096)
            {
                problems.append("\n - largeBufferSlots ").append(largeBufferSlots)
                    .append(": use 0 (no segmentation offload) to 4096");
            }
            if (mtu < 576 || mtu > 9000)
            {
                problems.append("\n - mtu ").append(mtu).append(": use 576 (RFC 791 minimum reassembly) to 9000");
            }
            else if (mtu + 64 > bufferSlotSize)
            {
                problems.append("\n - mtu ").append(mtu).append(" does not fit bufferSlotSize ").append(bufferSlotSize)
                    .append(" with 64 bytes of link headroom: raise bufferSlotSize to at least ")
                    .append(((mtu + 64 + 63) / 64) * 64);
            }
            if (linkBatchSize < 1 || linkBatchSize > 4096)
            {
                problems.append("\n - linkBatchSize ").append(linkBatchSize).append(": use 1 to 4096");
            }
            requireRange(problems, "ipDefaultTtl", ipDefaultTtl, 1, 255);
            requireRange(problems, "reassemblyTimeoutMs", reassemblyTimeoutMs, 1, 120000);
            requireRange(problems, "reassemblyMemoryBytes", reassemblyMemoryBytes, 65536, 1073741824);
            requireRange(problems, "arpEntryLifetimeMs", arpEntryLifetimeMs, 1000, 3600000);
            requireRange(problems, "arpRetryIntervalMs", arpRetryIntervalMs, 10, 60000);
            requireRange(problems, "arpMaxRetries", arpMaxRetries, 1, 20);
            requireRange(problems, "arpQueuePerNeighbour", arpQueuePerNeighbour, 1, 1024);
            requireRange(problems, "icmpErrorsPerSecond", icmpErrorsPerSecond, 1, 100000);
            requireRange(problems, "icmpErrorBurst", icmpErrorBurst, 1, 100000);
            requireRange(problems, "udpReceiveQueueBytes", udpReceiveQueueBytes, 4096, 1073741824);
            requireRange(problems, "ephemeralPortFirst", ephemeralPortFirst, 1024, 65535);
            requireRange(problems, "ephemeralPortLast", ephemeralPortLast, 1024, 65535);
            if (ephemeralPortFirst > ephemeralPortLast)
            {
                problems.append("\n - ephemeralPortFirst ").append(ephemeralPortFirst)
                    .append(" is above ephemeralPortLast ").append(ephemeralPortLast).append(": swap them");
            }
            if (problems.length() > 0)
            {
                throw new IllegalArgumentException("invalid stack configuration:" + problems);
            }
            return new StackConfig(this);
        }

        private static void requireRange(final StringBuilder problems, final String setting, final int value,
            final int low, final int high)
        {
            if (value < low || value > high)
            {
                problems.append("\n - ").append(setting).append(' ').append(value).append(": use ").append(low)
                    .append(" to ").append(high);
            }
        }

        private static void requireNonNull(final StringBuilder problems, final String setting, final Object value)
        {
            if (Objects.isNull(value))
            {
                problems.append("\n - ").append(setting).append(" is not set");
            }
        }
    }
}
