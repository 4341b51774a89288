package io.ustack.runtime.interop;

import io.ustack.api.counter.DropReason;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.Endpoint;
import io.ustack.api.socket.PingReply;
import io.ustack.api.socket.UdpSocket;
import io.ustack.link.packet.AfPacketConfig;
import io.ustack.link.packet.AfPacketEndpoint;
import io.ustack.runtime.ShutdownReport;
import io.ustack.runtime.Stack;
import io.ustack.udp.dns.DnsResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5: ustack on the AF_PACKET driver against the Linux kernel in its own namespace (offloads off), over a veth
 * pair ({@link KernelPeerNetwork}). ICMP, UDP and DNS; TCP interop follows with the TCP layer.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("ustack on AF_PACKET interoperates with the Linux kernel")
class AfPacketKernelInteropTest
{
    private static final String USTACK = "198.18.0.1";
    private static final String KERNEL = "198.18.0.2";
    private static final int KERNEL_ADDRESS = Ipv4Address.parse(KERNEL);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private KernelPeerNetwork network;
    private Stack stack;

    @BeforeAll
    void start() throws Exception
    {
        network = KernelPeerNetwork.create();
        try
        {
            network.addVeth("ua", "ub", KERNEL + "/24", false);
            stack = KernelPeerNetwork.startStack("interop", AfPacketEndpoint.open(AfPacketConfig.builder("ua")
                .namespace(network.ustackNamespace()).build()), USTACK + "/24");
        }
        catch (final Exception e)
        {
            network.close();
            throw e;
        }
    }

    @AfterAll
    void stop()
    {
        try
        {
            if (stack != null)
            {
                System.out.println("ustack counters after the interop run:\n" + stack.counters().describeNonZero());
                final ShutdownReport report = stack.shutdown();
                assertEquals(0, report.agentErrors(), () -> "agent error: " + stack.firstAgentError());
                assertEquals(0, stack.counters().drops(DropReason.LINK_CHECKSUM_PARTIAL),
                    "offloads are off at the kernel: no partial checksums");
                assertEquals(0, stack.counters().drops(DropReason.LINK_TRUNCATED_BY_RING));
            }
        }
        finally
        {
            network.close();
        }
    }

    @ParameterizedTest(name = "ping -s {0}")
    @ValueSource(ints = {56, 1472, 4000})
    @DisplayName("RFC 792 + RFC 791: the kernel pings ustack; 4000 bytes go as fragments both ways")
    void kernelPingsUstack(final int size) throws Exception
    {
        assertEquals(0, network.exitCodeInKernel(20, "ping", "-c", "3", "-i", "0.2", "-W", "3", "-s",
            Integer.toString(size), USTACK), "ping from the kernel namespace (output above)");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {56, 1472, 4000})
    @DisplayName("RFC 792: ustack pings the kernel and gets its echo reply")
    void ustackPingsKernel(final int size)
    {
        final PingReply reply = stack.pinger().ping(KERNEL_ADDRESS, size, WAIT);
        assertEquals(PingReply.Outcome.REPLY, reply.outcome(), reply::toString);
        assertEquals(size, reply.replyBytes());
    }

    @Test
    @DisplayName("RFC 768: ustack -> kernel UDP echo server, byte-exact, up to fragmented datagrams")
    void udpUstackToKernel() throws Exception
    {
        network.startInKernel("python3", KernelPeerNetwork.script("udp-echo", PythonPeers.UDP_ECHO_SERVER), KERNEL,
            "7007");
        final SplittableRandom random = new SplittableRandom(5);
        try (UdpSocket socket = stack.udp().open())
        {
            final ByteBuffer into = ByteBuffer.allocate(65_536);
            final Endpoint from = new Endpoint();
            for (final int size : new int[]{1, 100, 1472, 1473, 8000, 30_000})
            {
                final byte[] payload = new byte[size];
                random.nextBytes(payload);
                assertTrue(socket.sendTo(ByteBuffer.wrap(payload), KERNEL_ADDRESS, 7007));
                into.clear();
                final int length = socket.receive(into, from, WAIT);
                assertArrayEquals(payload, Arrays.copyOf(into.array(), length), "size " + size);
                assertEquals(KERNEL_ADDRESS, from.address());
                assertEquals(7007, from.port());
            }
        }
    }

    @Test
    @DisplayName("RFC 768: kernel UDP client -> ustack echo socket, byte-exact, up to fragmented datagrams")
    void udpKernelToUstack() throws Exception
    {
        final AtomicBoolean stop = new AtomicBoolean();
        try (UdpSocket server = stack.udp().open())
        {
            server.bind(0, 7008);
            final Thread echo = new Thread(() -> echoUntil(server, stop), "ustack-udp-echo");
            echo.start();
            try
            {
                assertEquals(0, network.exitCodeInKernel(30, "python3",
                    KernelPeerNetwork.script("udp-client", PythonPeers.UDP_ECHO_CLIENT), USTACK, "7008",
                    "1", "100", "1472", "1473", "8000", "30000"), "python UDP client (output above)");
            }
            finally
            {
                stop.set(true);
                echo.join(5_000);
            }
        }
    }

    @Test
    @DisplayName("RFC 1035: ustack's resolver asks a DNS server in the kernel namespace; unknown names fail")
    void dnsAgainstKernelSideServer() throws Exception
    {
        network.startInKernel("python3", KernelPeerNetwork.script("dns", PythonPeers.DNS_SERVER), KERNEL,
            "peer.ustack.test", "198.18.0.77");
        final DnsResolver resolver = stack.resolver(KERNEL_ADDRESS);
        assertArrayEquals(new int[]{Ipv4Address.parse("198.18.0.77")}, resolver.resolve("peer.ustack.test"));
        assertThrows(UnknownHostException.class, () -> resolver.resolve("nothing.ustack.test"));
    }

    private static void echoUntil(final UdpSocket socket, final AtomicBoolean stop)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(65_536);
        final Endpoint from = new Endpoint();
        while (!stop.get())
        {
            try
            {
                buffer.clear();
                final int length = socket.receive(buffer, from, Duration.ofMillis(100));
                buffer.flip().limit(length);
                socket.sendTo(buffer, from.address(), from.port());
            }
            catch (final SocketTimeoutException idle)
            {
                // poll the stop flag
            }
            catch (final Exception e)
            {
                if (!stop.get())
                {
                    e.printStackTrace();
                }
                return;
            }
        }
    }
}
