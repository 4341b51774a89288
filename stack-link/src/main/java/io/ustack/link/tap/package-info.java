/**
 * The TAP driver: {@link io.ustack.link.tap.TapEndpoint} creates a TAP interface ({@code /dev/net/tun},
 * {@code IFF_TAP | IFF_NO_PI}) and exchanges frames with the kernel through it; the C half is in module
 * {@code native}.
 */
package io.ustack.link.tap;
