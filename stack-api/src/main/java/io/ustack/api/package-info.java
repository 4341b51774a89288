/**
 * The public face of ustack: configuration, the contracts between layers (link endpoint, descriptor rings, packet
 * buffers), counters and the policy SPIs. Every layer module depends on this one; this one depends on no layer.
 */
package io.ustack.api;
