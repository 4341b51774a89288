package io.ustack.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Opens captures with tshark (Wireshark's command line) for the interop tests: its expert info, every checksum checked. */
final class Tshark
{
    private Tshark()
    {
    }

    /**
     * tshark's expert info at severity warning and above, with IPv4, TCP and UDP checksum validation on (tshark leaves
     * it off by default) and no name resolution. Bad checksums and malformed packets are errors; an "Errors (n)"
     * section lists them.
     */
    static String expertInfo(final Path pcap) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(), "-q",
            "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
            "-z", "expert,warn").redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            process.destroyForcibly();
            throw new IOException("tshark on " + pcap + " failed: " + output);
        }
        return output;
    }

    /**
     * Copies a pcap (as {@code PcapWriter} writes it: little-endian, nanosecond timestamps) with the last byte of the
     * first frame longer than 1000 bytes (a full TCP data segment) flipped: a payload byte, so only the TCP checksum
     * can tell.
     */
    static void flipByteOfLargeFrame(final Path pcap, final Path copy) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(pcap);
        final ByteBuffer file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = 24; // global header
        while (at + 16 <= bytes.length)
        {
            final int captured = file.getInt(at + 8);
            if (captured > 1000)
            {
                bytes[at + 16 + captured - 1] ^= 0x5a;
                Files.write(copy, bytes);
                return;
            }
            at += 16 + captured;
        }
        throw new IOException("no frame longer than 1000 bytes in " + pcap);
    }
}
