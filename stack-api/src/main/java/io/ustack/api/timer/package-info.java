/**
 * One timer service per agent: retransmission, delayed ACK, persist, keepalive, TIME_WAIT, ARP and reassembly timers
 * all go through a {@link io.ustack.api.timer.TimerService}. Time is an input ({@code nowNs} arguments); nothing here
 * reads a clock. Two implementations to compare in the benchmarks: {@link io.ustack.api.timer.WheelTimerService}
 * over Agrona's {@code DeadlineTimerWheel} (the default) and {@link io.ustack.api.timer.HeapTimerService}, a binary
 * min-heap with exact deadline order.
 */
package io.ustack.api.timer;
