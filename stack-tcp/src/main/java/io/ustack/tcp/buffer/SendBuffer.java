package io.ustack.tcp.buffer;

import io.ustack.tcp.wire.SeqNum;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The bytes the application has written that the peer has not yet acknowledged, mapped onto sequence space
 * (RFC 9293 §3.3.1, Figure 3):
 *
 * <pre>
 *          seqOfFirstByte()                              endSeq()   finSeq() (when a FIN is queued)
 *               |                                           |         |
 *   ... acked   | sent, unacknowledged | not yet sent       |  [FIN]  |
 *               |&lt;------------------- size() ----------------&gt;|         |
 *            SND.UNA               SND.NXT (the caller's)
 * </pre>
 *
 * <p>The buffer holds bytes from SND.UNA to the end of the written data; SND.NXT, SND.WND and what has been sent are
 * the connection's, not the buffer's: the segmenter asks {@link #bytesAfter(int)} how much is left to send from
 * SND.NXT and fills a packet with {@link #copyOut(int, MutableDirectBuffer, int, int)}, which serves first
 * transmissions and retransmissions alike. ACK processing calls {@link #acknowledge(int)}.
 *
 * <p>The FIN (RFC 9293 §3.4, §3.6) takes the one sequence number after the last data byte: once
 * {@link #markFin()} has been called no more data may be written, and an ACK of {@code finSeq() + 1} acknowledges
 * the FIN as well as all data ({@link #finAcked()}).
 *
 * <p>Storage is an off-heap ring of power-of-two capacity fixed at construction (SO_SNDBUF); nothing here allocates
 * afterwards. Single-threaded: <b>application side</b> (through the socket layer) calls {@link #write},
 * {@link #free()} and {@link #markFin()}; <b>stack side</b> calls {@link #start(int)}, {@link #copyOut},
 * {@link #bytesAfter(int)}, {@link #acknowledge(int)} and the sequence accessors. Both run on the TCP agent's thread.
 */
public final class SendBuffer
{
    private final RingStorage ring;

    /** Free-running ring position of the byte at {@link #firstSeq}. */
    private int headPosition;
    /** Sequence number of the oldest byte held (SND.UNA once the SYN is acknowledged). */
    private int firstSeq;
    private int size;
    private boolean finQueued;
    private boolean finAcked;

    /**
     * @param capacity bytes the buffer can hold (SO_SNDBUF): a power of two from 1 to 2^30
     */
    public SendBuffer(final int capacity)
    {
        this.ring = new RingStorage(capacity, "send buffer");
    }

    /**
     * Stack side, at connection setup: the SYN takes sequence number {@code isn}, so the first data byte will be
     * {@code isn + 1} (RFC 9293 §3.4). Discards anything held and any FIN.
     */
    public void start(final int isn)
    {
        firstSeq = SeqNum.add(isn, 1);
        headPosition = 0;
        size = 0;
        finQueued = false;
        finAcked = false;
    }

    /** Bytes the buffer can hold in all. */
    public int capacity()
    {
        return ring.capacity();
    }

    /** Bytes held: written and not yet acknowledged. */
    public int size()
    {
        return size;
    }

    /** Room for more writes, in bytes (0 once a FIN is queued). */
    public int free()
    {
        return finQueued ? 0 : ring.capacity() - size;
    }

    /**
     * Application side: appends as many of {@code length} bytes of {@code src} from {@code offset} as fit.
     *
     * @return bytes taken, 0 when the buffer is full
     * @throws IllegalStateException after {@link #markFin()}: the output was shut down (the socket layer reports it)
     */
    public int write(final DirectBuffer src, final int offset, final int length)
    {
        if (finQueued)
        {
            throw new IllegalStateException("write after the FIN was queued: output already shut down");
        }
        if (length < 0)
        {
            throw new IllegalArgumentException("negative length " + length);
        }
        final int taken = Math.min(length, ring.capacity() - size);
        if (taken > 0)
        {
            ring.copyIn(headPosition + size, src, offset, taken);
            size += taken;
        }
        return taken;
    }

    /** Sequence number of the oldest byte held: SND.UNA for data (equal to {@link #endSeq()} when empty). */
    public int seqOfFirstByte()
    {
        return firstSeq;
    }

    /** Sequence number just after the last byte written (where the FIN goes, if one is queued). */
    public int endSeq()
    {
        return SeqNum.add(firstSeq, size);
    }

    /**
     * Application side (shutdown of output / close): queue a FIN after the data written so far. Idempotent.
     */
    public void markFin()
    {
        finQueued = true;
    }

    /** Whether a FIN is queued after the data (sent or not). */
    public boolean finQueued()
    {
        return finQueued;
    }

    /** Whether the peer has acknowledged the FIN (and with it every byte). */
    public boolean finAcked()
    {
        return finAcked;
    }

    /**
     * The sequence number the FIN occupies: one past the last data byte (RFC 9293 §3.4).
     *
     * @throws IllegalStateException if no FIN is queued
     */
    public int finSeq()
    {
        if (!finQueued)
        {
            throw new IllegalStateException("no FIN queued");
        }
        return endSeq();
    }

    /**
     * Stack side, on an acceptable ACK (RFC 9293 §3.10.7.4, "fifth, check the ACK field"): frees the bytes before
     * {@code ackSeq}. The acceptable range is {@code [seqOfFirstByte(), endSeq()]}, extended by one when a FIN is
     * queued ({@code finSeq() + 1} acknowledges the FIN). Whether the ACK is also within SND.NXT (an ACK of data not
     * yet sent) is the caller's check: this buffer does not know SND.NXT.
     *
     * @return data bytes freed (0 for a duplicate ACK; the FIN is not counted), or -1 if {@code ackSeq} is outside
     *         the acceptable range: nothing changes and the caller decides (RFC 9293 §3.10.7.4 / RFC 5961 §5)
     */
    public int acknowledge(final int ackSeq)
    {
        if (finAcked)
        {
            return ackSeq == SeqNum.add(firstSeq, 1) ? 0 : -1;
        }
        final int ahead = SeqNum.diff(ackSeq, firstSeq);
        if (ahead < 0 || ahead > size + (finQueued ? 1 : 0))
        {
            return -1;
        }
        final int freed = Math.min(ahead, size);
        headPosition += freed;
        firstSeq = SeqNum.add(firstSeq, freed);
        size -= freed;
        if (ahead > freed)
        {
            // RFC 9293 §3.10.7.4 (FIN-WAIT-1, CLOSING, LAST-ACK): this ACK covers our FIN.
            finAcked = true;
        }
        return freed;
    }

    /**
     * Stack side: bytes held from {@code seq} to the end of the data (what is left to send from SND.NXT, for the
     * usable window of RFC 9293 §3.8.6.2.1).
     *
     * @return 0 for {@code seq} at {@link #endSeq()} (or just past a queued FIN); -1 if {@code seq} is outside the
     *         data held
     */
    public int bytesAfter(final int seq)
    {
        final int offset = SeqNum.diff(seq, firstSeq);
        if (offset < 0 || offset > size + (finQueued ? 1 : 0))
        {
            return -1;
        }
        return Math.max(0, size - offset);
    }

    /**
     * Stack side (the segmenter): copies up to {@code length} bytes starting at sequence number {@code seq} into
     * {@code dst} at {@code dstOffset}, across the ring's wrap, for a first transmission or a retransmission of any
     * range still held. Copies nothing of the FIN (it is a flag, not a byte).
     *
     * @return bytes copied ({@code min(length, bytesAfter(seq))}), or -1 if {@code seq} is outside
     *         {@code [seqOfFirstByte(), endSeq()]} (already acknowledged, or never written)
     */
    public int copyOut(final int seq, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("negative length " + length);
        }
        final int offset = SeqNum.diff(seq, firstSeq);
        if (offset < 0 || offset > size)
        {
            return -1;
        }
        final int n = Math.min(length, size - offset);
        if (n > 0)
        {
            ring.copyOut(headPosition + offset, dst, dstOffset, n);
        }
        return n;
    }
}
