/** Assembly of a stack from its configuration: layers, rings, threads, clock, counters and shutdown. */
package io.ustack.runtime;
