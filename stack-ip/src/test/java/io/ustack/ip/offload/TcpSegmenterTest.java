package io.ustack.ip.offload;

import io.ustack.api.net.Ipv4Address;
import io.ustack.ip.checksum.InternetChecksum;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.ustack.ip.offload.TcpDatagrams.ACK;
import static io.ustack.ip.offload.TcpDatagrams.CWR;
import static io.ustack.ip.offload.TcpDatagrams.ECE;
import static io.ustack.ip.offload.TcpDatagrams.FIN;
import static io.ustack.ip.offload.TcpDatagrams.PSH;
import static io.ustack.ip.offload.TcpDatagrams.TIMESTAMP_OPTIONS;
import static io.ustack.ip.offload.TcpDatagrams.header;
import static io.ustack.ip.offload.TcpDatagrams.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpSegmenterTest
{
    private static final int SOURCE = Ipv4Address.parse("198.18.0.1");
    private static final int DESTINATION = Ipv4Address.parse("198.18.0.2");
    /** Where the datagram and the segments sit in their buffers: after Ethernet and IPv4 headers. */
    private static final int AT = 34;

    /** Cuts the datagram as TCP hands it over (checksum field = partial sum) and returns each segment's bytes. */
    private static List<byte[]> cut(final byte[] header, final byte[] data, final int segmentSize)
    {
        final byte[] datagram = TcpDatagrams.datagram(header, data,
            TcpSegmenter.partialChecksum(SOURCE, DESTINATION, header.length + data.length));
        final UnsafeBuffer from = new UnsafeBuffer(new byte[AT + datagram.length]);
        from.putBytes(AT, datagram);
        final int count = TcpSegmenter.segmentCount(data.length, segmentSize);
        final byte[][] segments = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            final byte[] junk = new byte[AT + header.length + segmentSize + 8];
            Arrays.fill(junk, (byte)0xA5);
            final UnsafeBuffer to = new UnsafeBuffer(junk);
            final int length = TcpSegmenter.writeSegment(from, AT, datagram.length, segmentSize, i, to, AT, SOURCE,
                DESTINATION);
            segments[i] = Arrays.copyOfRange(junk, AT, AT + length);
        }
        return List.of(segments);
    }

    private static void assertSameSegments(final List<byte[]> expected, final List<byte[]> actual)
    {
        assertEquals(expected.size(), actual.size(), "segment count");
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), "segment " + i);
        }
    }

    @Test
    @DisplayName("RFC 9293 §3.1: each cut segment is byte for byte what TCP sends alone: sequence advanced (and " +
        "wrapped), options copied, CWR first only, PSH and FIN last only, the last shorter, its own checksum")
    void segmentsMatchOneByOneSending()
    {
        final byte[] header = header(0xFFFF_FF00, CWR | ECE | ACK | PSH | FIN, TIMESTAMP_OPTIONS);
        final byte[] data = pattern(3 * 500 + 123, 7);
        final List<byte[]> segments = cut(header, data, 500);
        assertSameSegments(TcpDatagrams.segmentsSentOneByOne(header, data, 500, SOURCE, DESTINATION), segments);

        assertEquals(4, segments.size());
        assertEquals(CWR | ECE | ACK, segments.get(0)[13] & 0xFF, "RFC 3168 §6.1.2: CWR once, on the first");
        assertEquals(ECE | ACK, segments.get(1)[13] & 0xFF);
        assertEquals(ECE | ACK | PSH | FIN, segments.get(3)[13] & 0xFF, "PSH and FIN end the datagram");
        assertEquals(32 + 123, segments.get(3).length, "the last carries what is left");
        assertEquals(0xFFFF_FF00 + 1500, TcpDatagrams.getInt(segments.get(3), 4), "sequence number wraps mod 2^32");
    }

    @Test
    @DisplayName("a datagram of whole segments has no short last one; a single segment keeps CWR, PSH and FIN")
    void wholeSegmentsAndSingleSegment()
    {
        final byte[] header = header(1000, CWR | ACK | PSH | FIN, new byte[0]);
        final byte[] data = pattern(2 * 400, 1);
        final List<byte[]> two = cut(header, data, 400);
        assertSameSegments(TcpDatagrams.segmentsSentOneByOne(header, data, 400, SOURCE, DESTINATION), two);
        assertEquals(420, two.get(1).length);

        final List<byte[]> one = cut(header, pattern(300, 2), 400);
        assertEquals(1, one.size());
        assertEquals(CWR | ACK | PSH | FIN, one.get(0)[13] & 0xFF);
        assertSameSegments(TcpDatagrams.segmentsSentOneByOne(header, pattern(300, 2), 400, SOURCE, DESTINATION),
            one);
    }

    @Test
    @DisplayName("a datagram of header only (a FIN) is one segment with a complete checksum")
    void headerOnly()
    {
        final byte[] header = header(77, ACK | FIN, TIMESTAMP_OPTIONS);
        final List<byte[]> segments = cut(header, new byte[0], 1448);
        assertEquals(1, segments.size());
        assertSameSegments(TcpDatagrams.segmentsSentOneByOne(header, new byte[0], 1448, SOURCE, DESTINATION),
            segments);
    }

    @Test
    @DisplayName("the partial checksum TCP writes, completed over the datagram's bytes, is its full checksum")
    void partialChecksumCompletesToFullChecksum()
    {
        final byte[] header = header(5, ACK, TIMESTAMP_OPTIONS);
        final byte[] data = pattern(4001, 3);
        final int tcpLength = header.length + data.length;
        final byte[] handedOver = TcpDatagrams.datagram(header, data,
            TcpSegmenter.partialChecksum(SOURCE, DESTINATION, tcpLength));
        final int completed = InternetChecksum.finish(InternetChecksum.sum(new UnsafeBuffer(handedOver), 0, tcpLength,
            0));
        assertEquals(TcpDatagrams.checksum(SOURCE, DESTINATION, TcpDatagrams.datagram(header, data, 0)), completed);
    }

    @Test
    @DisplayName("each caller mistake is named: segment size, data offset, length past the buffer")
    void problemsNamed()
    {
        assertNull(TcpSegmenter.problem(20 + 1000, 20, 500, 2000));
        assertNull(TcpSegmenter.problem(60, 60, 1, 60));
        assertTrue(TcpSegmenter.problem(1020, 20, 0, 2000).contains("segment size 0"));
        assertTrue(TcpSegmenter.problem(1020, 20, 65536, 2000).contains("segment size 65536"));
        assertTrue(TcpSegmenter.problem(1020, 16, 500, 2000).contains("header length 16"));
        assertTrue(TcpSegmenter.problem(40, 44, 500, 2000).contains("header length 44"));
        assertTrue(TcpSegmenter.problem(3000, 20, 500, 2000).contains("more than the buffer's 2000"));
    }

    @Property(tries = 200)
    @Label("any datagram, any segment size: cutting gives exactly the segments sent one by one")
    void anyCutMatchesOneByOneSending(@ForAll @IntRange(max = 6000) final int dataLength,
        @ForAll @IntRange(min = 1, max = 2000) final int segmentSize, @ForAll @IntRange(max = 255) final int flags,
        @ForAll @IntRange(max = 10) final int optionWords, @ForAll final int sequence)
    {
        final byte[] options = pattern(optionWords * 4, optionWords);
        final byte[] header = header(sequence, flags, options);
        final byte[] data = pattern(dataLength, sequence);
        assertSameSegments(TcpDatagrams.segmentsSentOneByOne(header, data, segmentSize, SOURCE, DESTINATION),
            cut(header, data, segmentSize));
    }
}
