/** The deterministic network simulator: stacks in INVOKER mode stepped together on a virtual clock. */
package io.ustack.sim;
