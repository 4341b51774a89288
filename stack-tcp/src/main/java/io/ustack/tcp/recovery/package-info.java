/**
 * Loss-recovery algorithms ({@link io.ustack.api.tcp.LossRecovery}), one file per algorithm as Linux's
 * {@code tcp_recovery.c} and gVisor's {@code sack_recovery.go}/{@code reno_recovery.go} keep them: NewReno
 * (RFC 5681 §3.2, RFC 6582, RFC 3042), SACK-based recovery (RFC 6675) and RACK-TLP time-based loss detection
 * (RFC 8985, the default).
 */
package io.ustack.tcp.recovery;
