package io.ustack.cli.bench;

/**
 * What one case measured, or why it could not.
 *
 * @param benchCase       the configuration
 * @param throughputMbps  one connection's throughput, Mbit/s, per window
 * @param rttP50Us        median round trip of 64-byte request/response, µs, per repeat
 * @param rttP99Us        99th percentile of the same, µs, per repeat
 * @param retransmits     segments both stacks retransmitted during the case
 * @param shutdownClean   both stacks drained, held no buffers and raised no agent errors
 * @param shutdown        both stacks' shutdown reports
 * @param drops           drop reasons either stack counted ("REASON a/b, ..."), "" for none
 * @param seconds         how long the case took, set-up included
 * @param error           why the case failed, or null when it did not
 */
record CaseResult(BenchCase benchCase, Estimate throughputMbps, Estimate rttP50Us, Estimate rttP99Us,
    long retransmits, boolean shutdownClean, String shutdown, String drops, double seconds, String error)
{
    boolean ok()
    {
        return error == null;
    }
}
