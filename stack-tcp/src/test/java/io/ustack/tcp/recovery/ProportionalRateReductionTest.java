package io.ustack.tcp.recovery;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("Proportional Rate Reduction arithmetic, RFC 6937 §3 (PRR-SSRB)")
class ProportionalRateReductionTest
{
    private static final int MSS = 1000;
    private final ProportionalRateReduction prr = new ProportionalRateReduction();

    @Test
    @DisplayName("RFC 6937 §3: pipe > ssthresh: sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out")
    void proportionalPart_rfc6937s3()
    {
        prr.start(10 * MSS);
        prr.onAck(MSS, 9 * MSS, 7 * MSS, MSS);
        assertEquals(9 * MSS + 700, prr.windowBytes(), "0.7 of one segment delivered");
        prr.onSent(MSS);
        prr.onAck(MSS, 8 * MSS, 7 * MSS, MSS);
        assertEquals(8 * MSS + 400, prr.windowBytes(), "1.4 segments allowed, one sent");
        prr.onAck(0, 7 * MSS + 1, 7 * MSS, MSS);
        assertEquals(8 * MSS + 400, prr.windowBytes(), "an ACK that delivered nothing changes nothing");
        prr.onSent(3 * MSS);
        prr.onAck(MSS, 9 * MSS, 7 * MSS, MSS);
        assertEquals(9 * MSS, prr.windowBytes(), "ahead of the proportion: nothing more, never negative");
    }

    @Test
    @DisplayName("RFC 6937 §3: pipe <= ssthresh: sndcnt = MIN(ssthresh - pipe, MAX(prr_delivered - prr_out, DeliveredData) + MSS)")
    void slowStartReductionBound_rfc6937s3()
    {
        prr.start(20 * MSS);
        prr.onAck(3 * MSS, 0, 10 * MSS, MSS);
        assertEquals(4 * MSS, prr.windowBytes(), "delivered + one segment");
        prr.onSent(4 * MSS);
        prr.onAck(MSS, 3 * MSS, 10 * MSS, MSS);
        assertEquals(5 * MSS, prr.windowBytes(), "MAX(4 - 4, 1) + 1 segments");
        prr.onSent(2 * MSS);
        prr.onAck(6 * MSS, 9 * MSS, 10 * MSS, MSS);
        assertEquals(10 * MSS, prr.windowBytes(), "never past ssthresh");
    }

    @Test
    @DisplayName("RFC 6937 §3: a recovery started by a timer (nothing delivered) keeps the flight as its window")
    void firstCallSizesTheWindow_rfc6937s3()
    {
        prr.start(10 * MSS);
        prr.onAck(0, 8 * MSS, 5 * MSS, MSS);
        assertEquals(8 * MSS, prr.windowBytes());
        prr.start(10 * MSS);
        prr.onAck(0, 2 * MSS, 5 * MSS, MSS);
        assertEquals(3 * MSS, prr.windowBytes(), "below ssthresh: one segment");
    }
}
