/** Counters of traffic and of every drop reason, in an Agrona counters buffer. */
package io.ustack.api.counter;
