package io.ustack.bench.driver;

import org.agrona.concurrent.UnsafeBuffer;

/** One way to move raw Ethernet frames through an interface, as the frame-rate harness drives it. */
interface FrameDriver extends AutoCloseable
{
    /** Takes every frame waiting now (at most {@code limit}) and returns how many there were. */
    int receive(int limit);

    /** Sends {@code count} copies of {@code frame} as one batch (or as many calls as the driver needs). */
    int send(UnsafeBuffer frame, int length, int count);

    @Override
    void close();
}
