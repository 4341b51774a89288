package io.ustack.runtime;

/**
 * What a stack's shutdown left behind.
 *
 * @param drained             whether every ring emptied before the deadline
 * @param discardedDescriptors packets still queued between layers when the agents stopped, freed and counted as
 *                             {@code SHUTDOWN_DISCARDED}
 * @param buffersStillHeld     packet buffers not back in the pool afterwards: non-zero means a leak
 * @param agentErrors          exceptions the agents raised while running (each is a bug)
 * @param tcpConnectionsReset  TCP connections that had not finished closing by the deadline and were reset (not a
 *                             fault of the stack: a peer that never closed its side, or a too short deadline)
 */
public record ShutdownReport(boolean drained, int discardedDescriptors, int buffersStillHeld, long agentErrors,
    int tcpConnectionsReset)
{
    /** Whether nothing was lost, leaked or failed. */
    public boolean clean()
    {
        return drained && discardedDescriptors == 0 && buffersStillHeld == 0 && agentErrors == 0;
    }

    @Override
    public String toString()
    {
        return (drained ? "drained" : "not drained") + ", " + discardedDescriptors + " descriptors discarded, " +
            buffersStillHeld + " buffers still held, " + agentErrors + " agent errors" +
            (tcpConnectionsReset == 0 ? "" : ", " + tcpConnectionsReset + " TCP connections reset");
    }
}
