package io.ustack.ip.arp;

import io.ustack.api.net.MacAddress;
import io.ustack.link.wire.EthernetFrame;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import static io.ustack.ip.arp.ArpHarness.IP0;
import static io.ustack.ip.arp.ArpHarness.PEER_IP;
import static io.ustack.ip.arp.ArpHarness.PEER_MAC;
import static io.ustack.ip.arp.ArpHarness.arpFrame;
import static io.ustack.ip.wire.ArpPacket.OPERATION_REQUEST;

/** Untrusted ARP bytes never make the module throw or leak a packet buffer. */
class ArpRobustnessTest
{
    @Property(tries = 300)
    @Label("RFC 826: arbitrary bytes after an ARP EtherType never throw and never leak a buffer")
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 80) final byte[] payload)
    {
        try (ArpHarness h = new ArpHarness().started())
        {
            final byte[] frame = new byte[EthernetFrame.HEADER_LENGTH + payload.length];
            System.arraycopy(arpFrame(MacAddress.BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, IP0), 0, frame,
                0, EthernetFrame.HEADER_LENGTH);
            System.arraycopy(payload, 0, frame, EthernetFrame.HEADER_LENGTH, payload.length);
            h.receive(0, frame);
            h.doWork();
        }
    }

    @Property(tries = 300)
    @Label("RFC 826: a valid ARP body with random fields (one byte flipped) never throws and never leaks a buffer")
    void mutatedPacketsNeverThrow(@ForAll @IntRange(max = 59) final int index, @ForAll final byte value,
        @ForAll @IntRange(max = 1) final int interfaceIndex)
    {
        try (ArpHarness h = new ArpHarness().started())
        {
            final byte[] frame = arpFrame(MacAddress.BROADCAST, OPERATION_REQUEST, PEER_MAC, PEER_IP, 0, IP0);
            frame[index] = value;
            h.receive(interfaceIndex, frame);
            h.resolve(interfaceIndex, PEER_IP, 1);
            h.receive(interfaceIndex, frame);
            // Run the timers until any packet still held has been delivered or given up on.
            for (int i = 0; i <= h.config.arpMaxRetries(); i++)
            {
                h.advanceMs(h.config.arpRetryIntervalMs());
                h.doWork();
            }
        }
    }
}
