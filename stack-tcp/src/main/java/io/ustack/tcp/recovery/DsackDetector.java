package io.ustack.tcp.recovery;

import io.ustack.tcp.wire.TcpOptions;

/**
 * The sender's reading of a D-SACK (RFC 2883 §4): which first SACK block reports a duplicate rather than new data,
 * and whether the duplicate it reports could be one of ours. Pure functions of the ACK; nothing kept, nothing
 * allocated.
 */
public final class DsackDetector
{
    private DsackDetector()
    {
    }

    /**
     * RFC 2883 §4: the first SACK block is a D-SACK when it lies (at least partly) below the cumulative
     * acknowledgement, or when it is contained in the second block (RFC 2018 blocks never overlap one another, so
     * only a duplicate report repeats part of a later block). Such a block tells nothing new about what the receiver
     * holds and must not feed the scoreboard or loss detection.
     *
     * @param options the ACK's parsed options
     * @param ack     the ACK's cumulative acknowledgement (SEG.ACK)
     */
    public static boolean firstBlockIsDsack(final TcpOptions options, final int ack)
    {
        final int blocks = options.sackBlockCount();
        if (blocks == 0)
        {
            return false;
        }
        final int left = options.sackLeft(0);
        if (left - ack < 0)
        {
            return true;
        }
        return blocks > 1 && left - options.sackLeft(1) >= 0 && options.sackRight(0) - options.sackRight(1) <= 0;
    }

    /**
     * Whether a D-SACK block could report data we sent: not empty, nothing beyond SND.MAX, and not further below
     * SND.UNA than the largest window the peer offered (the bound RFC 5961 §5.2 puts on acceptable ACKs; Linux's
     * {@code tcp_is_sackblock_valid} bounds D-SACKs by the window likewise). Anything else is ignored.
     */
    public static boolean plausible(final int left, final int right, final int sndUna, final int sndMax,
        final int maxSndWnd)
    {
        return right - left > 0 && right - sndMax <= 0 && left - (sndUna - maxSndWnd) >= 0;
    }
}
