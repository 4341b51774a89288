package io.ustack.jni;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Raw JNI calls of the TAP driver ({@code tap.c}): {@code /dev/net/tun} with {@code IFF_TAP | IFF_NO_PI},
 * non-blocking, one system call per frame. {@code io.ustack.link.tap.TapEndpoint} is the user.
 */
public final class Tap
{
    static
    {
        NativeLibrary.isAvailable();
    }

    private Tap()
    {
    }

    /**
     * Creates the TAP interface {@code name} (gone again when the fd closes).
     *
     * @return its non-blocking file descriptor
     * @throws IOException with the OS reason and, for EPERM, what privilege is missing
     */
    public static native int open(String name) throws IOException;

    /**
     * Reads one frame into a direct buffer.
     *
     * @return its length, 0 if none is waiting, or a negated errno
     */
    public static native int read(int fd, ByteBuffer buffer, int offset, int capacity);

    /**
     * Writes one frame from a direct buffer.
     *
     * @return 1 if written, 0 if the device has no room now, or a negated errno
     */
    public static native int write(int fd, ByteBuffer buffer, int offset, int length);

    /** Closes the fd (which removes the interface). */
    public static native void close(int fd);
}
