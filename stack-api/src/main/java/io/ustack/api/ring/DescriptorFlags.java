package io.ustack.api.ring;

/** Bits carried in a descriptor's {@code flags}. Low 16 bits are shared meanings; high 16 bits are per hop. */
public final class DescriptorFlags
{
    /** No flags. */
    public static final int NONE = 0;
    /** The link reported that the frame's L4 checksum was left for the receiver to fill (offload). */
    public static final int CHECKSUM_PARTIAL = 1;
    /** The frame arrived as a link-level broadcast or multicast. */
    public static final int LINK_GROUP_ADDRESS = 1 << 1;

    /** Where the network layer puts a segmented frame's segment size, in the high 16 bits, towards the link. */
    private static final int SEGMENT_SIZE_SHIFT = 16;

    /**
     * Flags for a frame going to the link that the device cuts into segments of {@code segmentSize} data bytes
     * ({@link io.ustack.api.link.LinkEndpoint#transmitSegmented}); the network agent to link agent hop only.
     */
    public static int segmented(final int segmentSize)
    {
        if (segmentSize < 1 || segmentSize > 0xFFFF)
        {
            throw new IllegalArgumentException("segment size " + segmentSize + " outside 1..65535");
        }
        return segmentSize << SEGMENT_SIZE_SHIFT;
    }

    /** The segment size {@link #segmented} put in {@code flags}, or 0 for a frame that goes as it is. */
    public static int segmentSize(final int flags)
    {
        return flags >>> SEGMENT_SIZE_SHIFT;
    }

    private DescriptorFlags()
    {
    }
}
