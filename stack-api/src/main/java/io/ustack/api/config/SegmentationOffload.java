package io.ustack.api.config;

/**
 * Whether TCP hands IPv4 datagrams of up to 64 KiB that are cut into MTU-sized segments further down (TCP
 * segmentation offload), instead of building every segment itself.
 */
public enum SegmentationOffload
{
    /** TCP builds every segment. */
    NEVER,
    /** Only towards links whose device cuts segments itself ({@code LinkEndpoint.segmentationOffloadLimit() > 0}). */
    LINK,
    /**
     * Towards every link: where the device cannot, IPv4 cuts them in software before the link (Linux's generic
     * segmentation offload). For tests of the segmenting path on links without the offload.
     */
    ALWAYS
}
