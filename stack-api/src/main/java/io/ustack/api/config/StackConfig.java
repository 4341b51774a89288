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

    private final String name;
    private final ThreadingMode threadingMode;
    private final RingKind ringKind;
    private final IdleStrategyKind idleStrategy;
    private final int ringCapacity;
    private final int bufferSlots;
    private final int bufferSlotSize;
    private final int mtu;
    private final int linkBatchSize;

    private StackConfig(final Builder b)
    {
        this.name = b.name;
        this.threadingMode = b.threadingMode;
        this.ringKind = b.ringKind;
        this.idleStrategy = b.idleStrategy;
        this.ringCapacity = b.ringCapacity;
        this.bufferSlots = b.bufferSlots;
        this.bufferSlotSize = b.bufferSlotSize;
        this.mtu = b.mtu;
        this.linkBatchSize = b.linkBatchSize;
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

    @Override
    public String toString()
    {
        return "StackConfig{name=" + name + ", threadingMode=" + threadingMode + ", ringKind=" + ringKind +
            ", idleStrategy=" + idleStrategy + ", ringCapacity=" + ringCapacity + ", bufferSlots=" + bufferSlots +
            ", bufferSlotSize=" + bufferSlotSize + ", mtu=" + mtu + ", linkBatchSize=" + linkBatchSize + '}';
    }

    /** Collects settings; {@link #build()} validates them all at once. */
    public static final class Builder
    {
        private String name = "ustack";
        private ThreadingMode threadingMode = ThreadingMode.SHARED;
        private RingKind ringKind = RingKind.AGRONA;
        private IdleStrategyKind idleStrategy = IdleStrategyKind.BACKOFF;
        private int ringCapacity = 4096;
        private int bufferSlots = 8192;
        private int bufferSlotSize = 2048;
        private int mtu = 1500;
        private int linkBatchSize = 64;

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
            if (problems.length() > 0)
            {
                throw new IllegalArgumentException("invalid stack configuration:" + problems);
            }
            return new StackConfig(this);
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
