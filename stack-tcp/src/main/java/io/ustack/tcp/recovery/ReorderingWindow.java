package io.ustack.tcp.recovery;

/**
 * RACK's reordering window and its adaptation by D-SACK (RFC 8985 §6.2 step 4, "RACK_update_reo_wnd"): the window
 * is {@code RACK.reo_wnd_mult * RACK.min_RTT / 4}, capped at SRTT. Each round trip in which a D-SACK arrives (the
 * peer got data twice, most often because a segment judged lost was only late) widens it by one more quarter of
 * min_RTT; after {@value #PERSIST_RECOVERIES} recoveries without a D-SACK it falls back to one quarter. Primitive
 * fields, one per connection.
 */
final class ReorderingWindow
{
    /** RFC 8985 §6.2 step 4: recoveries without D-SACK after which RACK.reo_wnd_mult goes back to 1. */
    static final int PERSIST_RECOVERIES = 16;
    /** The largest multiplier (Linux caps {@code reo_wnd_steps} at 255); SRTT caps the window long before. */
    static final int MAX_MULTIPLIER = 255;

    /** RFC 8985 §6.1 RACK.reo_wnd_mult. */
    private int multiplier = 1;
    /** RFC 8985 §6.1 RACK.reo_wnd_persist. */
    private int persist = PERSIST_RECOVERIES;
    /** RFC 8985 §6.1 RACK.dsack_round: the round (SND.NXT when it began) whose D-SACK grew the window; or none. */
    private boolean roundOpen;
    private int dsackRound;

    void reset()
    {
        multiplier = 1;
        persist = PERSIST_RECOVERIES;
        roundOpen = false;
        dsackRound = 0;
    }

    /**
     * An ACK carried a D-SACK. RFC 8985 §6.2 step 4: once SND.UNA reaches RACK.dsack_round the round is over; the
     * first D-SACK of a new round grows the multiplier and starts a new round at SND.NXT.
     *
     * @param sndUna SND.UNA after the ACK
     * @param sndNxt the highest sequence number sent plus one (the RFC's SND.NXT)
     * @return whether the window grew
     */
    boolean onDsack(final int sndUna, final int sndNxt)
    {
        if (roundOpen && sndUna - dsackRound >= 0)
        {
            roundOpen = false;
        }
        if (roundOpen)
        {
            return false;
        }
        roundOpen = true;
        dsackRound = sndNxt;
        multiplier = Math.min(MAX_MULTIPLIER, multiplier + 1);
        persist = PERSIST_RECOVERIES;
        return true;
    }

    /** RFC 8985 §6.2 step 4: leaving fast or RTO recovery, on an ACK that did not grow the window. */
    void onRecoveryExit()
    {
        if (persist > 0)
        {
            persist--;
        }
        if (persist == 0)
        {
            multiplier = 1;
        }
    }

    /**
     * RFC 8985 §6.2 step 4: {@code min(RACK.reo_wnd_mult * RACK.min_RTT / 4, SRTT)}.
     *
     * @param minRttNs RACK.min_RTT
     * @param srttNs   the smoothed RTT, or 0 when unknown (no cap)
     */
    long windowNs(final long minRttNs, final long srttNs)
    {
        final long window = multiplier * (minRttNs / 4);
        return srttNs > 0 ? Math.min(window, srttNs) : window;
    }

    int multiplier()
    {
        return multiplier;
    }

    @Override
    public String toString()
    {
        return "reo_wnd_mult=" + multiplier + " persist=" + persist + (roundOpen ? " dsack_round=" +
            Integer.toUnsignedString(dsackRound) : "");
    }
}
