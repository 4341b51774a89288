package io.ustack.ip.wire;

import io.ustack.api.counter.DropReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("IPv4 header quoted in an ICMP error")
class Ipv4HeaderQuoteTest
{
    @Test
    @DisplayName("RFC 792: a quote of header + 8 bytes wraps as a quote though its total length is larger")
    void quoteShorterThanTotalLength()
    {
        // The first fragment of a 2000-byte datagram, cut to header + 8 bytes as an ICMP error quotes it.
        final byte[] quote = java.util.Arrays.copyOf(GoldenPackets.FIRST_FRAGMENT, 28);
        final Ipv4Header header = new Ipv4Header();
        assertFalse(header.tryWrap(new UnsafeBuffer(quote), 0, quote.length));
        assertEquals(DropReason.IPV4_BAD_TOTAL_LENGTH, header.failure());
        assertTrue(header.tryWrapQuote(new UnsafeBuffer(quote), 0, quote.length));
        assertEquals(20, header.headerLength());
        assertTrue(header.totalLength() > quote.length, "describes the original datagram");
    }

    @Test
    @DisplayName("a quote still needs a sane header: version, IHL and total length at least the header")
    void quoteStillChecked()
    {
        final byte[] quote = java.util.Arrays.copyOf(GoldenPackets.FIRST_FRAGMENT, 28);
        quote[2] = 0;
        quote[3] = 10; // total length 10 < header length 20
        final Ipv4Header header = new Ipv4Header();
        assertFalse(header.tryWrapQuote(new UnsafeBuffer(quote), 0, quote.length));
        assertEquals(DropReason.IPV4_BAD_TOTAL_LENGTH, header.failure());
        quote[0] = 0x65; // version 6
        assertFalse(header.tryWrapQuote(new UnsafeBuffer(quote), 0, quote.length));
        assertEquals(DropReason.IPV4_BAD_VERSION, header.failure());
    }
}
