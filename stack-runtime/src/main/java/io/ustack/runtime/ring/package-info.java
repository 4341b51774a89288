/** The two implementations of the layer ring, Agrona and Disruptor, chosen by {@code StackConfig.ringKind()}. */
package io.ustack.runtime.ring;
