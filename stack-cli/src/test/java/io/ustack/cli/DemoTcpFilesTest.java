package io.ustack.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ustack demo}'s TCP part with a small transfer: the pcap and the cwnd/RTT series it writes. */
@DisplayName("ustack demo: the TCP part's pcap and cwnd/RTT series")
class DemoTcpFilesTest
{
    private static final int TCP_BYTES = 4 << 20;
    private static final int SNAPLEN = 96;
    private static final int ETHERNET_IPV4_TCP = 14 + 20 + 20;

    @TempDir
    Path directory;

    @Test
    @DisplayName("a lossy 4 MiB transfer matches on both ends and writes a headers-only pcap and a well-formed CSV")
    void writesPcapAndSeries() throws Exception
    {
        final Path pcap = directory.resolve("tcp.pcap");
        final Path series = directory.resolve("cwnd.csv");
        final CliRun run = CliRun.run("demo", "--frames", "2000", "--udp-datagrams", "20", "--tcp-bytes",
            String.valueOf(TCP_BYTES), "--tcp-loss", "1", "--tcp-reorder", "1", "--tcp-pcap", pcap.toString(),
            "--tcp-series", series.toString(), "--tcp-sample-ms", "5");
        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.contains("(match)"), run.out);
        assertTrue(run.out.contains("pcap: " + pcap.toAbsolutePath()), run.out);
        assertTrue(run.out.contains("cwnd/RTT series: " + series.toAbsolutePath()), run.out);
        checkPcap(pcap);
        checkSeries(series);
    }

    @Test
    @DisplayName("a snap length shorter than an Ethernet header is refused before anything runs")
    void badSnapLengthRefused()
    {
        final CliRun run = CliRun.run("demo", "--tcp-snaplen", "5");
        assertEquals(2, run.code, run.toString());
        assertTrue(run.err.contains("--tcp-snaplen 5: use 14 to 65535"), run.err);
        assertFalse(run.out.contains("probe frames"), "nothing ran: " + run.out);
    }

    /** Nanosecond pcap, snaplen 96; every record holds at most 96 bytes of a TCP/IPv4 frame and its full length. */
    private static void checkPcap(final Path pcap) throws Exception
    {
        final ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b23c4d, file.getInt(0));
        assertEquals(SNAPLEN, file.getInt(16), "snaplen in the file header");
        int records = 0;
        int truncated = 0;
        int tcp = 0;
        int position = 24;
        while (position < file.capacity())
        {
            final int captured = file.getInt(position + 8);
            final int original = file.getInt(position + 12);
            assertTrue(captured <= SNAPLEN && captured <= original, "record " + records + ": " + captured + " of " +
                original);
            final int frame = position + 16;
            final boolean ipv4 = (file.get(frame + 12) & 0xFF) == 0x08 && file.get(frame + 13) == 0x00;
            if (ipv4 && file.get(frame + 14 + 9) == 6)
            {
                tcp++;
                assertTrue(original >= ETHERNET_IPV4_TCP, "a TCP frame of " + original + " bytes");
            }
            truncated += captured < original ? 1 : 0;
            records++;
            position = frame + captured;
        }
        assertEquals(file.capacity(), position, "the last record ends where the file does");
        assertTrue(tcp > TCP_BYTES / 1500, "a record per data segment at least: " + tcp + " TCP frames");
        assertTrue(truncated > TCP_BYTES / 1500, "data segments cut at the snap length: " + truncated);
    }

    /**
     * Header, then rows of nine columns; time, bytes acked and retransmits never go down; srtt and rto are set once
     * something is acked; the end is all acked.
     */
    private static void checkSeries(final Path series) throws Exception
    {
        final List<String> lines = Files.readAllLines(series);
        assertEquals(CwndSeries.HEADER, lines.get(0));
        assertTrue(lines.size() >= 3, "samples: " + lines);
        final int columns = CwndSeries.HEADER.split(",").length;
        double lastTime = -1;
        long lastAcked = -1;
        long lastRetransmits = -1;
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] cells = line.split(",");
            assertEquals(columns, cells.length, line);
            final double time = Double.parseDouble(cells[0]);
            assertTrue(time >= lastTime, "time goes forward: " + line);
            assertTrue(cells[1].matches("[A-Z0-9_-]+"), "a TCP state: " + line);
            for (int i = 2; i < cells.length; i++)
            {
                assertTrue(Long.parseLong(cells[i]) >= 0, "column " + i + " from the connection's stats: " + line);
            }
            final long acked = Long.parseLong(cells[7]);
            final long retransmits = Long.parseLong(cells[8]);
            assertTrue(acked >= lastAcked && retransmits >= lastRetransmits, "counts never go down: " + line);
            if ("ESTABLISHED".equals(cells[1]))
            {
                assertTrue(Long.parseLong(cells[2]) > 0, "an open connection has a congestion window: " + line);
            }
            if (acked > 0)
            {
                assertTrue(Long.parseLong(cells[4]) > 0 && Long.parseLong(cells[6]) > 0,
                    "once bytes are acked there is an RTT sample, so srtt and rto are set: " + line);
            }
            lastTime = time;
            lastAcked = acked;
            lastRetransmits = retransmits;
        }
        assertTrue(lastAcked >= TCP_BYTES, "the last row has every byte acked: " + lastAcked);
        assertTrue(lastRetransmits > 0, "1% loss was repaired by retransmission: " + lastRetransmits);
    }
}
