package io.ustack.tcp.wire;

import io.ustack.api.counter.DropReason;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.EnumSet;
import java.util.List;

import static io.ustack.tcp.wire.Golden.exactSlice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Untrusted bytes never make the TCP parser throw or read outside the segment; written options parse back.
 * Buffers are exact slices with Agrona bounds checks on, so any read past the segment throws and fails the property.
 */
class TcpWirePropertiesTest
{
    private static final EnumSet<DropReason> TCP_REASONS =
        EnumSet.of(DropReason.TCP_TRUNCATED, DropReason.TCP_BAD_DATA_OFFSET, DropReason.TCP_BAD_OPTION);

    private final TcpHeader header = new TcpHeader();

    @Property(tries = 3000)
    @Label("RFC 9293 §3.1: random bytes at random offsets and lengths never make tryWrap throw")
    void randomArgumentsNeverThrow(
        @ForAll @Size(max = 100) final byte[] bytes,
        @ForAll final int offset,
        @ForAll final int length,
        @ForAll @IntRange(max = 100) final int smallOffset,
        @ForAll @IntRange(max = 100) final int smallLength)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        check(buffer, offset, length);
        check(buffer, smallOffset, smallLength);
        check(buffer, 0, bytes.length);
    }

    private void check(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (header.tryWrap(buffer, offset, length))
        {
            assertNull(header.failure());
            Golden.touchAll(header, 1, 2);
        }
        else
        {
            assertTrue(TCP_REASONS.contains(header.failure()), String.valueOf(header.failure()));
        }
    }

    @Property(tries = 5000)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    @Label("RFC 9293 §3.1: after a successful tryWrap no accessor reads outside an exact-slice segment")
    void exactSliceNeverOverrun(@ForAll("segments") final byte[] segment)
    {
        final UnsafeBuffer slice = exactSlice(segment);
        final boolean ok = header.tryWrap(slice, 0, segment.length);
        if (ok)
        {
            Golden.touchAll(header, 0x0A00_0001, 0x0A00_0002);
        }
        else
        {
            assertNotNull(header.failure());
        }
        Statistics.collect(ok ? "ok" : header.failure().name());
        // The generator must reach both sides of every check, or the property proves little.
        Statistics.coverage(coverage ->
        {
            coverage.check("ok").percentage(p -> p > 5);
            coverage.check(DropReason.TCP_TRUNCATED.name()).percentage(p -> p > 1);
            coverage.check(DropReason.TCP_BAD_DATA_OFFSET.name()).percentage(p -> p > 2);
            coverage.check(DropReason.TCP_BAD_OPTION.name()).percentage(p -> p > 2);
        });
    }

    /** Mostly plausible headers (a data offset that fits) with random option bytes, some fully random bytes. */
    @Provide
    Arbitrary<byte[]> segments()
    {
        final Arbitrary<byte[]> plausible = Combinators.combine(
            Arbitraries.bytes().array(byte[].class).ofMinSize(20).ofMaxSize(90),
            Arbitraries.integers().between(5, 15),
            optionSoup()).as((bytes, dataOffset, options) ->
            {
                bytes[12] = (byte)((dataOffset << 4) | (bytes[12] & 0x0F));
                for (int i = 0; i < options.size() && 20 + i < Math.min(bytes.length, dataOffset * 4); i++)
                {
                    bytes[20 + i] = options.get(i);
                }
                return bytes;
            });
        final Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, plausible),
            net.jqwik.api.Tuple.of(1, random));
    }

    /** Option bytes biased to real kinds and small lengths, where the parser's edge cases are. */
    private static Arbitrary<List<Byte>> optionSoup()
    {
        final Arbitrary<Byte> interesting = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.of((byte)0, (byte)1, (byte)2, (byte)3, (byte)4, (byte)5, (byte)8,
                (byte)10, (byte)34, (byte)255)),
            net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
        return interesting.list().ofMaxSize(40);
    }

    @Property(tries = 3000)
    @Label("RFC 9293 §3.2: the options parser alone never throws or overruns on any 0..40 bytes")
    void optionsParserNeverOverruns(@ForAll("optionBytes") final byte[] options)
    {
        final TcpOptions parser = new TcpOptions();
        parser.parse(exactSlice(options), 0, options.length);
        assertTrue(parser.sackBlockCount() >= 0 && parser.sackBlockCount() <= TcpOptions.MAX_SACK_BLOCKS);
        assertTrue(parser.windowScale() >= 0 && parser.windowScale() <= TcpOptions.MAX_WINDOW_SCALE);
    }

    @Provide
    Arbitrary<byte[]> optionBytes()
    {
        return optionSoup().map(list ->
        {
            final byte[] out = new byte[list.size()];
            for (int i = 0; i < out.length; i++)
            {
                out[i] = list.get(i);
            }
            return out;
        });
    }

    @Property(tries = 2000)
    @Label("RFC 7323, RFC 2018: SYN options written in Linux's layout parse back to the same values")
    void synOptionsRoundTrip(
        @ForAll @IntRange(max = 0xFFFF) final int mss,
        @ForAll @IntRange(min = -1, max = 14) final int windowScale,
        @ForAll final boolean sackPermitted,
        @ForAll final boolean timestamps,
        @ForAll final int tsVal,
        @ForAll final int tsEcr)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[40]);
        final int length = TcpOptions.writeSynOptions(out, 0, mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr);
        assertEquals(0, length % 4);
        assertTrue(length <= 20);
        final TcpOptions parsed = new TcpOptions();
        assertTrue(parsed.parse(exactSlice(bytesOf(out, length)), 0, length));
        assertTrue(parsed.hasMss());
        assertEquals(mss, parsed.mss());
        assertEquals(windowScale >= 0, parsed.hasWindowScale());
        assertEquals(Math.max(windowScale, 0), parsed.windowScale());
        assertEquals(sackPermitted, parsed.sackPermitted());
        assertEquals(timestamps, parsed.hasTimestamps());
        assertEquals(timestamps ? tsVal : 0, parsed.tsVal());
        assertEquals(timestamps ? tsEcr : 0, parsed.tsEcr());
    }

    @Property(tries = 2000)
    @Label("RFC 2018 §3, RFC 7323 §3: timestamps and SACK blocks written for an ACK parse back to the same values")
    void ackOptionsRoundTrip(
        @ForAll final boolean timestamps,
        @ForAll final int tsVal,
        @ForAll final int tsEcr,
        @ForAll @IntRange(min = 0, max = 4) final int requestedBlocks,
        @ForAll @Size(value = 8) final int[] edges)
    {
        final int blocks = timestamps ? Math.min(requestedBlocks, 3) : requestedBlocks; // 12 + 4 + 8n <= 40
        final int[] lefts = {edges[0], edges[1], edges[2], edges[3]};
        final int[] rights = {edges[4], edges[5], edges[6], edges[7]};
        final UnsafeBuffer out = new UnsafeBuffer(new byte[40]);
        int length = 0;
        if (timestamps)
        {
            length += TcpOptions.writeTimestamps(out, length, tsVal, tsEcr);
        }
        if (blocks > 0)
        {
            length += TcpOptions.writeSackBlocks(out, length, lefts, rights, blocks);
        }
        assertEquals(0, length % 4);
        assertTrue(length <= TcpOptions.MAX_OPTIONS_LENGTH);
        final TcpOptions parsed = new TcpOptions();
        assertTrue(parsed.parse(exactSlice(bytesOf(out, length)), 0, length));
        assertEquals(timestamps, parsed.hasTimestamps());
        if (timestamps)
        {
            assertEquals(tsVal, parsed.tsVal());
            assertEquals(tsEcr, parsed.tsEcr());
        }
        assertEquals(blocks, parsed.sackBlockCount());
        for (int i = 0; i < blocks; i++)
        {
            assertEquals(lefts[i], parsed.sackLeft(i));
            assertEquals(rights[i], parsed.sackRight(i));
        }
    }

    @Property(tries = 1000)
    @Label("RFC 9293 §3.1: a header written with random fields, options and data decodes to the same fields")
    void headerRoundTrip(
        @ForAll @IntRange(max = 0xFFFF) final int sourcePort,
        @ForAll @IntRange(max = 0xFFFF) final int destinationPort,
        @ForAll final int seq,
        @ForAll final int ack,
        @ForAll @IntRange(max = 0xFF) final int flags,
        @ForAll @IntRange(max = 0xFFFF) final int window,
        @ForAll @IntRange(max = 0xFFFF) final int urgentPointer,
        @ForAll @IntRange(max = 0xFFFF) final int mss,
        @ForAll @Size(max = 64) final byte[] payload,
        @ForAll final int src,
        @ForAll final int dst)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[60 + 64]);
        final TcpHeader w = new TcpHeader().wrapForWrite(out, 0).sourcePort(sourcePort)
            .destinationPort(destinationPort).sequenceNumber(seq).acknowledgmentNumber(ack).flags(flags)
            .window(window).urgentPointer(urgentPointer).dataOffset(10);
        TcpOptions.writeSynOptions(out, w.optionsOffset(), mss, 5, true, seq, ack);
        out.putBytes(w.payloadOffset(), payload);
        final int length = 40 + payload.length;
        w.computeAndSetChecksum(src, dst, length);

        final TcpHeader r = new TcpHeader();
        assertTrue(r.tryWrap(exactSlice(bytesOf(out, length)), 0, length));
        assertEquals(sourcePort, r.sourcePort());
        assertEquals(destinationPort, r.destinationPort());
        assertEquals(seq, r.sequenceNumber());
        assertEquals(ack, r.acknowledgmentNumber());
        assertEquals(flags, r.flags());
        assertEquals(window, r.window());
        assertEquals(urgentPointer, r.urgentPointer());
        assertEquals(payload.length, r.payloadLength());
        assertEquals(mss, r.options().mss());
        assertTrue(r.checksumValid(src, dst));
    }

    private static byte[] bytesOf(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
