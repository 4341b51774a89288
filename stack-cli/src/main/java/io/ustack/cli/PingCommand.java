package io.ustack.cli;

import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.PingReply;
import io.ustack.runtime.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code ustack ping}: ICMP echo (RFC 792) from a ustack stack on a real interface, printed the way ping(8) does.
 * The stack owns {@code --addr}, an address the host kernel does not have on that interface, and answers ARP for it
 * itself.
 */
@Command(
    name = "ping",
    mixinStandardHelpOptions = true,
    description = {
        "Send ICMP echo requests from a ustack stack running on a network interface (AF_PACKET; needs root or",
        "CAP_NET_RAW). Exits 0 if any reply came back, 1 if none, 2 on a usage or setup error."})
public final class PingCommand implements Callable<Integer>
{
    @Parameters(index = "0", description = "Host to ping: an IPv4 address, or a name when --dns is given.")
    String host;

    @Mixin
    LinkOptions link;

    @Option(names = "--dns", description = "DNS server to resolve HOST with, through the stack's own UDP.")
    String dns;

    @Option(names = {"-c", "--count"}, defaultValue = "4", description = "Echo requests to send (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = {"-s", "--size"}, defaultValue = "56", description = "Bytes of echo data, 0..65507 (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-i", "--interval-ms"}, defaultValue = "1000", description = "Pause between requests (default ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = {"-W", "--timeout-ms"}, defaultValue = "2000", description = "Wait for each reply (default ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        if (count < 1 || size < 0 || size > 65_507 || intervalMs < 0 || timeoutMs < 1)
        {
            throw new IllegalArgumentException("use --count >= 1, --size 0..65507, --interval-ms >= 0, --timeout-ms >= 1");
        }
        final Stack stack = link.openStack("ping");
        try
        {
            return ping(System.out, stack, resolve(stack));
        }
        finally
        {
            stack.shutdown();
        }
    }

    private int resolve(final Stack stack) throws IOException
    {
        if (host.matches("[0-9.]+"))
        {
            return Ipv4Address.parse(host);
        }
        if (dns == null)
        {
            throw new IllegalArgumentException("'" + host + "' is not an IPv4 address: give one, or --dns SERVER");
        }
        return stack.resolver(Ipv4Address.parse(dns)).resolve(host)[0];
    }

    private int ping(final PrintStream out, final Stack stack, final int destination) throws InterruptedException
    {
        out.printf("PING %s (%s) from %s on %s: %d data bytes%n", host, Ipv4Address.toString(destination), link.address,
            link.iface, size);
        int received = 0;
        long minNs = Long.MAX_VALUE;
        long maxNs = 0;
        long sumNs = 0;
        for (int i = 1; i <= count; i++)
        {
            final PingReply reply = stack.pinger().ping(destination, size, Duration.ofMillis(timeoutMs));
            if (reply.outcome() == PingReply.Outcome.REPLY)
            {
                received++;
                minNs = Math.min(minNs, reply.rttNs());
                maxNs = Math.max(maxNs, reply.rttNs());
                sumNs += reply.rttNs();
                out.printf("%d bytes from %s: icmp_seq=%d ttl=%d time=%.3f ms%n", reply.replyBytes() + 8,
                    Ipv4Address.toString(destination), reply.sequence(), reply.ttl(), reply.rttNs() / 1e6);
            }
            else
            {
                out.printf("icmp_seq=%d %s%n", reply.sequence(), describe(reply.outcome()));
            }
            if (i < count && intervalMs > 0)
            {
                Thread.sleep(intervalMs);
            }
        }
        out.printf("%n--- %s ping statistics ---%n%d packets transmitted, %d received, %.0f%% packet loss%n", host,
            count, received, 100.0 * (count - received) / count);
        if (received > 0)
        {
            out.printf("rtt min/avg/max = %.3f/%.3f/%.3f ms%n", minNs / 1e6, sumNs / 1e6 / received, maxNs / 1e6);
        }
        return received > 0 ? 0 : 1;
    }

    private static String describe(final PingReply.Outcome outcome)
    {
        switch (outcome)
        {
            case TIMEOUT:
                return "no reply in time";
            case UNREACHABLE:
                return "destination unreachable";
            case NO_ROUTE:
                return "no route to host (add --gateway?)";
            case CORRUPTED:
                return "reply with different data (corrupted)";
            default:
                return outcome.toString();
        }
    }
}
