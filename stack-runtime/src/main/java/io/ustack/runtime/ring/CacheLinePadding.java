package io.ustack.runtime.ring;

/**
 * 128 bytes of fields a subclass's own fields are laid out after (HotSpot places superclass fields first), so an
 * object written by one thread does not share a cache line (or an adjacent-line prefetch pair) with an object
 * allocated just before it that another thread reads.
 */
@SuppressWarnings("unused")
abstract class CacheLinePadding
{
    private long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
}
