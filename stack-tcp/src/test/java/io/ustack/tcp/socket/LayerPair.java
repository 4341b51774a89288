package io.ustack.tcp.socket;

import io.ustack.api.config.StackConfig;
import io.ustack.api.counter.StackCounters;
import io.ustack.api.socket.TcpListener;
import io.ustack.api.socket.TcpSocket;
import io.ustack.tcp.DirectLink;
import io.ustack.tcp.TcpModule;
import io.ustack.tcp.TcpSettings;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Two socket layers joined by {@link DirectLink}s and driven like an INVOKER stack: {@link #cycle()} runs one duty
 * cycle of each on the caller's thread under a virtual clock. {@link #whileDriven} lets a helper thread drive them
 * while a blocking call (listen, connect) waits.
 */
final class LayerPair
{
    static final int A = 0xC612_0001;
    static final int B = 0xC612_0002;

    final TcpSocketLayer a;
    final TcpSocketLayer b;
    final DirectLink ab = new DirectLink(A, B);
    final DirectLink ba = new DirectLink(B, A);
    /** When false, segments from b to a are lost (a hears nothing, not even ACKs). */
    volatile boolean deliverToA = true;
    long nowNs = 1_000_000_000L;

    LayerPair(final TcpSettings settings)
    {
        this(settings, settings);
    }

    LayerPair(final TcpSettings settingsA, final TcpSettings settingsB)
    {
        final SystemNanoClock clock = new SystemNanoClock();
        a = new TcpSocketLayer(new TcpModule(StackConfig.builder().randomSeed(1).build(),
            StackCounters.inMemory("a"), settingsA), settingsA, clock, 1 << 16);
        b = new TcpSocketLayer(new TcpModule(StackConfig.builder().randomSeed(2).build(),
            StackCounters.inMemory("b"), settingsB), settingsB, clock, 1 << 16);
        ab.target = b;
        ba.target = a;
        a.onAttach(ab, null);
        b.onAttach(ba, null);
    }

    /** One duty cycle of both layers, {@code stepNs} of virtual time later. */
    synchronized void cycle(final long stepNs)
    {
        nowNs += stepNs;
        a.doWork(nowNs);
        ab.deliver(nowNs);
        b.doWork(nowNs);
        if (deliverToA)
        {
            ba.deliver(nowNs);
        }
        else
        {
            ba.drop();
        }
    }

    void cycle()
    {
        cycle(10_000);
    }

    /** Cycles until {@code listener} has handed out {@code count} connections (or 10,000 cycles); returns them. */
    List<TcpSocket> acceptAll(final TcpListener listener, final int count) throws IOException
    {
        final List<TcpSocket> accepted = new ArrayList<>();
        for (int round = 0; round < 10_000 && accepted.size() < count; round++)
        {
            cycle();
            TcpSocket socket;
            while ((socket = listener.accept()) != null)
            {
                accepted.add(socket);
            }
        }
        return accepted;
    }

    /** Runs {@code call} on this thread while a helper thread cycles both layers. */
    <T> T whileDriven(final Callable<T> call) throws Exception
    {
        final AtomicBoolean driving = new AtomicBoolean(true);
        final Thread driver = new Thread(() ->
        {
            while (driving.get())
            {
                cycle();
                Thread.onSpinWait();
            }
        });
        driver.start();
        try
        {
            return call.call();
        }
        finally
        {
            driving.set(false);
            driver.join();
        }
    }
}
