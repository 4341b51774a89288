package io.ustack.runtime.tcp;

import io.ustack.api.config.IdleStrategyKind;
import io.ustack.api.config.SegmentationOffload;
import io.ustack.api.config.StackConfig;
import io.ustack.api.config.ThreadingMode;
import io.ustack.api.link.LinkEndpoint;
import io.ustack.link.decorator.PcapWriter;
import io.ustack.link.decorator.PcapWriterEndpoint;
import io.ustack.link.memory.Impairments;
import io.ustack.link.memory.InMemoryWire;
import io.ustack.link.memory.WireConfig;
import io.ustack.runtime.ShutdownReport;
import io.ustack.runtime.Stack;
import io.ustack.tcp.TcpSettings;
import io.ustack.tcp.socket.TcpEngineSnapshot;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two stacks, a (198.18.0.1) and b (198.18.0.2), over one in-memory wire, in any {@link ThreadingMode}. In
 * {@code INVOKER} mode a test thread ("invoker") drives both with {@code stack.poll(nowNs)} in a loop, so the
 * blocking socket calls of the tests work the same in every mode.
 *
 * <p>With the system property {@code ustack.tcp.pcapDir} set, what stack a sends and receives is written to
 * {@code <dir>/<name>.pcap} (the whole frame), for looking at a failing case in Wireshark.
 *
 * <p>{@link #close()} stops the stacks and checks that neither holds a packet buffer nor met an agent error.
 */
final class TwoTcpStacks implements AutoCloseable
{
    static final String PCAP_DIR_PROPERTY = "ustack.tcp.pcapDir";
    static final String ADDRESS_A = "198.18.0.1";
    static final String ADDRESS_B = "198.18.0.2";
    static final Duration WAIT = Duration.ofSeconds(30);

    private final NanoClock clock = new SystemNanoClock();
    private final InMemoryWire wire;
    private final PcapWriter pcap;
    private final Stack a;
    private final Stack b;
    private final Thread invoker;
    private volatile boolean running = true;

    TwoTcpStacks(final String name, final ThreadingMode mode, final Impairments impairments, final TcpSettings tcp)
        throws IOException
    {
        this(name, mode, impairments, tcp, SegmentationOffload.LINK);
    }

    /** @param offload where both stacks use TCP segmentation offload (the in-memory wire has no device that cuts) */
    TwoTcpStacks(final String name, final ThreadingMode mode, final Impairments impairments, final TcpSettings tcp,
        final SegmentationOffload offload) throws IOException
    {
        wire = new InMemoryWire(WireConfig.builder().impairments(impairments).build(), clock);
        pcap = openPcap(name);
        final LinkEndpoint endpointA = pcap == null ? wire.endpointA() : new PcapWriterEndpoint(wire.endpointA(), pcap);
        final StackConfig.Builder config = StackConfig.builder().threadingMode(mode)
            .idleStrategy(IdleStrategyKind.YIELDING).arpRetryIntervalMs(100).randomSeed(7).segmentationOffload(offload);
        a = Stack.builder(config.name("a").build()).iface(endpointA, ADDRESS_A + "/24").clock(clock).tcp(tcp)
            .build().start();
        b = Stack.builder(config.name("b").build()).iface(wire.endpointB(), ADDRESS_B + "/24").clock(clock).tcp(tcp)
            .build().start();
        if (mode == ThreadingMode.INVOKER)
        {
            invoker = new Thread(this::driveBoth, "invoker-" + name);
            invoker.setDaemon(true);
            invoker.start();
        }
        else
        {
            invoker = null;
        }
    }

    private PcapWriter openPcap(final String name) throws IOException
    {
        final String dir = System.getProperty(PCAP_DIR_PROPERTY);
        if (dir == null || dir.isBlank())
        {
            return null;
        }
        final Path path = Path.of(dir).resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".pcap");
        Files.createDirectories(path.getParent());
        return new PcapWriter(path, PcapWriter.epochClock(clock, System.currentTimeMillis() * 1_000_000L -
            clock.nanoTime()));
    }

    /** The INVOKER test thread: one duty cycle of each stack at the same time, yielding when both were idle. */
    private void driveBoth()
    {
        while (running)
        {
            final long nowNs = clock.nanoTime();
            final int work = a.poll(nowNs) + b.poll(nowNs);
            if (work == 0)
            {
                Thread.yield();
            }
        }
    }

    Stack a()
    {
        return a;
    }

    Stack b()
    {
        return b;
    }

    InMemoryWire wire()
    {
        return wire;
    }

    /**
     * Waits until {@code stack}'s TCP engine holds no connection, control block, timer or socket (TIME-WAIT over)
     * and its packet-buffer pool has every buffer back.
     */
    static void awaitNothingHeld(final Stack stack, final Duration within) throws Exception
    {
        final long deadlineNs = System.nanoTime() + within.toNanos();
        TcpEngineSnapshot snapshot = stack.tcpSnapshot(WAIT);
        while (snapshot.connections() != 0 || snapshot.blocksInUse() != 0 || snapshot.timersPending() != 0 ||
            snapshot.openSockets() != 0 || stack.bufferPool().inUse() != 0)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, stack.config().name() + " still holds " + snapshot +
                ", packet buffers in use " + stack.bufferPool().inUse());
            Thread.sleep(20);
            snapshot = stack.tcpSnapshot(WAIT);
        }
        assertEquals(0, snapshot.connections());
    }

    /** Stops the invoker thread (if any) and both stacks; fails if a buffer is still held or an agent failed. */
    @Override
    public void close()
    {
        running = false;
        if (invoker != null)
        {
            try
            {
                invoker.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
        final ShutdownReport reportA = a.shutdown();
        final ShutdownReport reportB = b.shutdown();
        if (pcap != null)
        {
            pcap.close();
        }
        assertEquals(0, reportA.buffersStillHeld(), "a: " + reportA);
        assertEquals(0, reportB.buffersStillHeld(), "b: " + reportB);
        assertEquals(0, reportA.agentErrors(), "a: " + a.firstAgentError());
        assertEquals(0, reportB.agentErrors(), "b: " + b.firstAgentError());
    }
}
