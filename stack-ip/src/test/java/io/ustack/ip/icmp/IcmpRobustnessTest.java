package io.ustack.ip.icmp;

import io.ustack.ip.wire.IcmpHeader;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ustack.ip.icmp.IcmpHarness.PEER;
import static io.ustack.ip.icmp.IcmpHarness.US;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Untrusted ICMP bytes never make the module throw, send more than one answer, or leak a buffer. */
class IcmpRobustnessTest
{
    @Property(tries = 1000)
    @Label("RFC 792: arbitrary ICMP messages (checksum fixed or not) never throw and never leak a buffer")
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 120) final byte[] message, @ForAll final boolean fixChecksum,
        @ForAll @IntRange(max = 15) final int type)
    {
        try (IcmpHarness h = new IcmpHarness())
        {
            if (message.length >= IcmpHeader.HEADER_LENGTH)
            {
                final IcmpHeader header = new IcmpHeader().wrapForWrite(new UnsafeBuffer(message), 0);
                header.type(type);
                if (fixChecksum)
                {
                    header.computeAndSetChecksum(message.length);
                }
            }
            h.receive(PEER, US, message);
            h.icmp.doWork(h.nowNs());
            assertTrue(h.sender.sent.size() <= 1);
        }
    }
}
