package io.ustack.api.socket;

/**
 * One connection's state and counters, as {@code ss -ti} shows them, taken on the stack's thread at one moment.
 *
 * @param state             RFC 9293 state name, e.g. {@code ESTABLISHED}
 * @param congestionControl the congestion-control algorithm's name
 * @param rtoEstimator      the RTO estimator's name
 * @param ackPolicy         the ACK policy's name
 * @param cwndBytes         congestion window
 * @param ssthreshBytes     slow-start threshold
 * @param srttUs            smoothed round-trip time (RFC 6298 SRTT)
 * @param rttvarUs          round-trip time variation (RFC 6298 RTTVAR)
 * @param rtoMs             retransmission timeout
 * @param mss               effective send MSS
 * @param sendWindow        the peer's last advertised window, scaled (SND.WND)
 * @param receiveWindow     the window we last advertised (RCV.WND)
 * @param sendBufferBytes   the engine's send buffer size
 * @param receiveBufferBytes the engine's receive buffer size
 * @param keepalive         keepalive probing on
 * @param bytesSent         bytes sent
 * @param bytesAcked        bytes the peer acknowledged
 * @param bytesReceived     in-order bytes received
 * @param segmentsOut       segments sent
 * @param segmentsIn        segments received
 * @param retransmits       segments retransmitted
 * @param dsackSent         D-SACK blocks sent: duplicate data received and reported (RFC 2883 §4)
 * @param dsackReceived     D-SACK blocks received: the peer got data twice, often a spurious retransmission of ours
 *                          (RFC 2883 §4; Linux {@code ss -ti}'s {@code dsack_dups})
 * @param dsackIgnored      D-SACK blocks received that could report nothing we sent (empty, beyond SND.MAX, or
 *                          further below SND.UNA than the largest window), so ignored
 */
public record TcpConnectionStats(String state, String congestionControl, String rtoEstimator, String ackPolicy,
    long cwndBytes, long ssthreshBytes, long srttUs, long rttvarUs, long rtoMs, int mss, int sendWindow,
    int receiveWindow, int sendBufferBytes, int receiveBufferBytes, boolean keepalive, long bytesSent,
    long bytesAcked, long bytesReceived, long segmentsOut, long segmentsIn, long retransmits, long dsackSent,
    long dsackReceived, long dsackIgnored)
{
    /** The statistics without D-SACK counts (all zero), for callers written before they existed. */
    public TcpConnectionStats(final String state, final String congestionControl, final String rtoEstimator,
        final String ackPolicy, final long cwndBytes, final long ssthreshBytes, final long srttUs, final long rttvarUs,
        final long rtoMs, final int mss, final int sendWindow, final int receiveWindow, final int sendBufferBytes,
        final int receiveBufferBytes, final boolean keepalive, final long bytesSent, final long bytesAcked,
        final long bytesReceived, final long segmentsOut, final long segmentsIn, final long retransmits)
    {
        this(state, congestionControl, rtoEstimator, ackPolicy, cwndBytes, ssthreshBytes, srttUs, rttvarUs, rtoMs, mss,
            sendWindow, receiveWindow, sendBufferBytes, receiveBufferBytes, keepalive, bytesSent, bytesAcked,
            bytesReceived, segmentsOut, segmentsIn, retransmits, 0, 0, 0);
    }
}
