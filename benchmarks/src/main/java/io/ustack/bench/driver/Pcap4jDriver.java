package io.ustack.bench.driver;

import org.agrona.concurrent.UnsafeBuffer;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.RawPacketListener;

/**
 * pcap4j over libpcap, used the way its documentation shows for raw frames: {@code getNextRawPacket()} (a byte[]
 * per frame, no parsing into pcap4j packet objects) or {@code dispatch(n, RawPacketListener)} (many frames per
 * native call, a callback and a byte[] each) and {@code sendPacket(byte[], len)} (one
 * {@code pcap_sendpacket}, so one {@code send(2)}, per frame). Immediate mode (libpcap then maps a TPACKET_V2
 * ring), 4 MiB buffer unless told otherwise, and non-blocking so that it busy-polls as ustack's endpoint does
 * (blocking, under load, it sleeps in poll(2) and falls far behind).
 */
final class Pcap4jDriver implements FrameDriver, RawPacketListener
{
    /** libpcap's soname on Debian; the unversioned libpcap.so only comes with libpcap-dev. */
    static final String LIBPCAP = "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8";

    private final PcapHandle handle;
    private final boolean dispatch;
    private int dispatched;
    private final byte[] sendBuffer = new byte[2048];
    private long checksum;

    /** @param dispatch receive with {@code dispatch} (batches) instead of {@code getNextRawPacket} */
    Pcap4jDriver(final String interfaceName, final boolean dispatch) throws PcapNativeException
    {
        this(interfaceName, dispatch, 4 << 20);
    }

    /** @param bufferBytes libpcap's ring size ({@code pcap_set_buffer_size}) */
    Pcap4jDriver(final String interfaceName, final boolean dispatch, final int bufferBytes)
        throws PcapNativeException
    {
        this.dispatch = dispatch;
        if (System.getProperty("org.pcap4j.core.pcapLibName") == null)
        {
            System.setProperty("org.pcap4j.core.pcapLibName", LIBPCAP);
        }
        this.handle = new PcapHandle.Builder(interfaceName)
            .snaplen(2048)
            .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
            .timeoutMillis(1)
            .immediateMode(true)
            .bufferSize(bufferBytes)
            .build();
        try
        {
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
        }
        catch (final NotOpenException e)
        {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int receive(final int limit)
    {
        if (dispatch)
        {
            dispatched = 0;
            try
            {
                handle.dispatch(limit, this);
            }
            catch (final PcapNativeException | InterruptedException | NotOpenException e)
            {
                throw new IllegalStateException(e);
            }
            return dispatched;
        }
        int received = 0;
        try
        {
            while (received < limit)
            {
                final byte[] frame = handle.getNextRawPacket();
                if (frame == null)
                {
                    break;
                }
                checksum += frame[frame.length - 1] + frame[12];
                received++;
            }
        }
        catch (final NotOpenException e)
        {
            throw new IllegalStateException(e);
        }
        return received;
    }

    @Override
    public int send(final UnsafeBuffer frame, final int length, final int count)
    {
        frame.getBytes(0, sendBuffer, 0, length);
        int sent = 0;
        try
        {
            for (; sent < count; sent++)
            {
                handle.sendPacket(sendBuffer, length);
            }
        }
        catch (final PcapNativeException e)
        {
            // ENOBUFS and the like: the rest of the batch was refused, as a full ring refuses.
        }
        catch (final NotOpenException e)
        {
            throw new IllegalStateException(e);
        }
        return sent;
    }

    @Override
    public void gotPacket(final byte[] frame)
    {
        checksum += frame[frame.length - 1] + frame[12];
        dispatched++;
    }

    /** libpcap's own counters ({@code pcap_stats}): frames the kernel saw and dropped for lack of ring room. */
    String stats()
    {
        try
        {
            final org.pcap4j.core.PcapStat stat = handle.getStats();
            return "pcap_stats received " + stat.getNumPacketsReceived() + ", dropped " +
                stat.getNumPacketsDropped();
        }
        catch (final PcapNativeException | NotOpenException e)
        {
            return "pcap_stats failed: " + e.getMessage();
        }
    }

    long checksum()
    {
        return checksum;
    }

    @Override
    public void close()
    {
        handle.close();
    }
}
