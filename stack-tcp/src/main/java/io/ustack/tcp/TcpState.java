package io.ustack.tcp;

/**
 * The eleven connection states of RFC 9293 §3.3.2, as the {@code int}s {@link TcpModule#state(int)} returns
 * (primitive so that the socket layer's command ring can carry them).
 */
public final class TcpState
{
    /** No connection (also a control block kept only so the application can read why it ended). */
    public static final int CLOSED = 0;
    /** Waiting for a connection request (listeners only). */
    public static final int LISTEN = 1;
    /** Sent a SYN, waiting for the matching SYN. */
    public static final int SYN_SENT = 2;
    /** Received and sent a SYN, waiting for the ACK of ours. */
    public static final int SYN_RECEIVED = 3;
    /** Open: data flows both ways. */
    public static final int ESTABLISHED = 4;
    /** We closed; our FIN is not yet acknowledged. */
    public static final int FIN_WAIT_1 = 5;
    /** Our FIN is acknowledged; waiting for the peer's FIN. */
    public static final int FIN_WAIT_2 = 6;
    /** The peer closed; waiting for the application to close. */
    public static final int CLOSE_WAIT = 7;
    /** Both closed at once; waiting for the ACK of our FIN. */
    public static final int CLOSING = 8;
    /** The peer closed first, then we did; waiting for the ACK of our FIN. */
    public static final int LAST_ACK = 9;
    /** Both FINs acknowledged; waiting 2×MSL for old duplicates to drain (RFC 9293 §3.6.1). */
    public static final int TIME_WAIT = 10;

    private static final String[] NAMES = {
        "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
        "CLOSING", "LAST-ACK", "TIME-WAIT"};

    private TcpState()
    {
    }

    /** The RFC's name of a state, e.g. {@code "SYN-SENT"}. */
    public static String name(final int state)
    {
        return state >= 0 && state < NAMES.length ? NAMES[state] : "UNKNOWN(" + state + ")";
    }

    /** RFC 9293 §3.3.2: states after the handshake in which both sequence spaces are known ("synchronized"). */
    public static boolean synchronizedState(final int state)
    {
        return state >= ESTABLISHED;
    }

    /**
     * States in which segments of ours may be in flight or still to go (data, or the FIN and the data before it):
     * where the sender transmits and the retransmission and tail-loss-probe timers run.
     */
    static boolean transmits(final int state)
    {
        return state == ESTABLISHED || state == CLOSE_WAIT || state == FIN_WAIT_1 || state == CLOSING ||
            state == LAST_ACK;
    }

    /** States in which our side may still send data (the application has not shut down output). */
    static boolean canSendData(final int state)
    {
        return state == ESTABLISHED || state == CLOSE_WAIT;
    }
}
