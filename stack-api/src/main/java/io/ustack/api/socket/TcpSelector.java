package io.ustack.api.socket;

import java.io.IOException;
import java.time.Duration;

/**
 * Readiness selection over many non-blocking TCP sockets and listeners, for one application thread serving many
 * connections (in the manner of {@code java.nio.channels.Selector} and {@code epoll}, level-triggered).
 *
 * <p>Register a socket or listener with an interest set ({@link #OP_ACCEPT}, {@link #OP_CONNECT}, {@link #OP_READ},
 * {@link #OP_WRITE}); {@link #select(Duration)} or {@link #selectNow()} then returns how many registrations are
 * ready, and {@link #readyKey(int)} hands them out by index. Readiness is level-triggered: a key stays ready while
 * its condition holds (bytes unread, room to write, a connection to accept). A connection that ended (reset, timed
 * out, the peer's FIN) is ready for {@link #OP_READ} and {@link #OP_WRITE}, so the next call reports what happened.
 * Closed sockets and listeners, and cancelled keys, leave the set at the next selection.
 *
 * <p>Waiting costs no CPU: {@link #select(Duration)} parks its thread, and the stack's thread wakes it when it makes
 * a registered socket or listener ready for an operation in its interest set (bytes arrived or left, the stream
 * ended, a connection completed, failed or can be accepted). A socket or listener is watched by one selector at a
 * time: cancel its key in one before registering it with another.
 *
 * <p>Threading: every method but {@link #wakeup()} belongs to one application thread (the selecting one).
 * {@link #wakeup()} may be called from any thread. In {@code SHARED} and {@code DEDICATED} mode the stack moves bytes
 * on its own threads while {@link #select(Duration)} waits; in {@code INVOKER} mode nothing moves unless the caller
 * polls the stack, so call {@code stack.poll(nowNs)} and then {@link #selectNow()}. Once the registered set stops
 * changing, selections allocate nothing.
 */
public interface TcpSelector extends AutoCloseable
{
    /** A listener has a connection to {@link TcpListener#accept()}. */
    int OP_ACCEPT = 1;
    /** A socket from {@link TcpSockets#connectNow} finished connecting (or failed): call {@link TcpSocket#finishConnect()}. */
    int OP_CONNECT = 2;
    /** A socket has bytes to read, or its stream ended. */
    int OP_READ = 4;
    /** A socket's send queue has room, or the connection can no longer send. */
    int OP_WRITE = 8;

    /**
     * Watches a non-blocking socket.
     *
     * @param interest   any of {@link #OP_CONNECT}, {@link #OP_READ}, {@link #OP_WRITE} (0 to watch nothing for now)
     * @param attachment the application's object for this registration, or null
     * @throws IllegalArgumentException when {@code interest} holds {@link #OP_ACCEPT} or an unknown bit, or the
     *                                  socket is already registered here or with another selector
     * @throws java.nio.channels.ClosedChannelException when the socket or this selector is closed
     */
    TcpSelectionKey register(TcpSocket socket, int interest, Object attachment) throws IOException;

    /**
     * Watches a listener for {@link #OP_ACCEPT}.
     *
     * @throws IllegalArgumentException when {@code interest} holds a bit other than {@link #OP_ACCEPT}, or the
     *                                  listener is already registered here or with another selector
     * @throws java.nio.channels.ClosedChannelException when the listener or this selector is closed
     */
    TcpSelectionKey register(TcpListener listener, int interest, Object attachment) throws IOException;

    /** Takes the ready set without waiting: the number of ready keys (0 if none). */
    int selectNow() throws IOException;

    /**
     * Waits until at least one key is ready, {@link #wakeup()} is called, or {@code timeout} passes.
     *
     * @return the number of ready keys (0 after a wakeup or a timeout)
     * @throws java.io.InterruptedIOException when the selecting thread is interrupted
     */
    int select(Duration timeout) throws IOException;

    /** The {@code index}-th ready key of the last selection, {@code 0 <= index <} what it returned. */
    TcpSelectionKey readyKey(int index);

    /**
     * Any thread: makes the current {@link #select(Duration)} return at once, or the next one if none is waiting.
     */
    void wakeup();

    /** Keys registered and not cancelled (as of the last selection, plus those registered since). */
    int keyCount();

    /** Cancels every key; the sockets and listeners stay open. Idempotent. */
    @Override
    void close();
}
