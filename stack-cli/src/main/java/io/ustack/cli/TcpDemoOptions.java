package io.ustack.cli;

import io.ustack.link.decorator.PcapWriter;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The options of {@code ustack demo}'s TCP part (a picocli mixin): its wire's impairment, and the pcap and cwnd/RTT
 * series it writes. The transfer's size, buffers and RTO estimator are {@code --tcp-bytes}, {@code --tcp-buffer} and
 * {@code --tcp-rto} of {@link DemoCommand}.
 */
final class TcpDemoOptions
{
    /** The value of a file option that turns the file off. */
    static final String NONE = "none";

    @Option(names = "--tcp-loss", defaultValue = "0.01",
        description = "Percent of frames the TCP part's wire loses, each way (default ${DEFAULT-VALUE}).")
    double lossPercent;

    @Option(names = "--tcp-reorder", defaultValue = "0.1",
        description = "Percent of frames the TCP part's wire delivers late, each way (default ${DEFAULT-VALUE}).")
    double reorderPercent;

    @Option(names = "--tcp-pcap", defaultValue = "ustack-demo-tcp.pcap",
        description = "Capture of the TCP part (stack a's link), or '" + NONE + "' (default ${DEFAULT-VALUE}).")
    String pcap;

    @Option(names = "--tcp-snaplen", defaultValue = "96",
        description = "Bytes kept of each captured frame; 96 holds the Ethernet, IPv4 and TCP headers with options " +
            "(default ${DEFAULT-VALUE}).")
    int snapLength;

    @Option(names = "--tcp-series", defaultValue = "ustack-demo-tcp-cwnd.csv",
        description = "CSV of the sender's cwnd, ssthresh, RTT, bytes acked and retransmits over time, or '" + NONE +
            "' (default ${DEFAULT-VALUE}).")
    String series;

    @Option(names = "--tcp-sample-ms", defaultValue = "100",
        description = "Milliseconds between rows of the cwnd/RTT series (default ${DEFAULT-VALUE}).")
    long sampleMs;

    /** Refuses bad values before anything runs, saying what to use. */
    void validate()
    {
        probability("--tcp-loss", lossPercent);
        probability("--tcp-reorder", reorderPercent);
        if (pcapPath() != null && (snapLength < PcapWriter.MIN_SNAPLEN || snapLength > PcapWriter.SNAPLEN))
        {
            throw new IllegalArgumentException("--tcp-snaplen " + snapLength + ": use " + PcapWriter.MIN_SNAPLEN +
                " to " + PcapWriter.SNAPLEN + " bytes (96 keeps the TCP/IP headers)");
        }
        if (seriesPath() != null && sampleMs < 1)
        {
            throw new IllegalArgumentException("--tcp-sample-ms " + sampleMs + ": use 1 or more");
        }
    }

    /** {@code --tcp-loss} as a probability. */
    double loss()
    {
        return probability("--tcp-loss", lossPercent);
    }

    /** {@code --tcp-reorder} as a probability. */
    double reorder()
    {
        return probability("--tcp-reorder", reorderPercent);
    }

    /** Where the pcap goes, or null for none. */
    Path pcapPath()
    {
        return file(pcap);
    }

    /** Where the series goes, or null for none. */
    Path seriesPath()
    {
        return file(series);
    }

    private static Path file(final String option)
    {
        return option == null || option.isBlank() || NONE.equals(option) ? null : Path.of(option);
    }

    private static double probability(final String option, final double percent)
    {
        if (!(percent >= 0 && percent <= 100))
        {
            throw new IllegalArgumentException(option + " " + percent + ": give a percentage from 0 to 100");
        }
        return percent / 100.0;
    }
}
