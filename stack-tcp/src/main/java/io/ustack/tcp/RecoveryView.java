package io.ustack.tcp;

import io.ustack.api.tcp.CongestionControl;
import io.ustack.api.tcp.RecoveryContext;
import io.ustack.api.tcp.SackScoreboard;
import io.ustack.tcp.wire.SeqNum;

/**
 * One connection as its {@link io.ustack.api.tcp.LossRecovery} sees it: live reads of the control block and
 * retransmission through the {@link Sender}. One per pooled control block, made once and reused by every connection
 * the block holds.
 */
final class RecoveryView implements RecoveryContext
{
    private final Tcb t;
    private final Sender sender;

    RecoveryView(final Tcb t, final Sender sender)
    {
        this.t = t;
        this.sender = sender;
    }

    @Override
    public int smss()
    {
        return t.effMss;
    }

    @Override
    public int sndUna()
    {
        return t.sndUna;
    }

    @Override
    public int sndNxt()
    {
        return t.sndNxt;
    }

    @Override
    public int sndMax()
    {
        return t.sndMax;
    }

    @Override
    public CongestionControl congestionControl()
    {
        return t.cc;
    }

    @Override
    public SackScoreboard scoreboard()
    {
        return t.scoreboard;
    }

    @Override
    public boolean sackEnabled()
    {
        return t.sackOk;
    }

    @Override
    public int sendableNewBytes()
    {
        final int unsent = Math.max(0, t.sendBuffer.bytesAfter(t.sndMax));
        final int peerRoom = Math.max(0, SeqNum.diff(SeqNum.add(t.sndUna, t.sndWnd), t.sndMax));
        return Math.min(unsent, peerRoom);
    }

    @Override
    public int retransmit(final int seq, final int maxBytes, final long nowNs)
    {
        return sender.retransmitAt(t, seq, maxBytes, nowNs);
    }

    @Override
    public long srttNs()
    {
        return t.srttNs();
    }
}
