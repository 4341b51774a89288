package io.ustack.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("Reading numbers out of an ss -ti-style summary")
class SsInfoTest
{
    private static final String LINE = "ESTABLISHED cwnd:14600 ssthresh:2147483647 srtt:85us rttvar:42us rto:200ms " +
        "mss:1460 bytes_sent:1000 bytes_acked:999 bytes_received:0 segs_out:3 segs_in:2 retrans:1";

    @Test
    @DisplayName("fields are found by key, with their unit dropped; the state is the first word")
    void fieldsByKey()
    {
        final SsInfo info = new SsInfo(LINE);
        assertEquals("ESTABLISHED", info.state());
        assertEquals(14600, info.value("cwnd"));
        assertEquals(2147483647L, info.value("ssthresh"));
        assertEquals(85, info.value("srtt"));
        assertEquals(200, info.value("rto"));
        assertEquals(999, info.value("bytes_acked"));
        assertEquals(1, info.value("retrans"));
    }

    @Test
    @DisplayName("a missing field, a key that is only a suffix of another, or a value that is no number read as -1")
    void missingOrMalformedIsMinusOne()
    {
        assertEquals(-1, new SsInfo(LINE).value("sacked"));
        assertEquals(-1, new SsInfo(LINE).value("acked"), "not bytes_acked");
        assertEquals(-1, new SsInfo("CLOSED cwnd:x").value("cwnd"));
        assertEquals(-1, new SsInfo("not connected").value("cwnd"));
        assertEquals("not", new SsInfo("not connected").state());
    }
}
