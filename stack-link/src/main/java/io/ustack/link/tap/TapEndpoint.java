package io.ustack.link.tap;

import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.api.net.MacAddress;
import io.ustack.jni.NativeLibrary;
import io.ustack.jni.NetInterfaces;
import io.ustack.jni.Tap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A TAP interface: the kernel sees a network interface named {@link #name()}, and every frame it sends there comes
 * out of {@link #receive}; every frame {@link #transmit}ted arrives at the kernel as if from a wire. The stack is the
 * host on the far end of that wire, with its own MAC ({@link #macAddress()}, not the TAP interface's).
 *
 * <p>Non-blocking; one {@code read(2)} per received frame (up to the limit per {@link #receive} call) and one
 * {@code write(2)} per transmitted frame: a TAP fd has no ring. The interface disappears when this endpoint closes.
 * Used by one thread.
 */
public final class TapEndpoint implements LinkEndpoint
{
    private static final int ETHERNET_HEADER = 14;
    /** Largest frame a TAP read returns (the kernel's 64 KiB limit for one packet, plus headroom). */
    private static final int READ_CAPACITY = 65_536 + ETHERNET_HEADER;

    private final String name;
    private final long macAddress;
    private final int mtu;
    private final int fd;
    private final ByteBuffer rxBytes = ByteBuffer.allocateDirect(READ_CAPACITY);
    private final UnsafeBuffer rxBuffer = new UnsafeBuffer(rxBytes);
    private final ByteBuffer txBytes;
    private final UnsafeBuffer txBuffer;
    private long writeErrors;
    private boolean closed;

    private TapEndpoint(final String name, final long macAddress, final int mtu, final int fd)
    {
        this.name = name;
        this.macAddress = macAddress;
        this.mtu = mtu;
        this.fd = fd;
        this.txBytes = ByteBuffer.allocateDirect(mtu + ETHERNET_HEADER);
        this.txBuffer = new UnsafeBuffer(txBytes);
    }

    /**
     * Creates the TAP interface {@code name}; bring it up (and give the kernel side an address, or move it to a
     * namespace) with {@code ip}.
     *
     * @param name       interface name, 1 to 15 bytes
     * @param macAddress the stack's MAC on this link (unicast; not the TAP interface's own)
     * @param mtu        the stack's IP MTU on this link, 68..65521; set the interface's to the same
     * @throws IOException saying what failed (missing {@code /dev/net/tun}, missing CAP_NET_ADMIN, name in use)
     */
    public static TapEndpoint open(final String name, final long macAddress, final int mtu) throws IOException
    {
        NetInterfaces.validateName(name);
        if (macAddress <= 0 || macAddress > MacAddress.BROADCAST || MacAddress.isGroup(macAddress))
        {
            throw new IllegalArgumentException("MAC " + MacAddress.toString(macAddress & MacAddress.BROADCAST) +
                " must be a unicast address other than 00:00:00:00:00:00");
        }
        if (mtu < 68 || mtu > READ_CAPACITY - ETHERNET_HEADER - 15)
        {
            throw new IllegalArgumentException("MTU " + mtu + " must be 68.." + (READ_CAPACITY - ETHERNET_HEADER - 15));
        }
        NativeLibrary.load();
        return new TapEndpoint(name, macAddress, mtu, Tap.open(name));
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public long macAddress()
    {
        return macAddress;
    }

    @Override
    public int mtu()
    {
        return mtu;
    }

    /** Reads up to {@code limit} frames, one {@code read(2)} each, stopping at the first empty read. */
    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        int done = 0;
        while (!closed && done < limit)
        {
            final int length = Tap.read(fd, rxBytes, 0, READ_CAPACITY);
            if (length <= 0)
            {
                break;
            }
            handler.onFrame(rxBuffer, 0, length);
            done++;
        }
        return done;
    }

    /** Writes the frame at once; false if it exceeds the MTU or the kernel refuses it now. */
    @Override
    public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (closed || length > mtu + ETHERNET_HEADER || length < ETHERNET_HEADER)
        {
            return false;
        }
        txBuffer.putBytes(0, buffer, offset, length);
        final int written = Tap.write(fd, txBytes, 0, length);
        if (written < 0)
        {
            writeErrors++;
        }
        return written > 0;
    }

    /** Frames leave at {@link #transmit}: nothing to push. */
    @Override
    public int flush()
    {
        return 0;
    }

    /** Writes the kernel refused with an error (for example, the interface is down). */
    public long writeErrors()
    {
        return writeErrors;
    }

    /** Closes the fd, which removes the interface. Idempotent. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            Tap.close(fd);
        }
    }

    @Override
    public String toString()
    {
        return "TapEndpoint{" + name + ", " + MacAddress.toString(macAddress) + ", mtu=" + mtu + "}";
    }
}
