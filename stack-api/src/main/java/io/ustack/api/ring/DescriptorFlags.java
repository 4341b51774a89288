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

    private DescriptorFlags()
    {
    }
}
