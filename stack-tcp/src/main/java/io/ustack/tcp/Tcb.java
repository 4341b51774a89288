package io.ustack.tcp;

import io.ustack.api.tcp.AckPolicy;
import io.ustack.api.tcp.AckSample;
import io.ustack.api.tcp.CongestionContext;
import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.LossRecovery;
import io.ustack.api.tcp.RtoEstimator;
import io.ustack.api.tcp.SackScoreboard;
import io.ustack.api.timer.TimerService;
import io.ustack.tcp.buffer.ReceiveBuffer;
import io.ustack.tcp.buffer.SendBuffer;
import io.ustack.tcp.wire.SeqNum;

/**
 * The transmission control block of one connection (RFC 9293 §3.3.1): addresses, state, the send and receive
 * sequence variables, buffers, policy instances, timer ids and the statistics {@code ss -ti} shows. Pooled: one per
 * slot of the module's array, reused by {@link #reset}; the buffers are made once per slot.
 *
 * <pre>
 *   send:    SND.UNA ... SND.NXT ... SND.MAX        (SND.MAX: highest sequence sent; SND.NXT goes back to SND.UNA
 *                                                   after a retransmission timeout, go-back-N as Linux does)
 *   receive: RCV.NXT ... RCV.NXT + RCV.WND          (RCV.WND as last advertised: rcvAdvEdge - RCV.NXT)
 * </pre>
 */
final class Tcb implements CongestionContext
{
    /** RFC 7323 §5.4: the timestamp clock ticks every millisecond (the finest the RFC allows). */
    static final long TS_TICK_NS = 1_000_000L;
    /** NOP NOP TS: the option bytes timestamps add to every segment (RFC 7323 Appendix A). */
    static final int TIMESTAMPS_OPTION_BYTES = 12;

    final int id;
    SendBuffer sendBuffer; // replaced when a connection asks for another size (ConnectionOptions)
    ReceiveBuffer receiveBuffer;
    final AckSample ackSample = new AckSample();

    int state = TcpState.CLOSED;
    int error = TcpError.NONE;
    boolean inUse;
    /** The application holds the id (connected, or accepted); the slot is freed only after it closes. */
    boolean userOwned;
    boolean userClosed;
    /** Listener whose accept queue this passive connection belongs to until accepted, or -1. */
    int listenerId = -1;
    boolean inTable;

    int localAddress;
    int localPort;
    int remoteAddress;
    int remotePort;

    // RFC 9293 §3.3.1 send sequence variables
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;
    // receive sequence variables (RCV.NXT lives in the receive buffer)
    int irs;
    int rcvAdvEdge;

    /** Effective send MSS (RFC 9293 §3.7.1 Eff.snd.MSS). */
    int effMss;
    /** The MSS we advertise: path MTU - 40. */
    int ourMss;
    /** RFC 7323 §2: we put a window scale option in our SYN (always when active; when the peer did, when passive). */
    boolean offerWindowScale;
    /** RFC 7323 §2.3: Snd.Wind.Shift, the peer's shift applied to windows it sends (0 without scaling). */
    int sndShift;
    /** RFC 7323 §2.3: Rcv.Wind.Shift, our shift applied to windows we send (0 without scaling). */
    int rcvShift;
    /** RFC 2018 §2: we put SACK-permitted in our SYN (always when active; when the peer did, when passive). */
    boolean offerSack;
    /** RFC 2018 §2: both SYNs carried SACK-permitted, so SACK blocks may be sent and are acted on. */
    boolean sackOk;
    /** RFC 7323 §3.2: we put a timestamps option in our SYN (active: when configured; passive: when the peer did). */
    boolean offerTimestamps;
    /** RFC 7323 §3.2: both SYNs carried timestamps, so every segment carries them. */
    boolean tsOk;
    /** RFC 7323 §4.3 TS.Recent: the peer's TSval we echo in TSecr. */
    int tsRecent;
    /** When TS.Recent was last set (RFC 7323 §5.5: a TS.Recent idle for 24 days no longer rejects anything). */
    long tsRecentNs;
    /** RFC 7323 §4.3 Last.ACK.sent: the acknowledgement number of the last segment we sent. */
    int lastAckSent;
    /** RFC 7323 §7.1: this connection's offset added to the timestamp clock, so TSvals reveal no uptime. */
    int tsOffset;

    CongestionControl cc;
    RtoEstimator rto;
    AckPolicy ackPolicy;

    long rtoTimer = TimerService.NULL_TIMER_ID;
    long persistTimer = TimerService.NULL_TIMER_ID;
    long delackTimer = TimerService.NULL_TIMER_ID;
    long keepaliveTimer = TimerService.NULL_TIMER_ID;
    long timeWaitTimer = TimerService.NULL_TIMER_ID;

    /** Consecutive retransmission timeouts without progress (R1/R2, SYN retries). */
    int retries;
    /** Zero-window or keepalive probes sent without an answer. */
    int probes;
    int persistBackoff;
    boolean synTimedOut;

    // RFC 6298 §3 Karn: one timed segment, forgotten when anything is retransmitted
    boolean rttTiming;
    int rttSeq;
    long rttStartNs;
    long minRttNs;

    /** Loss recovery (RFC 5681/6582 NewReno, RFC 6675 SACK), chosen when the SYNs settled the options. */
    LossRecovery recovery;
    /** What {@link #recovery} sees of this block; made once per pooled block. */
    RecoveryView recoveryView;
    /** RFC 8985 §7: the retransmission timer is set to the probe timeout (PTO), not the RTO. */
    boolean lossProbeArmed;
    /** RFC 8985 §7.3: a tail loss probe is out, unacknowledged until SND.UNA passes this (TLP.end_seq). */
    boolean lossProbeOut;
    int lossProbeEnd;
    /** Tail loss probes sent since the last ACK of new data ({@link LossRecovery#tailLossProbes()}). */
    int tailProbes;
    /** RFC 8985 §6.3: the retransmission timer is set to the loss recovery's reordering timeout. */
    boolean reorderTimerArmed;
    /** RFC 6675 §3: what the peer SACKed above SND.UNA. */
    final SackScoreboard scoreboard = new SackScoreboard();
    /** RFC 2883 §4: the duplicate range our next ACK reports first. */
    final DsackReport dsack = new DsackReport();

    /** An ACK is owed now (several owed ACKs become one, the latest). */
    boolean ackNow;
    boolean dirty;
    boolean noDelay;
    boolean cork;
    /** Sequence number after the last byte of the last write: the segment ending there carries PSH. */
    int pushSeq;
    boolean finProcessed;
    long nowNs;
    long lastReceiveNs;

    // statistics (ss -ti)
    long bytesSent;
    long bytesAcked;
    long bytesReceived;
    long segmentsOut;
    long segmentsIn;
    long retransmits;
    /** When data last went out a second time (RFC 6298 §3: echoes older than this are ambiguous RTT samples). */
    long lastRetransmitNs;
    /** RFC 2883: D-SACK blocks we sent (duplicates received), and ones lost unsent when no packet buffer was free. */
    long dsackSent;
    long dsackUnsent;
    /** RFC 2883 §4: D-SACK blocks received and handed to the loss recovery; ones ignored as implausible. */
    long dsackReceived;
    long dsackIgnored;

    // per-connection keepalive (RFC 1122 §4.2.3.6), from TcpSettings or ConnectionOptions
    boolean keepaliveOn;
    long keepaliveIdleNs;
    long keepaliveIntervalNs;
    int keepaliveProbes;

    Tcb(final int id, final int sendBufferBytes, final int receiveBufferBytes)
    {
        this.id = id;
        this.sendBuffer = new SendBuffer(sendBufferBytes);
        this.receiveBuffer = new ReceiveBuffer(receiveBufferBytes);
    }

    void reset()
    {
        state = TcpState.CLOSED;
        error = TcpError.NONE;
        userOwned = false;
        userClosed = false;
        listenerId = -1;
        inTable = false;
        sndWnd = 0;
        maxSndWnd = 0;
        offerWindowScale = false;
        offerSack = false;
        sackOk = false;
        offerTimestamps = false;
        tsOk = false;
        tsRecent = 0;
        tsRecentNs = 0;
        sndShift = 0;
        rcvShift = 0;
        rtoTimer = TimerService.NULL_TIMER_ID;
        persistTimer = TimerService.NULL_TIMER_ID;
        delackTimer = TimerService.NULL_TIMER_ID;
        keepaliveTimer = TimerService.NULL_TIMER_ID;
        timeWaitTimer = TimerService.NULL_TIMER_ID;
        retries = 0;
        probes = 0;
        persistBackoff = 0;
        synTimedOut = false;
        rttTiming = false;
        minRttNs = 0;
        recovery = null;
        scoreboard.clear();
        lossProbeArmed = false;
        lossProbeOut = false;
        tailProbes = 0;
        reorderTimerArmed = false;
        ackNow = false;
        // dirty is left alone: it mirrors membership of the module's dirty list, which may still hold this id.
        noDelay = false;
        cork = false;
        finProcessed = false;
        bytesSent = 0;
        bytesAcked = 0;
        bytesReceived = 0;
        segmentsOut = 0;
        segmentsIn = 0;
        retransmits = 0;
        dsack.clear();
        dsackSent = 0;
        dsackUnsent = 0;
        dsackReceived = 0;
        dsackIgnored = 0;
    }

    /** RFC 9293 §3.3.1: our ISN chosen; the SYN takes ISS, data starts at ISS + 1. */
    void startSend(final int isn)
    {
        iss = isn;
        sndUna = isn;
        sndNxt = isn;
        sndMax = isn;
        sendBuffer.start(isn);
        pushSeq = SeqNum.add(isn, 1);
    }

    /** RFC 9293 §3.10.7.2/3: the peer's SYN accepted; RCV.NXT = IRS + 1. */
    void startReceive(final int peerIsn)
    {
        irs = peerIsn;
        receiveBuffer.start(peerIsn);
        rcvAdvEdge = receiveBuffer.rcvNxt();
    }

    /** RFC 7323 §5.4: TSval, a 1 ms clock read from the injected time, plus this connection's offset. */
    int tsVal(final long nowNs)
    {
        return (int)(nowNs / TS_TICK_NS) + tsOffset;
    }

    int rcvNxt()
    {
        return receiveBuffer.rcvNxt();
    }

    /** RCV.WND as last advertised (never negative). */
    int rcvWnd()
    {
        return Math.max(0, SeqNum.diff(rcvAdvEdge, receiveBuffer.rcvNxt()));
    }

    /** The largest window we can advertise: 65,535 scaled by our shift (RFC 7323 §2.3). */
    int maxAdvertisableWindow()
    {
        return 0xFFFF << rcvShift;
    }

    /** RFC 7323 §2.3: the smallest shift that lets a 16-bit field describe the whole receive buffer (at most 14). */
    int receiveShiftNeeded()
    {
        int shift = 0;
        while (shift < 14 && (receiveBuffer.capacity() >>> shift) > 0xFFFF)
        {
            shift++;
        }
        return shift;
    }

    /** Whether our FIN has gone out (it occupies the sequence number after the data). */
    boolean finSent()
    {
        return sendBuffer.finQueued() && SeqNum.gt(sndMax, sendBuffer.finSeq());
    }

    /** Bytes (and SYN/FIN) sent and not yet acknowledged, counted from SND.NXT (what the window limits). */
    int inFlight()
    {
        return SeqNum.diff(sndNxt, sndUna);
    }

    // ---- CongestionContext ----------------------------------------------------------------------------------

    @Override
    public int smss()
    {
        return effMss;
    }

    @Override
    public long flightSizeBytes()
    {
        return SeqNum.diff(sndMax, sndUna);
    }

    @Override
    public long srttNs()
    {
        return rto == null ? 0 : rto.srttNs();
    }

    @Override
    public long minRttNs()
    {
        return minRttNs;
    }

    @Override
    public long nowNs()
    {
        return nowNs;
    }

    @Override
    public String toString()
    {
        return TcpState.name(state) + " cwnd:" + (cc == null ? 0 : cc.cwnd()) + " ssthresh:" +
            (cc == null ? 0 : cc.ssthresh()) + " srtt:" + srttNs() / 1000 + "us rttvar:" +
            (rto == null ? 0 : rto.rttVarNs() / 1000) + "us rto:" + (rto == null ? 0 : rto.rtoNs() / 1_000_000) +
            "ms mss:" + effMss + " bytes_sent:" + bytesSent + " bytes_acked:" + bytesAcked + " bytes_received:" +
            bytesReceived + " segs_out:" + segmentsOut + " segs_in:" + segmentsIn + " retrans:" + retransmits +
            (dsackSent + dsackReceived + dsackIgnored + dsackUnsent > 0 ? " dsack_sent:" + dsackSent +
            " dsack_dups:" + dsackReceived + (dsackIgnored > 0 ? " dsack_ignored:" + dsackIgnored : "") +
            (dsackUnsent > 0 ? " dsack_unsent:" + dsackUnsent : "") : "") +
            (tsOk ? " ts" : "") + (sackOk ? " sack" : "") + (recovery == null ? "" : " recovery:" + recovery.name());
    }
}
