/** Time as an input: the virtual clock for tests and the simulator (production uses Agrona's clocks). */
package io.ustack.api.time;
