package io.ustack.tcp;

import io.ustack.ip.handoff.TransportEnd;
import io.ustack.tcp.socket.TcpSocketLayer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * TCP's own agent (DESIGN.md, "Data path": {@code app threads --cmd ring--> TcpAgent <--desc ring--> IpAgent}):
 * each duty cycle takes the segments and ICMP errors the network agent passed over, then runs the socket layer's
 * cycle (application commands, socket pumps, engine timers and output). All TCP state is owned by this agent's
 * thread.
 *
 * <p>Shutdown is asked for from another thread ({@link #requestShutdown}) and carried out here, in steps, while the
 * stack keeps running: first the bytes applications already wrote reach the engine, then every connection gets its
 * FIN (RFC 9293 §3.10.4), then the agent waits for both sides to finish closing, and at the deadline resets
 * whatever did not ({@link #isShutDown} turns true).
 */
public final class TcpAgent implements Agent
{
    private static final int RUNNING = 0;
    private static final int FLUSHING_APPLICATION_OUTPUT = 1;
    private static final int AWAITING_CLOSES = 2;
    private static final int SHUT_DOWN = 3;

    private final TransportEnd end;
    private final TcpSocketLayer sockets;
    private final NanoClock clock;
    private final int batchSize;
    private volatile boolean shutdownRequested;
    private volatile boolean shutdownForced;
    private volatile long shutdownDeadlineNs;
    private volatile int shutdownPhase = RUNNING;
    private volatile int resetAtShutdown;

    /**
     * @param end       this agent's end of the rings to the network agent; {@code sockets} is attached to it here
     * @param sockets   the TCP layer (the socket layer over the engine)
     * @param clock     the stack's time
     * @param batchSize most segments taken from the network agent per duty cycle
     */
    public TcpAgent(final TransportEnd end, final TcpSocketLayer sockets, final NanoClock clock, final int batchSize)
    {
        this.end = end;
        this.sockets = sockets;
        this.clock = clock;
        this.batchSize = batchSize;
        end.attach(sockets);
    }

    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        int work = end.deliver(batchSize, nowNs) + sockets.doWork(nowNs);
        if (shutdownRequested && shutdownPhase != SHUT_DOWN)
        {
            work += stepShutdown(nowNs);
        }
        return work;
    }

    /**
     * Asks the agent to close every connection: FINs after the queued data, then resets for whatever has not
     * finished closing by {@code deadlineNs} (on this stack's clock). Any thread.
     */
    public void requestShutdown(final long deadlineNs)
    {
        shutdownDeadlineNs = deadlineNs;
        shutdownRequested = true;
    }

    /**
     * Makes a requested shutdown end now: connections not yet closed are reset without waiting (for a caller that
     * drives time itself, or once its own deadline passed). Any thread.
     */
    public void forceShutdown()
    {
        shutdownForced = true;
    }

    /** Whether a requested shutdown is complete: every connection closed, in TIME-WAIT, or reset. Any thread. */
    public boolean isShutDown()
    {
        return shutdownPhase == SHUT_DOWN;
    }

    /** Connections the shutdown had to reset because they had not finished closing by the deadline. */
    public int resetAtShutdown()
    {
        return resetAtShutdown;
    }

    private int stepShutdown(final long nowNs)
    {
        final TcpModule engine = sockets.module();
        final boolean late = shutdownForced || nowNs - shutdownDeadlineNs >= 0;
        if (shutdownPhase == RUNNING)
        {
            shutdownPhase = FLUSHING_APPLICATION_OUTPUT;
        }
        if (shutdownPhase == FLUSHING_APPLICATION_OUTPUT)
        {
            if (late)
            {
                return finishShutdown(engine, nowNs);
            }
            if (!sockets.applicationOutputPending())
            {
                engine.shutdownOutputOfAll(nowNs);
                shutdownPhase = AWAITING_CLOSES;
                return 1;
            }
            return 0;
        }
        return late || engine.connectionsStillClosing() == 0 ? finishShutdown(engine, nowNs) : 0;
    }

    private int finishShutdown(final TcpModule engine, final long nowNs)
    {
        resetAtShutdown = engine.resetUnfinished(nowNs);
        shutdownPhase = SHUT_DOWN;
        return 1;
    }

    /** Frees what is still queued towards TCP; only once the agents have stopped. */
    public int discardPending()
    {
        return end.discardPending();
    }

    @Override
    public String roleName()
    {
        return "tcp";
    }
}
