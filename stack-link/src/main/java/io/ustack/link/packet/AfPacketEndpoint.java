package io.ustack.link.packet;

import io.ustack.api.link.LinkEndpoint;
import io.ustack.api.link.RxFrameHandler;
import io.ustack.api.net.MacAddress;
import io.ustack.jni.AfPacket;
import io.ustack.jni.NativeLibrary;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A Linux network interface driven through an AF_PACKET socket with {@code PACKET_MMAP} rings (TPACKET_V2 or V3,
 * one mapping, {@code PACKET_QDISC_BYPASS}, {@code PACKET_IGNORE_OUTGOING}).
 *
 * <p>The data path makes no JNI call per frame: {@link #receive} walks the receive ring in place
 * ({@link PacketRxRing}, or {@link PacketBlockRxRing} for V3); {@link #transmit} copies a frame into the next
 * transmit slot ({@link PacketTxRing}) or staging slot ({@link StagedBatchSender}); and {@link #flush} sends every
 * frame queued since the last flush with one {@code sendto} (or one {@code sendmmsg} per 64 frames). In
 * {@link AfPacketConfig.PollMode#BLOCKING} mode an empty receive ring costs one {@code poll(2)}. In
 * {@link AfPacketConfig.TxMode#RING_GSO} it also takes TCP frames of up to a transmit slot for the kernel to cut
 * into segments ({@link #transmitSegmented}, TCP segmentation offload).
 *
 * <p>The stack should own an address the kernel does not have on this interface (DESIGN.md "Link drivers"), so the
 * kernel neither answers ARP for it nor resets its flows. Used by one thread, as every {@link LinkEndpoint}.
 */
public final class AfPacketEndpoint implements LinkEndpoint
{
    private final String name;
    private final long macAddress;
    private final int mtu;
    private final AfPacketConfig config;
    private final int fd;
    private final ByteBuffer mapping;
    private final RxRing rxRing;
    private final PacketTxRing txRing;
    private final StagedBatchSender batchSender;
    private final boolean blocking;
    private KernelIngressDrop ingressDrop;
    private long kickErrors;
    private boolean kickRefused;
    private boolean closed;

    private AfPacketEndpoint(final AfPacketConfig config, final long macAddress, final int mtu, final int fd,
        final ByteBuffer mapping)
    {
        this.name = config.interfaceName();
        this.config = config;
        this.macAddress = macAddress;
        this.mtu = mtu;
        this.fd = fd;
        this.mapping = mapping;
        final UnsafeBuffer ring = new UnsafeBuffer(mapping);
        final int ringBytes = config.frameSize() * config.frameCount();
        final boolean v3 = config.rxRingVersion() == AfPacketConfig.RxRingVersion.V3;
        this.rxRing = v3 ? new PacketBlockRxRing(ring, 0, config.blockSize(), ringBytes / config.blockSize()) :
            new PacketRxRing(ring, 0, config.frameSize(), config.frameCount());
        final boolean sendmmsg = config.txMode() == AfPacketConfig.TxMode.SENDMMSG;
        this.txRing = sendmmsg ? null : new PacketTxRing(ring, ringBytes, config.txFrameSize(),
            config.txFrameCount(), v3, config.vnetHeader(), config.txMode() == AfPacketConfig.TxMode.RING_GSO);
        this.batchSender = sendmmsg ? StagedBatchSender.forSocket(fd, config.frameSize(), config.frameCount()) : null;
        this.blocking = config.pollMode() == AfPacketConfig.PollMode.BLOCKING;
    }

    /**
     * Opens the interface.
     *
     * @throws IOException saying what to do: the interface is missing or down, its MTU does not fit a ring slot,
     *                     the process lacks CAP_NET_RAW, or another step failed (named, with the OS reason). Nothing
     *                     stays open after a failure.
     * @throws UnsatisfiedLinkError if the native driver is not available on this platform
     */
    public static AfPacketEndpoint open(final AfPacketConfig config) throws IOException
    {
        NativeLibrary.load();
        final String name = config.interfaceName();
        final String where = config.namespacePath() == null ? "" : " in namespace " + config.namespacePath();
        final long[] info = new long[AfPacket.INFO_LENGTH];
        if (AfPacket.interfaceInfo(name, config.namespacePath(), info) == AfPacket.ENODEV)
        {
            throw new IOException("no network interface named " + name + where + ": `ip link` lists them");
        }
        if ((info[AfPacket.INFO_FLAGS] & AfPacket.IFF_UP) == 0)
        {
            throw new IOException("interface " + name + where + " is down: bring it up with `ip link set " + name +
                " up`");
        }
        final int mtu = (int)info[AfPacket.INFO_MTU];
        if (mtu > config.maxMtu())
        {
            throw new IOException("interface " + name + where + " has MTU " + mtu + ", larger than a ring frame " +
                "holds (frameSize " + config.frameSize() + " fits MTU " + config.maxMtu() + "): use frameSize " +
                alignedFrameSize(mtu) + " or more, or lower the MTU with `ip link set " + name + " mtu " +
                config.maxMtu() + "`");
        }
        final boolean override = config.macAddress() != AfPacketConfig.INTERFACE_MAC &&
            config.macAddress() != info[AfPacket.INFO_MAC];
        final long mac = override ? config.macAddress() : info[AfPacket.INFO_MAC];

        final long[] opened = new long[AfPacket.OPEN_LENGTH];
        final int fanout = config.fanoutGroup() == AfPacketConfig.NO_FANOUT ? -1 :
            config.fanoutGroup() | config.fanoutMode().value << 16;
        final int version = config.rxRingVersion() == AfPacketConfig.RxRingVersion.V3 ? AfPacket.TPACKET_V3 :
            AfPacket.TPACKET_V2;
        final ByteBuffer mapping = AfPacket.open(name, config.namespacePath(), (int)info[AfPacket.INFO_INDEX],
            version, config.blockTimeoutMs(), config.txMode() != AfPacketConfig.TxMode.SENDMMSG,
            (config.vnetHeader() ? AfPacket.TX_VNET_HDR : 0) |
                (config.txMode() == AfPacketConfig.TxMode.RING_GSO ? AfPacket.TX_THROUGH_QDISC : 0),
            config.blockSize(), config.frameSize(), config.frameCount() / (config.blockSize() / config.frameSize()),
            config.txFrameSize(), config.txFrameCount(), fanout, override, opened);
        final AfPacketEndpoint endpoint = new AfPacketEndpoint(config, mac, mtu, (int)opened[AfPacket.OPEN_FD],
            mapping);
        if (config.kernelIngressDrop())
        {
            try
            {
                endpoint.ingressDrop = KernelIngressDrop.install(name, config.namespacePath());
            }
            catch (final IOException e)
            {
                endpoint.close();
                throw e;
            }
        }
        return endpoint;
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

    /** The configuration this endpoint was opened with. */
    public AfPacketConfig config()
    {
        return config;
    }

    @Override
    public int receive(final RxFrameHandler handler, final int limit)
    {
        if (closed)
        {
            return 0;
        }
        final int done = rxRing.receive(handler, limit);
        if (done > 0 || !blocking)
        {
            return done;
        }
        return AfPacket.awaitReadable(fd, config.pollTimeoutMs()) > 0 ? rxRing.receive(handler, limit) : 0;
    }

    /** Copies the frame into the next transmit slot; refuses when the ring is full or the frame exceeds a slot. */
    @Override
    public boolean transmit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (closed || length > mtu + 14)
        {
            return false;
        }
        return txRing != null ? txRing.offer(buffer, offset, length) : batchSender.offer(buffer, offset, length);
    }

    /**
     * In {@link AfPacketConfig.TxMode#RING_GSO}, the longest frame a transmit slot holds (its 64 KiB less the slot
     * header and the {@code virtio_net_hdr}): the kernel cuts such frames as it cuts merged ones. 0 in every other
     * mode, which has no {@code virtio_net_hdr} that can ask for segmentation (or no slots that large).
     */
    @Override
    public int segmentationOffloadLimit()
    {
        return config.txMode() == AfPacketConfig.TxMode.RING_GSO ? txRing.maxFrameLength() : 0;
    }

    /**
     * Copies the frame into the next transmit slot, behind any open merged frame, with a {@code virtio_net_hdr}
     * asking the kernel to cut it into segments ({@code GSO_TCPV4}) and complete their checksums. Refuses when the
     * ring is full, or the frame exceeds {@link #segmentationOffloadLimit()} or is not a TCP/IPv4 frame without
     * options.
     */
    @Override
    public boolean transmitSegmented(final DirectBuffer buffer, final int offset, final int length,
        final int segmentSize)
    {
        if (segmentationOffloadLimit() == 0)
        {
            return LinkEndpoint.super.transmitSegmented(buffer, offset, length, segmentSize);
        }
        return !closed && txRing.offerSegmented(buffer, offset, length, segmentSize);
    }

    /**
     * One {@code sendto} for every frame queued since the last flush (or {@code sendmmsg} calls, 64 frames each). A
     * transient refusal (no kernel buffers) leaves them queued for the next flush.
     */
    @Override
    public int flush()
    {
        if (closed)
        {
            return 0;
        }
        if (batchSender != null)
        {
            return batchSender.flush();
        }
        final int frames = txRing.takePending();
        // After a refused kick the frames stay marked in the ring; kick again even with nothing new, or a ring that
        // filled up meanwhile (so nothing new can be queued) would never be sent.
        if (frames > 0 || kickRefused)
        {
            kickRefused = AfPacket.kick(fd) != 0;
            if (kickRefused)
            {
                kickErrors++;
            }
        }
        return frames;
    }

    /** Flushes whose {@code sendto} the kernel refused for now (the frames went with a later flush). */
    public long kickErrors()
    {
        return batchSender != null ? batchSender.refusedFlushes() : kickErrors;
    }

    /**
     * TCP segments that left merged into an earlier segment's frame ({@link AfPacketConfig.TxMode#RING_GSO}), for
     * the kernel to cut apart again.
     */
    public long mergedSegments()
    {
        return txRing == null ? 0 : txRing.mergedSegments();
    }

    /** Unmaps the rings, closes the socket and removes the kernel ingress drop if there was one. Idempotent. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            AfPacket.close(fd, mapping);
            if (ingressDrop != null)
            {
                ingressDrop.close();
            }
        }
    }

    @Override
    public String toString()
    {
        return "AfPacketEndpoint{" + name + ", " + MacAddress.toString(macAddress) + ", mtu=" + mtu + "}";
    }

    private static int alignedFrameSize(final int mtu)
    {
        final int needed = mtu + Tpacket2.RX_NET_OFFSET;
        return (needed + Tpacket2.ALIGNMENT - 1) / Tpacket2.ALIGNMENT * Tpacket2.ALIGNMENT;
    }
}
