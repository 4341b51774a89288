package io.ustack.runtime.interop;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.net.Ipv4Address;
import io.ustack.api.socket.PingReply;
import io.ustack.link.tap.TapEndpoint;
import io.ustack.runtime.ShutdownReport;
import io.ustack.runtime.Stack;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 5: ustack on the TAP driver against the Linux kernel. The test JVM creates the TAP interface and moves it
 * into the kernel peer's namespace, where it gets {@code 198.18.4.2/24}; the stack is the host on the far side of
 * that wire at {@code 198.18.4.1}. The host's own namespace never holds the interface once moved.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("ustack on TAP interoperates with the Linux kernel")
class TapKernelInteropTest
{
    private static final String USTACK = "198.18.4.1";
    private static final String KERNEL = "198.18.4.2";

    private KernelPeerNetwork network;
    private Stack stack;

    @BeforeAll
    void start() throws Exception
    {
        network = KernelPeerNetwork.create();
        final String name = "uit" + ProcessHandle.current().pid() % 100_000 + "t";
        TapEndpoint tap = null;
        try
        {
            tap = TapEndpoint.open(name, 0x0200_0000_0004L, 1500);
            network.moveToKernel(name);
            network.inKernel("ip", "addr", "add", KERNEL + "/24", "dev", name);
            network.inKernel("ip", "link", "set", name, "up");
            stack = Stack.builder(StackConfig.builder().name("tap-interop").threadingMode(ThreadingMode.SHARED)
                    .idleStrategy(IdleStrategyKind.YIELDING).arpRetryIntervalMs(100).build())
                .iface(tap, USTACK + "/24").clock(new SystemNanoClock()).build().start();
        }
        catch (final Exception e)
        {
            if (tap != null)
            {
                tap.close();
            }
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
                final ShutdownReport report = stack.shutdown();
                assertEquals(0, report.agentErrors(), () -> "agent error: " + stack.firstAgentError());
            }
        }
        finally
        {
            network.close();
        }
    }

    @ParameterizedTest(name = "ping -s {0}")
    @ValueSource(ints = {56, 1472, 4000})
    @DisplayName("RFC 792: the kernel pings ustack through the TAP interface")
    void kernelPingsUstack(final int size) throws Exception
    {
        assertEquals(0, network.exitCodeInKernel(20, "ping", "-c", "3", "-i", "0.2", "-W", "3", "-s",
            Integer.toString(size), USTACK), "ping from the kernel namespace (output above)");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {56, 1472, 4000})
    @DisplayName("RFC 792: ustack pings the kernel through the TAP interface")
    void ustackPingsKernel(final int size)
    {
        final PingReply reply = stack.pinger().ping(Ipv4Address.parse(KERNEL), size, Duration.ofSeconds(5));
        assertEquals(PingReply.Outcome.REPLY, reply.outcome(), reply::toString);
        assertEquals(size, reply.replyBytes());
    }
}
