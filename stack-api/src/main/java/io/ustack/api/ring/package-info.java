/** Descriptor rings: the only way packets cross from one layer agent to the next. */
package io.ustack.api.ring;
