package io.ustack.link.memory;

import io.ustack.api.net.MacAddress;

import java.util.Objects;

/**
 * Shape of an {@link InMemoryWire}: MTU, queue depth, each endpoint's name and MAC address, and the impairments of
 * each direction. Built with {@link #builder()}; {@link Builder#build()} checks every value and says what to fix.
 */
public final class WireConfig
{
    /** Largest MTU the wire accepts: a jumbo frame. */
    public static final int MAX_MTU = 9216;
    /** Smallest MTU: IPv4's minimum (RFC 791). */
    public static final int MIN_MTU = 68;
    /** Deepest queue per direction. */
    public static final int MAX_QUEUE_DEPTH = 1 << 20;
    /** Most memory the slots of one direction may take. */
    public static final long MAX_DIRECTION_BYTES = 1L << 30;
    /** Default address of endpoint A: locally administered 02:00:00:00:00:01. */
    public static final long DEFAULT_MAC_A = 0x0200_0000_0001L;
    /** Default address of endpoint B: locally administered 02:00:00:00:00:02. */
    public static final long DEFAULT_MAC_B = 0x0200_0000_0002L;

    private final int mtu;
    private final int queueDepth;
    private final String nameA;
    private final String nameB;
    private final long macA;
    private final long macB;
    private final Impairments impairmentsAToB;
    private final Impairments impairmentsBToA;

    private WireConfig(final Builder b)
    {
        this.mtu = b.mtu;
        this.queueDepth = b.queueDepth;
        this.nameA = b.nameA;
        this.nameB = b.nameB;
        this.macA = b.macA;
        this.macB = b.macB;
        this.impairmentsAToB = b.impairmentsAToB;
        this.impairmentsBToA = b.impairmentsBToA;
    }

    /** A builder holding the defaults: MTU 1500, 1024 frames per direction, no impairments. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** The IP MTU of both endpoints: frames carry at most {@code mtu + 14} bytes (FCS excluded). */
    public int mtu()
    {
        return mtu;
    }

    /** Frames each direction queues before {@code transmit} refuses. */
    public int queueDepth()
    {
        return queueDepth;
    }

    /** Name of endpoint A. */
    public String nameA()
    {
        return nameA;
    }

    /** Name of endpoint B. */
    public String nameB()
    {
        return nameB;
    }

    /** MAC address of endpoint A, 48 bits in a long. */
    public long macA()
    {
        return macA;
    }

    /** MAC address of endpoint B, 48 bits in a long. */
    public long macB()
    {
        return macB;
    }

    /** What the wire does to frames going from A to B. */
    public Impairments impairmentsAToB()
    {
        return impairmentsAToB;
    }

    /** What the wire does to frames going from B to A. */
    public Impairments impairmentsBToA()
    {
        return impairmentsBToA;
    }

    /** Collects settings; {@link #build()} checks them all and says what to fix. */
    public static final class Builder
    {
        private int mtu = 1500;
        private int queueDepth = 1024;
        private String nameA = "wire-a";
        private String nameB = "wire-b";
        private long macA = DEFAULT_MAC_A;
        private long macB = DEFAULT_MAC_B;
        private Impairments impairmentsAToB = Impairments.NONE;
        private Impairments impairmentsBToA = Impairments.NONE;

        private Builder()
        {
        }

        /** See {@link WireConfig#mtu()}. */
        public Builder mtu(final int mtu)
        {
            this.mtu = mtu;
            return this;
        }

        /** See {@link WireConfig#queueDepth()}. */
        public Builder queueDepth(final int queueDepth)
        {
            this.queueDepth = queueDepth;
            return this;
        }

        /** See {@link WireConfig#nameA()}. */
        public Builder nameA(final String nameA)
        {
            this.nameA = nameA;
            return this;
        }

        /** See {@link WireConfig#nameB()}. */
        public Builder nameB(final String nameB)
        {
            this.nameB = nameB;
            return this;
        }

        /** See {@link WireConfig#macA()}. */
        public Builder macA(final MacAddress macA)
        {
            this.macA = Objects.requireNonNull(macA, "macA").bits();
            return this;
        }

        /** See {@link WireConfig#macB()}. */
        public Builder macB(final MacAddress macB)
        {
            this.macB = Objects.requireNonNull(macB, "macB").bits();
            return this;
        }

        /** See {@link WireConfig#impairmentsAToB()}. */
        public Builder impairmentsAToB(final Impairments impairments)
        {
            this.impairmentsAToB = impairments;
            return this;
        }

        /** See {@link WireConfig#impairmentsBToA()}. */
        public Builder impairmentsBToA(final Impairments impairments)
        {
            this.impairmentsBToA = impairments;
            return this;
        }

        /**
         * The same impairments both ways; B to A uses seed {@code seed + 1} so the directions do not mirror each
         * other's decisions.
         */
        public Builder impairments(final Impairments impairments)
        {
            this.impairmentsAToB = impairments;
            this.impairmentsBToA = impairments == null ? null :
                impairments.toBuilder().seed(impairments.seed() + 1).build();
            return this;
        }

        /**
         * Checks every setting and builds the configuration.
         *
         * @throws IllegalArgumentException naming each bad setting and what would be accepted
         */
        public WireConfig build()
        {
            final StringBuilder problems = new StringBuilder();
            if (mtu < MIN_MTU || mtu > MAX_MTU)
            {
                problems.append("\n - mtu ").append(mtu).append(": use ").append(MIN_MTU).append(" to ")
                    .append(MAX_MTU).append(" (1500 for standard Ethernet)");
            }
            if (queueDepth < 1 || queueDepth > MAX_QUEUE_DEPTH)
            {
                problems.append("\n - queueDepth ").append(queueDepth).append(": use 1 to ").append(MAX_QUEUE_DEPTH);
            }
            else if (mtu >= MIN_MTU && mtu <= MAX_MTU &&
                queueDepth * DelayLine.slotStrideFor(mtu + 14) > MAX_DIRECTION_BYTES)
            {
                problems.append("\n - queueDepth ").append(queueDepth).append(" with mtu ").append(mtu)
                    .append(" needs more than 1 GiB per direction: use at most ")
                    .append(MAX_DIRECTION_BYTES / DelayLine.slotStrideFor(mtu + 14)).append(" frames");
            }
            checkName(problems, "nameA", nameA);
            checkName(problems, "nameB", nameB);
            checkMac(problems, "macA", macA);
            checkMac(problems, "macB", macB);
            if (macA == macB)
            {
                problems.append("\n - macA and macB are both ").append(MacAddress.toString(macA))
                    .append(": give each endpoint its own address");
            }
            if (impairmentsAToB == null || impairmentsBToA == null)
            {
                problems.append("\n - impairments: use Impairments.NONE rather than null for a perfect wire");
            }
            if (problems.length() > 0)
            {
                throw new IllegalArgumentException("invalid in-memory wire configuration:" + problems);
            }
            return new WireConfig(this);
        }

        private static void checkName(final StringBuilder problems, final String setting, final String name)
        {
            if (name == null || name.isBlank())
            {
                problems.append("\n - ").append(setting).append(": give the endpoint a name, e.g. \"wire-a\"");
            }
        }

        private static void checkMac(final StringBuilder problems, final String setting, final long mac)
        {
            if (MacAddress.isGroup(mac) || mac == 0)
            {
                problems.append("\n - ").append(setting).append(' ').append(MacAddress.toString(mac))
                    .append(": use a unicast address (even first byte), e.g. 02:00:00:00:00:01");
            }
        }
    }
}
