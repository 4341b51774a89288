package io.ustack.ip;

import org.agrona.DirectBuffer;

/**
 * A protocol the network agent hosts on its own thread: it receives the frames of its EtherType and gets a duty
 * cycle to send frames and run timers. IPv4 and ARP are modules; so is the link probe of the demo.
 *
 * <p>Everything is called on the network agent's thread, so a module needs no locks for its own state, and may
 * send through any interface's {@link EthernetOutput} at any time during these calls.
 */
public interface ProtocolModule
{
    /** The EtherType whose frames this module receives. */
    int etherType();

    /** Called once when the stack is assembled, with the interfaces frames come from and go out through. */
    void onAttach(NetworkInterfaces interfaces);

    /**
     * One received frame of this module's EtherType, already checked as Ethernet II and addressed to us. The bytes
     * are only valid during the call; the network agent frees the buffer afterwards.
     *
     * @param interfaceIndex the interface it arrived on
     * @param nowNs          the stack's current time
     */
    void onFrame(int interfaceIndex, DirectBuffer buffer, int frameOffset, int frameLength, int flags, long nowNs);

    /**
     * A duty cycle: send what is ready, fire due timers.
     *
     * @return work done (0 when idle)
     */
    int doWork(long nowNs);

    /**
     * Frees the packet buffers the module still holds for later (e.g. packets waiting for ARP), counting each as
     * {@link io.ustack.api.counter.DropReason#SHUTDOWN_DISCARDED}. Called once the stack's agents have stopped.
     *
     * @return how many were freed
     */
    default int discardHeld()
    {
        return 0;
    }
}
